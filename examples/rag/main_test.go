// This file tests the chunks the example stores and the retrieval of the
// built-in document with the embedded GloVe model.

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/examples/internal/models"
)

// TestChunks: the collection holds the text as chunks that cover it, each
// at most the window in the model's own tokens (what the encoder reads).
func TestChunks(t *testing.T) {
	ctx := context.Background()
	dir := "../../embed/transformer/testdata/tiny-bert"
	m, err := models.Load(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	col, desc, err := index(ctx, m, hangul, settings{window: 100, overlap: 25})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(desc, "windows of at most 100 tokens") {
		t.Errorf("description %q", desc)
	}
	plain, err := m.Tokenizer.With(tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		t.Fatal(err)
	}
	covered := make([]bool, len(hangul))
	for _, id := range col.IDs() {
		d, _ := col.Get(id)
		h := ganada.Hit{ID: d.ID, Text: d.Text, Metadata: d.Metadata}
		start, end, ok := h.Offsets()
		if !ok || h.Parent() != "doc" || hangul[start:end] != d.Text {
			t.Fatalf("chunk %s: %+v", id, d.Metadata)
		}
		enc, err := plain.Encode(d.Text, false)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Len() > 100 {
			t.Errorf("chunk %s re-tokenizes to %d tokens", id, enc.Len())
		}
		for i := start; i < end; i++ {
			covered[i] = true
		}
	}
	for i, r := range hangul {
		if !covered[i] && r != ' ' && r != '\n' {
			t.Fatalf("byte %d (%q) is in no chunk", i, r)
		}
	}
	if _, _, err := index(ctx, m, hangul, settings{window: 1000}); err == nil {
		t.Error("a window beyond the model's limit accepted")
	}
}

func TestRetrievesTheRightPassages(t *testing.T) {
	ctx := context.Background()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	col, _, err := index(ctx, m, hangul, settings{overlap: -1, k: 3})
	if err != nil {
		t.Fatal(err)
	}
	// The passage answering each question, by a phrase it contains.
	answers := map[string]string{
		"Which king created Hangul?":                                "King Sejong",
		"Why did scholars oppose the new letters?":                  "barbarian peoples",
		"How are letters grouped into syllable blocks?":             "one block for each syllable",
		"What do the shapes of the consonant letters depict?":       "organs of speech",
		"What happened to the Korean language under Japanese rule?": "Japanese colonial period",
		"How many syllables does Unicode encode?":                   "11,172",
	}
	for _, mode := range []string{"hybrid", "dense", "lexical"} {
		opt, err := searchOption(mode)
		if err != nil {
			t.Fatal(err)
		}
		for q, phrase := range answers {
			hits, err := col.Query(ctx, q, 3, opt)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range hits {
				found = found || strings.Contains(h.Text, phrase)
			}
			switch {
			case found:
			case mode == "lexical": // BM25 alone misses some (words such as "created" vs "invented")
				t.Logf("%s search, %q: no passage with %q in the top 3", mode, q, phrase)
			default:
				t.Errorf("%s search, %q: no passage with %q in the top 3", mode, q, phrase)
			}
		}
	}
	if _, err := searchOption("sparse"); err == nil {
		t.Error("-search sparse accepted")
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, &out, m, hangul, []string{"Who was Jeong In-ji?"}, settings{window: 50, overlap: 10, k: 2}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "windows of at most 50 words overlapping by up to 10") || strings.Count(s, "\n  0.") != 2 {
		t.Fatalf("output:\n%s", s)
	}
}

// TestRunReranked runs the example with -reranker (the seeded-random
// tiny-xlmr-ce cross-encoder): the passages printed carry the
// cross-encoder's scores of (question, passage), best first.
func TestRunReranked(t *testing.T) {
	ctx := context.Background()
	dir := "../../embed/transformer/testdata/tiny-xlmr-ce"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture %s not found", dir)
	}
	ce, err := transformer.LoadCrossEncoder(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	const q = "Who was Jeong In-ji?"
	if err := run(ctx, &out, m, hangul, []string{q}, settings{window: 50, overlap: 10, k: 2, reranker: ce, candidates: 6, search: "dense"}); err != nil {
		t.Fatal(err)
	}
	col, _, err := index(ctx, m, hangul, settings{window: 50, overlap: 10})
	if err != nil {
		t.Fatal(err)
	}
	cands, err := col.Query(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, h := range cands {
		texts = append(texts, h.Text)
	}
	scores, err := ce.Rerank(ctx, q, texts)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i] > scores[j] })
	for _, s := range scores[:2] {
		if line := fmt.Sprintf("\n  %.3f  window", s); !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}
