// Command rag shows the retrieval half of retrieval-augmented generation: it
// cuts a long document (a built-in history of the Korean alphabet, in
// hangul.txt) into overlapping windows, indexes the windows in a
// Collection, and prints the passages that best answer a few questions —
// what a RAG system would hand to a language model as context.
//
//	go run ./examples/rag                        # embedded GloVe, 40-word windows
//	go run ./examples/rag -model sentence-transformers/all-MiniLM-L6-v2   # token windows
//	go run ./examples/rag -file notes.txt "what did we decide about the budget?"
//	go run ./examples/rag -reranker cross-encoder/ms-marco-MiniLM-L6-v2   # rerank the 20 best windows
//
// Windows are counted in words for word-vector models, and in the model's
// own tokens for transformers, whose inputs are cut at a maximum number of
// tokens: a window must fit, or its end would be silently ignored.
//
// The collection keeps a BM25 index beside the vectors (ganada.WithLexical)
// and answers by hybrid search, fusing the dense and lexical rankings by
// Reciprocal Rank Fusion; -search dense or -search lexical uses one alone.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/chunk"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/examples/internal/models"
)

//go:embed hangul.txt
var hangul string

var defaultQuestions = []string{
	"Which king created Hangul?",
	"When was the new alphabet published?",
	"Why did scholars oppose the new letters?",
	"How are letters grouped into syllable blocks?",
	"What do the shapes of the consonant letters depict?",
	"What happened to the Korean language under Japanese rule?",
	"How many syllables does Unicode encode?",
}

// settings are the example's flags.
type settings struct {
	window, overlap, k int
	reranker           embed.Reranker // -reranker: rerank the candidates best first
	candidates         int            // -candidates: how many the reranker reads
	search             string         // "hybrid" (also when empty), "dense" or "lexical"
}

// searchOption returns the query option of a -search mode.
func searchOption(mode string) (ganada.QueryOption, error) {
	switch mode {
	case "", "hybrid":
		return ganada.WithHybrid(ganada.RRF(ganada.DefaultRRFK)), nil
	case "dense":
		return nil, nil
	case "lexical":
		return ganada.WithLexicalOnly(), nil
	}
	return nil, fmt.Errorf("rag: -search %q: want hybrid, dense or lexical", mode)
}

func main() {
	model := flag.String("model", "", models.FlagUsage)
	prompts := flag.String("prompts", "", models.PromptsUsage)
	file := flag.String("file", "", "text file to index instead of the built-in one")
	var s settings
	flag.IntVar(&s.window, "window", 0, "window size in words (word vectors; default 40) or tokens (transformers; default 128, at most the model's limit)")
	flag.IntVar(&s.overlap, "overlap", -1, "overlap between consecutive windows (default: half the window, so that a sentence before a cut is often repeated whole)")
	flag.IntVar(&s.k, "k", 3, "passages per question")
	reranker := flag.String("reranker", "", "a cross-encoder (folder or hub id, such as cross-encoder/ms-marco-MiniLM-L6-v2) that reranks the best windows")
	flag.IntVar(&s.candidates, "candidates", 20, "windows the -reranker reads per question")
	flag.StringVar(&s.search, "search", "hybrid", "hybrid (dense and BM25 fused by RRF), dense or lexical (BM25)")
	flag.Parse()
	ctx := context.Background()
	text := hangul
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			fail(err)
		}
		text = string(b)
	}
	questions := flag.Args()
	if len(questions) == 0 {
		questions = defaultQuestions
	}
	m, err := models.Load(ctx, *model, *prompts)
	if err != nil {
		fail(err)
	}
	if *reranker != "" {
		ce, err := transformer.LoadCrossEncoder(ctx, *reranker)
		if err != nil {
			fail(err)
		}
		defer ce.Close()
		s.reranker = ce
	}
	if err := run(ctx, os.Stdout, m, text, questions, s); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rag:", err)
	os.Exit(1)
}

