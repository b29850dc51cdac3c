// Command quickstart ranks a handful of sentences against a query with
// ganada's building blocks, offline and in milliseconds: token vectors are
// mean-pooled into sentence vectors (package pool, with the attention mask
// of a padded batch), normalised and scored with one DotBatch call
// (package similarity), then shortened with Matryoshka truncation (package
// matryoshka) and scored again.
//
// The token vectors here come from a toy "model" that hashes each word to a
// fixed pseudo-random vector, so sentences that share words score higher.
// A real transformer encoder (embed/transformer) produces the token vectors
// in the same layout.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"sort"
	"strings"
	"unicode"

	"github.com/ganada/ganada/matryoshka"
	"github.com/ganada/ganada/pool"
	"github.com/ganada/ganada/similarity"
)

const (
	hidden   = 64 // size of the toy token vectors
	shortDim = 16 // Matryoshka target size
)

var stopWords = map[string]bool{"a": true, "an": true, "the": true, "is": true, "of": true, "to": true, "in": true, "and": true, "how": true, "do": true, "i": true, "my": true, "for": true, "with": true}

// tokenize lower-cases text and splits it into words, dropping stop words.
func tokenize(text string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !stopWords[w] {
			words = append(words, w)
		}
	}
	return words
}

// tokenVector is the toy model: a fixed pseudo-random vector per word.
func tokenVector(word string, out []float32) {
	h := fnv.New64a()
	h.Write([]byte(word))
	r := rand.New(rand.NewSource(int64(h.Sum64())))
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
}

// encodeBatch pads the texts to the longest one, as a transformer batch
// would be, and pools each text's token vectors into a unit sentence vector.
func encodeBatch(texts []string) ([][]float32, error) {
	toks := make([][]string, len(texts))
	longest := 0
	for i, t := range texts {
		toks[i] = tokenize(t)
		longest = max(longest, len(toks[i]))
	}
	cfg := pool.Config{Modes: pool.Mean, IncludePrompt: true, Dim: hidden}
	out := make([][]float32, len(texts))
	for i, words := range toks {
		rows := make([]float32, longest*hidden) // padding rows stay zero
		mask := make([]int, longest)
		for j, w := range words {
			tokenVector(w, rows[j*hidden:(j+1)*hidden])
			mask[j] = 1
		}
		v := make([]float32, cfg.OutDim(hidden))
		if err := cfg.Pool(v, rows, mask, hidden, 0); err != nil {
			return nil, fmt.Errorf("text %d (%q): %w", i, texts[i], err)
		}
		if err := similarity.Normalize(v); err != nil {
			return nil, fmt.Errorf("text %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// rank scores query against docs with one DotBatch call over a row-major
// matrix and returns document indices, best first, with their scores.
func rank(query []float32, docs [][]float32) ([]int, []float32) {
	rows := make([]float32, 0, len(docs)*len(query))
	for _, d := range docs {
		rows = append(rows, d...)
	}
	scores := make([]float32, len(docs))
	similarity.DotBatch(scores, query, rows)
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	return order, scores
}

func run() error {
	docs := []string{
		"Boil the pasta in salted water until al dente.",
		"The stock market fell sharply on Monday.",
		"Fresh pasta needs less cooking time than dried pasta.",
		"Our cat sleeps on the warm windowsill all afternoon.",
		"Drain the pasta and toss it with the tomato sauce.",
		"Interest rates and the stock market move together.",
	}
	query := "How do I cook pasta with tomato sauce?"

	vecs, err := encodeBatch(append([]string{query}, docs...))
	if err != nil {
		return err
	}
	q, d := vecs[0], vecs[1:]
	fmt.Printf("similarity kernels in use: %s\n", similarity.Implementation())
	fmt.Printf("query: %q\n\n", query)

	order, scores := rank(q, d)
	fmt.Printf("ranked by cosine of %d-dim mean-pooled vectors:\n", hidden)
	for _, i := range order {
		fmt.Printf("  %6.3f  %s\n", scores[i], docs[i])
	}

	qs, err := matryoshka.Truncate(q, shortDim)
	if err != nil {
		return err
	}
	ds, err := matryoshka.TruncateAll(d, shortDim)
	if err != nil {
		return err
	}
	orderShort, scoresShort := rank(qs, ds)
	fmt.Printf("\nthe same after Matryoshka truncation to %d dims (%dx smaller):\n", shortDim, hidden/shortDim)
	for _, i := range orderShort {
		fmt.Printf("  %6.3f  %s\n", scoresShort[i], docs[i])
	}
	same := 0
	for k := 0; k < 3; k++ {
		if order[k] == orderShort[k] {
			same++
		}
	}
	fmt.Printf("\ntop-3 positions kept after truncation: %d of 3\n", same)
	fmt.Println("(the toy word vectors are random, so any prefix is a random projection; real")
	fmt.Println(" models need Matryoshka training for this — see the matryoshka package doc)")
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}
