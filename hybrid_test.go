// This file tests lexical and hybrid queries of the Collection: lexical
// hits equal a standalone BM25 index's over the same texts through adds,
// replacements and deletes; fused lists equal RRF and the weighted sum
// computed here from the two single-mode lists; filters, option errors,
// persistence (round trip, building from an older file, analyzer
// mismatch) and a race stress test.

package ganada_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/lexical"
	"github.com/ganada/ganada/internal/testutil"
)

func lexicalCollection(t *testing.T, docs []ganada.Document, opts ...ganada.Option) *ganada.Collection {
	t.Helper()
	if len(opts) == 0 {
		opts = []ganada.Option{ganada.WithFlat()}
	}
	c, err := ganada.NewCollection(newHashEncoder(16), append([]ganada.Option{ganada.WithLexical()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkLexical compares the collection's lexical-only hits with a fresh
// lexical index made with opts over its current documents.
func checkLexical(t *testing.T, c *ganada.Collection, queries []string, opts ...lexical.Option) {
	t.Helper()
	ref, _ := lexical.New(opts...)
	ids := c.IDs()
	nums := make([]uint64, len(ids))
	texts := make([]string, len(ids))
	for i, id := range ids {
		d, _ := c.Get(id)
		nums[i], texts[i] = uint64(i), d.Text
	}
	if err := ref.AddBatch(ctx, nums, texts); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		hits, err := c.Query(ctx, q, 1000, ganada.WithLexicalOnly())
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ref.Search(ctx, q, 1000)
		if len(hits) != len(want) {
			t.Fatalf("%q: %d hits, reference %d", q, len(hits), len(want))
		}
		got := map[string]float32{}
		for _, h := range hits {
			got[h.ID] = h.Score
		}
		for _, w := range want {
			if s, ok := got[ids[w.ID]]; !ok || math.Abs(float64(s-w.Score)) > 1e-6*float64(w.Score) {
				t.Fatalf("%q: %s scores %v (present %v), reference %v", q, ids[w.ID], s, ok, w.Score)
			}
		}
	}
}

func TestLexicalQueryInStep(t *testing.T) {
	docs := corpus(300, 1)
	c := lexicalCollection(t, docs)
	queries := []string{"alpha", "apple banana", "omega omega pi", "nothing here"}
	checkLexical(t, c, queries)
	// Replace some texts, delete others: the lexical index follows.
	for i := 0; i < 100; i += 3 {
		docs[i].Text = "apple " + docs[i+1].Text
	}
	if err := c.Add(ctx, docs[:100]...); err != nil {
		t.Fatal(err)
	}
	var del []string
	for i := 100; i < 250; i += 2 {
		del = append(del, docs[i].ID)
	}
	if err := c.Delete(ctx, del...); err != nil {
		t.Fatal(err)
	}
	checkLexical(t, c, queries)
	// A failed Add (an invalid text) leaves the lexical index unchanged.
	if err := c.Add(ctx, ganada.Document{ID: "new", Text: "apple"}, ganada.Document{ID: "bad", Text: "\xff"}); err == nil {
		t.Fatal("invalid text accepted")
	}
	if c.Contains("new") {
		t.Fatal("half an Add stored")
	}
	checkLexical(t, c, queries)
	// Filters apply.
	hits, err := c.Query(ctx, "apple", 1000, ganada.WithLexicalOnly(), ganada.WithFilter(ganada.Where("lang", "ko")))
	if err != nil || len(hits) == 0 {
		t.Fatalf("%v %v", hits, err)
	}
	for _, h := range hits {
		if h.Metadata["lang"] != "ko" {
			t.Fatalf("filtered hit %+v", h)
		}
	}
}

// refFuse fuses the two single-mode lists as the documentation says, in
// float64, and returns the k best IDs with their scores.
func refFuse(dense, lex []ganada.Hit, weighted bool, rrfK int, w float64, k int) ([]string, map[string]float64) {
	s := map[string]float64{}
	if weighted {
		for _, l := range []struct {
			hits []ganada.Hit
			w    float64
		}{{dense, w}, {lex, 1 - w}} {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, h := range l.hits {
				lo, hi = math.Min(lo, float64(h.Score)), math.Max(hi, float64(h.Score))
			}
			for _, h := range l.hits {
				n := 1.0
				if hi > lo {
					n = (float64(h.Score) - lo) / (hi - lo)
				}
				s[h.ID] += l.w * n
			}
		}
	} else {
		for _, l := range [][]ganada.Hit{dense, lex} {
			for i, h := range l {
				s[h.ID] += 1 / float64(rrfK+i+1)
			}
		}
	}
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return s[ids[i]] > s[ids[j]] })
	return ids[:min(k, len(ids))], s
}

func TestHybridFusion(t *testing.T) {
	c := lexicalCollection(t, corpus(400, 2))
	for _, q := range []string{"alpha apple", "omega pear plum", "sigma"} {
		for _, tc := range []struct {
			f        ganada.Fusion
			weighted bool
			rrfK     int
			w        float64
			depth    int
		}{
			{ganada.Fusion{}, false, 60, 0, 100},
			{ganada.RRF(10).WithDepth(30), false, 10, 0, 30},
			{ganada.WeightedSum(0.5), true, 0, 0.5, 100},
			{ganada.WeightedSum(0.8).WithDepth(20), true, 0, 0.8, 20},
		} {
			const k = 10
			dense, err := c.Query(ctx, q, tc.depth)
			if err != nil {
				t.Fatal(err)
			}
			lex, err := c.Query(ctx, q, tc.depth, ganada.WithLexicalOnly())
			if err != nil {
				t.Fatal(err)
			}
			wantIDs, wantScores := refFuse(dense, lex, tc.weighted, tc.rrfK, tc.w, k)
			hits, err := c.Query(ctx, q, k, ganada.WithHybrid(tc.f))
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != len(wantIDs) {
				t.Fatalf("%q %v: %d hits, want %d", q, tc.f, len(hits), len(wantIDs))
			}
			for i, h := range hits {
				ws := wantScores[h.ID]
				if math.Abs(float64(h.Score)-ws) > 1e-6 {
					t.Fatalf("%q %v: hit %d %s scores %v, reference %v", q, tc.f, i, h.ID, h.Score, ws)
				}
				// Same ranking up to ties of equal reference score.
				if rs := wantScores[wantIDs[i]]; math.Abs(rs-ws) > 1e-6 {
					t.Fatalf("%q %v: rank %d is %s (%v), reference %s (%v)", q, tc.f, i, h.ID, ws, wantIDs[i], rs)
				}
			}
		}
	}
}

func TestHybridOptionErrors(t *testing.T) {
	dense, err := ganada.NewCollection(newHashEncoder(8))
	if err != nil {
		t.Fatal(err)
	}
	if err := dense.Add(ctx, corpus(5, 3)...); err != nil {
		t.Fatal(err)
	}
	for _, o := range []ganada.QueryOption{ganada.WithHybrid(ganada.RRF(60)), ganada.WithLexicalOnly()} {
		if _, err := dense.Query(ctx, "alpha", 3, o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("without WithLexical: %v", err)
		}
	}
	c := lexicalCollection(t, corpus(5, 3))
	for _, f := range []ganada.Fusion{ganada.RRF(0), ganada.WeightedSum(1.5), ganada.WeightedSum(math.NaN()), ganada.RRF(60).WithDepth(0)} {
		if _, err := c.Query(ctx, "alpha", 3, ganada.WithHybrid(f)); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("%v: %v", f, err)
		}
	}
	vec := make([]float32, 16)
	vec[0] = 1
	if _, err := c.QueryVector(ctx, vec, 3, ganada.WithLexicalOnly()); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("QueryVector lexical: %v", err)
	}
	if _, err := ganada.NewCollection(newHashEncoder(8), ganada.WithLexical(lexical.WithB(2))); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithLexical(WithB(2)): %v", err)
	}
	if !c.Lexical() || dense.Lexical() {
		t.Error("Lexical() wrong")
	}
}

