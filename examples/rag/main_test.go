// This file tests the chunker against its definition and the retrieval of
// the built-in document with the embedded GloVe model.

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/examples/internal/models"
)

func TestWordSpans(t *testing.T) {
	text := "  Hangul: 한글\tis\n\nan alphabet. "
	var got []string
	for _, s := range wordSpans(text) {
		got = append(got, text[s.Start:s.End])
	}
	if strings.Join(got, "|") != "Hangul:|한글|is|an|alphabet." {
		t.Fatalf("wordSpans = %q", got)
	}
	if wordSpans("   ") != nil {
		t.Fatal("spaces have no words")
	}
}

// checkWindows asserts the window invariants for units of text.
func checkWindows(t *testing.T, text string, units []span, ws []window, size, overlap int) {
	t.Helper()
	if len(units) == 0 {
		if len(ws) != 0 {
			t.Fatal("windows over no units")
		}
		return
	}
	if ws[0].First != 0 || ws[len(ws)-1].Last != len(units)-1 {
		t.Fatalf("windows do not cover units 0..%d", len(units)-1)
	}
	for i, w := range ws {
		if n := w.Last - w.First + 1; n > size || (n < size && i != len(ws)-1 && len(units) > size) {
			t.Fatalf("window %d has %d units, size %d", i, n, size)
		}
		if w.Text != text[units[w.First].Start:units[w.Last].End] {
			t.Fatalf("window %d text is not the span of its units", i)
		}
		if i > 0 {
			prev := ws[i-1]
			if w.First != prev.First+size-overlap {
				t.Fatalf("window %d starts at %d, previous at %d (size %d, overlap %d)", i, w.First, prev.First, size, overlap)
			}
			if got := prev.Last - w.First + 1; got < overlap {
				t.Fatalf("windows %d and %d overlap by %d units, want %d", i-1, i, got, overlap)
			}
		}
	}
}

func TestWindows(t *testing.T) {
	units := wordSpans(hangul)
	for _, c := range []struct{ size, overlap int }{{40, 10}, {60, 15}, {7, 0}, {1, 0}, {5000, 10}, {13, 12}} {
		ws, err := windows(hangul, units, c.size, c.overlap)
		if err != nil {
			t.Fatal(err)
		}
		checkWindows(t, hangul, units, ws, c.size, c.overlap)
	}
	for _, c := range []struct{ size, overlap int }{{0, 0}, {10, 10}, {10, -1}} {
		if _, err := windows(hangul, units, c.size, c.overlap); err == nil {
			t.Errorf("size %d overlap %d accepted", c.size, c.overlap)
		}
	}
	if ws, err := windows("", nil, 10, 2); err != nil || len(ws) != 0 {
		t.Fatalf("empty text: %v %v", ws, err)
	}
}

// TestTokenWindows splits by a real tokenizer (all-MiniLM-L6-v2's WordPiece
// from the shared fixtures).
func TestTokenWindows(t *testing.T) {
	const path = "../../../shared/fixtures/models/tiny-bert/tokenizer.json"
	if _, err := os.Stat(path); err != nil {
		t.Skip("fixture ../shared/fixtures/models/tiny-bert/tokenizer.json not present")
	}
	tok, err := tokenizer.FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	units, err := tokenSpans(tok, hangul)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) < len(wordSpans(hangul)) {
		t.Fatalf("%d tokens for %d words: truncated?", len(units), len(wordSpans(hangul)))
	}
	ws, err := windows(hangul, units, 100, 25)
	if err != nil {
		t.Fatal(err)
	}
	checkWindows(t, hangul, units, ws, 100, 25)
	// Each window re-tokenizes to about its size (WordPiece may split a
	// window's edges differently by at most a few tokens).
	plain, err := tok.With(tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		enc, err := plain.Encode(w.Text, false)
		if err != nil {
			t.Fatal(err)
		}
		if n := w.Last - w.First + 1; enc.Len() < n-2 || enc.Len() > n+2 {
			t.Fatalf("window of %d tokens re-tokenizes to %d", n, enc.Len())
		}
	}
}

func TestRetrievesTheRightPassages(t *testing.T) {
	ctx := context.Background()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	col, _, _, err := index(ctx, m, hangul, settings{overlap: -1, k: 3})
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
	if s := out.String(); !strings.Contains(s, "windows of 50 words overlapping by 10") || strings.Count(s, "\n  0.") != 2 {
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
	col, _, _, err := index(ctx, m, hangul, settings{window: 50, overlap: 10})
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
