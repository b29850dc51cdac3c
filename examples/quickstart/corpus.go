// This file holds the quickstart's built-in corpus: 32 short English
// documents on eight topics, written for this example (no third-party text).

package main

import "github.com/ganada/ganada"

// doc is shorthand for a document with a topic.
func doc(id, topic, text string) ganada.Document {
	return ganada.Document{ID: id, Text: text, Metadata: map[string]string{"topic": topic}}
}

// corpus returns the documents the quickstart indexes.
func corpus() []ganada.Document {
	return []ganada.Document{
		doc("bread", "cooking", "Knead the dough for ten minutes, let it rise for an hour, then bake the bread in a hot oven."),
		doc("soup", "cooking", "Simmer the onions, carrots and garlic in the stock, then add the tomatoes and season the soup."),
		doc("salad", "cooking", "A light salad of fresh spinach, beans and olive oil makes a healthy lunch."),
		doc("pasta", "cooking", "Boil the pasta in salted water and toss it with butter, cheese and black pepper."),

		doc("dog", "animals", "Our dog barks at the neighbours' cat and chases it around the garden every evening."),
		doc("cat", "animals", "Cats sleep for most of the day and hunt mice and birds at night."),
		doc("whale", "animals", "Blue whales are the largest animals that have ever lived, feeding on tiny krill in the ocean."),
		doc("bees", "animals", "Bees collect nectar from flowers and turn it into honey inside the hive."),

		doc("mercury", "space", "Mercury is the smallest planet and the one closest to the sun, with no moons at all."),
		doc("moon", "space", "Astronauts first walked on the moon in 1969, during the Apollo 11 mission."),
		doc("telescope", "space", "A space telescope orbiting the earth photographs distant galaxies and stars."),
		doc("mars", "space", "Robotic rovers drive across the red, dusty surface of Mars looking for signs of ancient water."),

		doc("football", "sport", "The striker scored twice in the second half and the team won the championship final."),
		doc("tennis", "sport", "She won the tennis tournament after a long match that lasted almost four hours."),
		doc("marathon", "sport", "Thousands of runners finished the city marathon despite the heat."),
		doc("chess", "sport", "The young grandmaster won the chess tournament with a brilliant sacrifice of his queen."),

		doc("rates", "finance", "The central bank raised interest rates to slow inflation, and mortgage payments went up."),
		doc("stocks", "finance", "Shares fell sharply as investors sold technology stocks and the market lost five percent."),
		doc("budget", "finance", "Keeping a monthly budget helps a family save money and pay off its debts."),
		doc("tax", "finance", "The government plans to cut income tax for workers on low wages next year."),

		doc("heart", "health", "Regular exercise, less salt and not smoking lower the risk of heart disease."),
		doc("sleep", "health", "Adults need seven to nine hours of sleep a night to stay healthy and alert."),
		doc("flu", "health", "A yearly vaccine protects against the flu, which spreads quickly in winter."),
		doc("water", "health", "Drinking enough water keeps the body hydrated, especially on hot days."),

		doc("laptop", "technology", "The new laptop has a faster processor, more memory and a battery that lasts all day."),
		doc("password", "technology", "Use a long, unique password for every account and turn on two-factor authentication."),
		doc("compiler", "technology", "The compiler translates source code into machine code that the computer can run."),
		doc("phone", "technology", "Her phone downloads software updates automatically over the wireless network at night."),

		doc("train", "travel", "The night train from Paris arrives in Rome the next morning."),
		doc("passport", "travel", "Check that your passport is valid for six months before you book an international flight."),
		doc("beach", "travel", "The island has quiet sandy beaches, cheap hotels and warm, clear water for swimming."),
		doc("museum", "travel", "Tourists queue for hours to see the paintings in the famous museum in the old city."),
	}
}
