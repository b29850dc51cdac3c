// This file holds the example's built-in sentences, written for it.

package main

// documents are the texts searched; pairA and pairB index a paraphrase pair
// whose cosine is printed at each size.
var documents = []string{
	"The cat is sleeping on the warm windowsill.",
	"A kitten naps in the sunshine by the window.",
	"The dog fetched the ball from the lake.",
	"Stock prices fell after the bank raised interest rates.",
	"Markets dropped when borrowing costs went up.",
	"The recipe needs two eggs, flour and a cup of milk.",
	"Whisk the eggs with milk before adding the flour.",
	"The train to the airport leaves every ten minutes.",
	"Our flight was delayed by three hours because of fog.",
	"The team won the match with a goal in the last minute.",
	"A late goal gave the home side victory.",
	"Astronomers discovered a planet orbiting a distant star.",
	"The telescope captured images of a far-away galaxy.",
	"Drink plenty of water and get enough sleep to stay healthy.",
	"Regular exercise lowers the risk of heart disease.",
	"The new phone has a bigger screen and a longer battery life.",
	"Update your password and enable two-factor authentication.",
	"The museum opens a new exhibition of modern paintings.",
	"Heavy rain and strong winds are expected tomorrow.",
	"The farmer harvested wheat and corn before the storm.",
	"Children played in the park until it got dark.",
	"The orchestra performed a symphony by Beethoven.",
	"He repaired the bicycle's flat tyre with a patch.",
	"The river flooded the village after days of rain.",
}

const pairA, pairB = 0, 1

// queries are searched against documents.
var queries = []string{
	"a sleepy cat",
	"why did the shares go down",
	"how to make pancakes",
	"travel delays",
	"football results",
	"space discoveries",
	"staying fit and well",
	"bad weather forecast",
	"protecting online accounts",
	"classical music concert",
}