func TestLexicalPersist(t *testing.T) {
	docs := corpus(120, 4)
	c := lexicalCollection(t, docs, ganada.WithFlat(), ganada.WithLexical(lexical.WithK1(1.6)))
	if err := c.Delete(ctx, docs[0].ID, docs[5].ID); err != nil {
		t.Fatal(err)
	}
	path := saveTemp(t, c)
	c2, err := ganada.Load(ctx, path, newHashEncoder(16))
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Lexical() {
		t.Fatal("lexical index lost")
	}
	for _, q := range []string{"apple", "alpha beta", "omega"} {
		a, _ := c.Query(ctx, q, 20, ganada.WithHybrid(ganada.RRF(60)))
		b, err := c2.Query(ctx, q, 20, ganada.WithHybrid(ganada.RRF(60)))
		if err != nil || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%q: before %v, after %v (%v)", q, a, b, err)
		}
	}
	checkLexical(t, c2, []string{"apple pear"}, lexical.WithK1(1.6))
	// Another analyzer refuses the saved index.
	stop, _ := lexical.NewAnalyzer(lexical.WithEnglishStopWords())
	if _, err := ganada.Load(ctx, path, newHashEncoder(16), ganada.WithLexical(lexical.WithAnalyzer(stop))); !errors.Is(err, errs.ErrEncoderMismatch) {
		t.Fatalf("other analyzer: %v", err)
	}
	// A file without a lexical index gains one when asked.
	plain, err := ganada.Load(ctx, "testdata/v3-flat.gcol", newHashEncoder(8), ganada.WithLexical())
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := plain.Query(ctx, "cat", 5, ganada.WithLexicalOnly()); err != nil || len(hits) == 0 || hits[0].ID != "a" {
		t.Fatalf("built from v3 file: %v %v", hits, err)
	}
	checkLexical(t, plain, []string{"cat", "dogs moon"})
	if old, err := ganada.Load(ctx, "testdata/v3-flat.gcol", newHashEncoder(8)); err != nil || old.Lexical() {
		t.Fatalf("v3 without WithLexical: %v", err)
	}
}

