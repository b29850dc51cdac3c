// Command quickstart is ganada in one screen: it loads a sentence encoder
// (the embedded English GloVe model by default, or any model with -model),
// indexes 32 short built-in documents in a Collection, and prints the best
// matches for a few questions, with their cosine similarity.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -model sentence-transformers/all-MiniLM-L6-v2
//	go run ./examples/quickstart "how do rockets reach orbit?"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/examples/internal/models"
)

// defaultQueries are asked when no query is given on the command line.
var defaultQueries = []string{
	"How long should bread dough rise?",
	"Which planet is nearest to the sun?",
	"my puppy keeps barking at night",
	"Why did the stock market go down?",
	"How can I protect my computer accounts?",
}

// filtered is a query run with a metadata filter.
var filtered = struct{ query, topic string }{"something healthy", "cooking"}

func main() {
	model := flag.String("model", "", models.FlagUsage)
	prompts := flag.String("prompts", "", models.PromptsUsage)
	k := flag.Int("k", 3, "hits per query")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: quickstart [-model M] [-prompts Q|D] [-k N] [query ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	queries := flag.Args()
	if len(queries) == 0 {
		queries = defaultQueries
	}
	if err := run(context.Background(), os.Stdout, *model, *prompts, *k, queries); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, spec, prompts string, k int, queries []string) error {
	start := time.Now()
	m, err := models.Load(ctx, spec, prompts)
	if err != nil {
		return err
	}
	loaded := time.Since(start)

	col, err := build(ctx, m)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "model %s, %d dimensions: loaded in %v, %d documents indexed in %v\n",
		m.Name, m.Dim(), loaded.Round(time.Millisecond), col.Len(), (time.Since(start) - loaded).Round(time.Millisecond))

	for _, q := range queries {
		hits, err := col.Query(ctx, q, k)
		if err != nil {
			return err
		}
		printHits(w, fmt.Sprintf("%q", q), hits)
	}
	hits, err := col.Query(ctx, filtered.query, k, ganada.WithFilter(ganada.Where("topic", filtered.topic)))
	if err != nil {
		return err
	}
	printHits(w, fmt.Sprintf("%q where topic = %s", filtered.query, filtered.topic), hits)
	fmt.Fprintf(w, "\ntotal %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// build indexes the corpus with m: the five lines of the README.
func build(ctx context.Context, m *models.Model) (*ganada.Collection, error) {
	col, err := ganada.NewCollection(m)
	if err != nil {
		return nil, err
	}
	if err := col.Add(ctx, corpus()...); err != nil {
		return nil, err
	}
	return col, nil
}

func printHits(w io.Writer, title string, hits []ganada.Hit) {
	fmt.Fprintf(w, "\n%s\n", title)
	for i, h := range hits {
		fmt.Fprintf(w, "  %d. %.3f  [%s] %s\n", i+1, h.Score, h.Metadata["topic"], h.Text)
	}
}
