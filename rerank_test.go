// This file tests WithRerank: the candidates a reranker sees (the index's
// n best, filters applied), the order and scores of the reranked hits
// against a reference computed here, its option errors and a misbehaving
// reranker, and a real cross-encoder (the tiny-xlmr-ce fixture).

package ganada_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
)

// overlapReranker scores a passage by the words it shares with the query,
// less a small length penalty, and records what it was asked.
type overlapReranker struct {
	mu       sync.Mutex
	queries  []string
	passages [][]string

	err   error
	short bool // return one score too few
	nan   bool // return NaN for the first passage
}

func overlap(query, passage string) float32 {
	q := map[string]bool{}
	for _, w := range words(query) {
		q[w] = true
	}
	n := 0
	for _, w := range words(passage) {
		if q[w] {
			n++
		}
	}
	return float32(n) - float32(len(passage))/1000
}

func (r *overlapReranker) Rerank(ctx context.Context, query string, passages []string) ([]float32, error) {
	r.mu.Lock()
	r.queries = append(r.queries, query)
	r.passages = append(r.passages, slices.Clone(passages))
	r.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.err != nil {
		return nil, r.err
	}
	out := make([]float32, len(passages))
	for i, p := range passages {
		out[i] = overlap(query, p)
	}
	if r.short {
		out = out[1:]
	}
	if r.nan && len(out) > 0 {
		out[0] = float32(math.NaN())
	}
	return out, nil
}

func TestRerank(t *testing.T) {
	docs := corpus(300, 5)
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	enc := newHashEncoder(24)
	c := newCol(t, enc, ganada.WithFlat())
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	fruit := func(d ganada.Document) bool { return d.Metadata["topic"] == "fruit" }
	for _, tc := range []struct {
		query string
		k, n  int
		keep  func(ganada.Document) bool
	}{
		{"alpha beta mango", 5, 40, nil},
		{"apple pear plum", 10, 10, nil},
		{"omega", 8, 3, nil}, // n < k: k candidates
		{"lemon chi sigma", 4, 30, fruit},
	} {
		r := &overlapReranker{}
		opts := []ganada.QueryOption{ganada.WithRerank(r, tc.n)}
		if tc.keep != nil {
			opts = append(opts, ganada.WithFilter(ganada.Where("topic", "fruit"))) // as tc.keep
		}
		hits, err := c.Query(ctx, tc.query, tc.k, opts...)
		if err != nil {
			t.Fatal(err)
		}
		// The candidates: the index's max(n, k) best, as brute force ranks them.
		m := max(tc.n, tc.k)
		want := bruteForce(enc, docs, tc.query, index.Cosine, tc.keep)[:m]
		if len(r.queries) != 1 || r.queries[0] != tc.query {
			t.Fatalf("%q: reranker called with %q", tc.query, r.queries)
		}
		got := r.passages[0]
		if len(got) != m {
			t.Fatalf("%q: reranker got %d passages, want %d", tc.query, len(got), m)
		}
		// Compare the candidates as sets of texts, allowing swaps at the
		// n-th place between near-equal vector scores.
		wantTexts := map[string]int{}
		for _, w := range want {
			wantTexts[text[w.id]]++
		}
		missing := 0
		for _, p := range got {
			if wantTexts[p] == 0 {
				missing++
			}
			wantTexts[p]--
		}
		if missing > 0 && math.Abs(want[m-1].score-bruteForce(enc, docs, tc.query, index.Cosine, tc.keep)[m].score) > 1e-4 {
			t.Errorf("%q: %d candidates are not among the %d best", tc.query, missing, m)
		}
		// The result: the candidates by reranker score, best first, k of them.
		var refs []float32
		for _, h := range got {
			refs = append(refs, overlap(tc.query, h))
		}
		sort.SliceStable(refs, func(i, j int) bool { return refs[i] > refs[j] })
		if len(hits) != min(tc.k, m) {
			t.Fatalf("%q: %d hits, want %d", tc.query, len(hits), min(tc.k, m))
		}
		for i, h := range hits {
			if h.Score != refs[i] || h.Score != overlap(tc.query, h.Text) {
				t.Errorf("%q: hit %d (%s) score %g, want %g", tc.query, i, h.ID, h.Score, refs[i])
			}
			if tc.keep != nil && h.Metadata["topic"] != "fruit" {
				t.Errorf("%q: hit %s passes no filter", tc.query, h.ID)
			}
		}
	}
}

func TestRerankErrors(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(20, 9)...); err != nil {
		t.Fatal(err)
	}
	for _, o := range []ganada.QueryOption{
		ganada.WithRerank(nil, 5),
		ganada.WithRerank(&overlapReranker{}, 0),
		ganada.WithRerank(&overlapReranker{}, ganada.MaxRerankCandidates+1),
	} {
		_, err := c.Query(ctx, "alpha", 3, o)
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "WithRerank") {
			t.Errorf("%v: want ErrInvalidOption naming WithRerank", err)
		}
	}
	ones := []float32{1, 1, 1, 1, 1, 1, 1, 1}
	if _, err := c.QueryVector(ctx, ones, 3, ganada.WithRerank(&overlapReranker{}, 5)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("QueryVector with WithRerank: %v, want ErrInvalidOption", err)
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		r    *overlapReranker
		want error
	}{
		{&overlapReranker{err: boom}, boom},
		{&overlapReranker{short: true}, errs.ErrEncoder},
		{&overlapReranker{nan: true}, errs.ErrNonFinite},
	} {
		if _, err := c.Query(ctx, "alpha", 3, ganada.WithRerank(tc.r, 5)); !errors.Is(err, tc.want) {
			t.Errorf("%v: want %v", err, tc.want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	r := &overlapReranker{}
	hits, err := c.Query(cctx, "alpha", 3, ganada.WithRerank(r, 5))
	if err != nil || len(hits) != 3 {
		t.Fatalf("%v, %d hits", err, len(hits))
	}
	cancel()
	if _, err := c.Query(cctx, "alpha", 3, ganada.WithRerank(r, 5)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestRerankCrossEncoder reranks with the tiny-xlmr-ce cross-encoder: the
// hits' scores are the model's own scores of the (query, text) pairs.
func TestRerankCrossEncoder(t *testing.T) {
	dir := filepath.Join("embed", "transformer", "testdata", "tiny-xlmr-ce")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture %s not found", dir)
	}
	ce, err := transformer.LoadCrossEncoder(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	docs := corpus(60, 11)
	c := newCol(t, newHashEncoder(16))
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	const q = "apple banana alpha"
	hits, err := c.Query(ctx, q, 5, ganada.WithRerank(ce, 20))
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 5 {
		t.Fatalf("%d hits", len(hits))
	}
	for i, h := range hits {
		s, err := ce.Predict(ctx, []transformer.Pair{{A: q, B: h.Text}})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(h.Score-s[0][0])) > 1e-6 {
			t.Errorf("hit %d: score %g, the model's %g", i, h.Score, s[0][0])
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("hit %d scores above hit %d", i, i-1)
		}
	}
}