// splitter returns the chunk.Splitter for model m: chunks of the model's
// own tokens for a transformer (at most what it reads, less its special
// tokens and document prompt), of words for word vectors.
func splitter(m *models.Model, s settings) (*chunk.Splitter, string, error) {
	unit, size := "words", s.window
	units := chunk.Units(chunk.Words)
	if m.Tokenizer != nil {
		tokens, err := chunk.Tokens(m.Tokenizer)
		if err != nil {
			return nil, "", err
		}
		// The model sees at most MaxTokens tokens, including its special
		// tokens and the document prompt.
		limit := m.MaxTokens - 2
		if m.DocPrompt != "" {
			p, err := tokens(m.DocPrompt)
			if err != nil {
				return nil, "", err
			}
			limit -= len(p)
		}
		unit, units = "tokens", tokens
		if size == 0 {
			size = min(128, limit)
		}
		if size > limit {
			return nil, "", fmt.Errorf("-window %d: the model reads at most %d tokens per text", size, limit)
		}
	} else if size == 0 {
		size = 40
	}
	overlap := s.overlap
	if overlap < 0 {
		overlap = size / 2
	}
	sp, err := chunk.New(units, size, chunk.WithOverlap(overlap))
	if err != nil {
		return nil, "", err
	}
	return sp, fmt.Sprintf("windows of at most %d %s overlapping by up to %d", size, unit, overlap), nil
}

// index adds text to a new collection that stores it as chunks
// (ganada.WithChunking). For a word-vector model it first removes from
// the encoder the direction all windows share (the first principal
// component of their vectors, Arora et al.'s common component removal):
// within one document that direction is the document's topic, and
// removing it lets the words that tell the windows apart decide the
// ranking.
func index(ctx context.Context, m *models.Model, text string, s settings) (*ganada.Collection, string, error) {
	sp, desc, err := splitter(m, s)
	if err != nil {
		return nil, "", err
	}
	var enc embed.Encoder = m
	if m.Static != nil {
		chunks, err := sp.Split(text)
		if err != nil {
			return nil, "", err
		}
		texts := make([]string, len(chunks))
		for i, c := range chunks {
			texts[i] = c.Text
		}
		pc, err := m.Static.CommonComponents(ctx, texts, 1)
		if err != nil {
			return nil, "", err
		}
		sm, err := m.Static.With(static.WithCommonComponents(pc...))
		if err != nil {
			return nil, "", err
		}
		enc = sm
	}
	col, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithLexical(), ganada.WithChunking(sp))
	if err != nil {
		return nil, "", err
	}
	if err := col.Add(ctx, ganada.Document{ID: "doc", Text: text}); err != nil {
		return nil, "", err
	}
	return col, fmt.Sprintf("%d %s", col.Len(), desc), nil
}

func run(ctx context.Context, w io.Writer, m *models.Model, text string, questions []string, s settings) error {
	opt, err := searchOption(s.search)
	if err != nil {
		return err
	}
	col, desc, err := index(ctx, m, text, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "model %s\n%s\n", m.Name, desc)
	for _, q := range questions {
		opts := []ganada.QueryOption{opt}
		if s.reranker != nil {
			opts = append(opts, ganada.WithRerank(s.reranker, s.candidates))
		}
		hits, err := col.Query(ctx, q, s.k, opts...)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nQ: %s\n", q)
		for _, h := range hits {
			start, end, _ := h.Offsets()
			fmt.Fprintf(w, "  %.3f  window %s (bytes %d–%d): %s\n", h.Score, h.ID, start, end, snippet(h.Text, 150))
		}
	}
	return nil
}

// snippet flattens text to one line of at most n bytes (cut at a space).
func snippet(text string, n int) string {
	t := strings.Join(strings.Fields(text), " ")
	if len(t) <= n {
		return t
	}
	cut := strings.LastIndexByte(t[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return t[:cut] + " …"
}