// TestLexicalConcurrent adds, replaces and deletes while hybrid and
// lexical queries run, beside a CPU burner; -race checks the locking, and
// every hit must be a current document whose metadata passes the filter.
func TestLexicalConcurrent(t *testing.T) {
	stop := testutil.BurnCPU(t)
	defer stop()
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	docs := corpus(200, 5)
	c := lexicalCollection(t, docs, ganada.WithHNSW())
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; time.Now().Before(deadline); i++ {
			doc := docs[i%len(docs)]
			doc.Text = "apple " + docs[(i+7)%len(docs)].Text
			if err := c.Add(ctx, doc); err != nil {
				errc <- err
				return
			}
			if i%5 == 0 {
				if err := c.Delete(ctx, docs[(i*3)%len(docs)].ID); err != nil && !errors.Is(err, errs.ErrNotFound) {
					errc <- err
					return
				}
			}
		}
	}()
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			opt := ganada.WithHybrid(ganada.WeightedSum(0.5))
			if w == 1 {
				opt = ganada.WithLexicalOnly()
			}
			for time.Now().Before(deadline) {
				hits, err := c.Query(context.Background(), "apple alpha", 10, opt, ganada.WithFilter(ganada.Where("lang", "en")))
				if err != nil {
					errc <- err
					return
				}
				for _, h := range hits {
					if h.Metadata["lang"] != "en" {
						errc <- fmt.Errorf("hit %+v passes no filter", h)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	checkLexical(t, c, []string{"apple", "alpha"})
}
