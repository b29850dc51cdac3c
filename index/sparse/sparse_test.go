// sparse_test.go checks Search against brute force (SparseVector.Dot of
// every stored vector, in float64 order), replacement and deletion,
// filters, invalid input, and concurrent use beside a CPU burner (run with
// -race; -short keeps it brief).

package sparse

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

var ctx = context.Background()

func randVec(r *rand.Rand, vocab, n int) embed.SparseVector {
	var v embed.SparseVector
	for _, id := range r.Perm(vocab)[:n] {
		v.IDs = append(v.IDs, id)
		v.Weights = append(v.Weights, float32(r.Float64()))
	}
	return v
}

// brute ranks the stored vectors against q by Dot, best first, ties by id.
func brute(stored map[uint64]embed.SparseVector, q embed.SparseVector, keep func(uint64) bool) []index.Result {
	var out []index.Result
	for doc, v := range stored {
		if keep != nil && !keep(doc) {
			continue
		}
		if s := q.Dot(v); s != 0 {
			out = append(out, index.Result{ID: doc, Score: s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Score > out[j].Score || out[i].Score == out[j].Score && out[i].ID < out[j].ID
	})
	return out
}

func same(t *testing.T, got, want []index.Result, k int) {
	t.Helper()
	want = want[:min(k, len(want))]
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID && math.Abs(float64(got[i].Score-want[i].Score)) > 1e-6 {
			t.Fatalf("result %d: %+v, want %+v", i, got[i], want[i])
		}
		if math.Abs(float64(got[i].Score-want[i].Score)) > 1e-5 {
			t.Fatalf("result %d: score %g, want %g", i, got[i].Score, want[i].Score)
		}
	}
}

func TestSearchMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	x := New()
	stored := map[uint64]embed.SparseVector{}
	for doc := uint64(0); doc < 500; doc++ {
		v := randVec(r, 300, 1+r.Intn(40))
		if err := x.Add(ctx, doc, v); err != nil {
			t.Fatal(err)
		}
		stored[doc] = v
	}
	// Replace some, delete some.
	for doc := uint64(0); doc < 500; doc += 7 {
		v := randVec(r, 300, 1+r.Intn(40))
		if err := x.Add(ctx, doc, v); err != nil {
			t.Fatal(err)
		}
		stored[doc] = v
	}
	for doc := uint64(3); doc < 500; doc += 11 {
		if !x.Delete(doc) {
			t.Fatalf("Delete(%d): not stored", doc)
		}
		delete(stored, doc)
	}
	if x.Delete(3) {
		t.Error("second Delete(3) reports stored")
	}
	if x.Len() != len(stored) {
		t.Fatalf("Len %d, want %d", x.Len(), len(stored))
	}
	even := func(doc uint64) bool { return doc%2 == 0 }
	for i := 0; i < 30; i++ {
		q := randVec(r, 300, 1+r.Intn(12))
		for _, k := range []int{1, 10, 1000} {
			got, err := x.Search(ctx, q, k, nil)
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, brute(stored, q, nil), k)
			got, err = x.Search(ctx, q, k, even)
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, brute(stored, q, even), k)
		}
	}
	// Zero weights are not stored; a query of unknown ids finds nothing.
	if err := x.Add(ctx, 9999, embed.SparseVector{IDs: []int{5000, 5001}, Weights: []float32{0, 2}}); err != nil {
		t.Fatal(err)
	}
	got, _ := x.Search(ctx, embed.SparseVector{IDs: []int{5000}, Weights: []float32{1}}, 5, nil)
	if len(got) != 0 {
		t.Errorf("a zero weight was matched: %v", got)
	}
	got, _ = x.Search(ctx, embed.SparseVector{IDs: []int{5001, 7777}, Weights: []float32{1, 1}}, 5, nil)
	if len(got) != 1 || got[0].ID != 9999 || got[0].Score != 2 {
		t.Errorf("%v, want doc 9999 at 2", got)
	}
}

func TestInvalid(t *testing.T) {
	x := New()
	nan := float32(math.NaN())
	for _, c := range []struct {
		v    embed.SparseVector
		want error
	}{
		{embed.SparseVector{IDs: []int{1, 2}, Weights: []float32{1}}, errs.ErrInvalidVector},
		{embed.SparseVector{IDs: []int{-1}, Weights: []float32{1}}, errs.ErrInvalidVector},
		{embed.SparseVector{IDs: []int{4, 4}, Weights: []float32{1, 2}}, errs.ErrInvalidVector},
		{embed.SparseVector{IDs: []int{4}, Weights: []float32{nan}}, errs.ErrNonFinite},
		{embed.SparseVector{IDs: []int{4}, Weights: []float32{float32(math.Inf(-1))}}, errs.ErrNonFinite},
	} {
		if err := x.Add(ctx, 1, c.v); !errors.Is(err, c.want) {
			t.Errorf("Add(%v): %v, want %v", c.v, err, c.want)
		}
		if _, err := x.Search(ctx, c.v, 3, nil); !errors.Is(err, c.want) {
			t.Errorf("Search(%v): %v, want %v", c.v, err, c.want)
		}
	}
	if x.Len() != 0 {
		t.Error("a refused Add changed the index")
	}
	if _, err := x.Search(ctx, embed.SparseVector{}, 0, nil); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("k = 0: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := x.Search(cctx, embed.SparseVector{}, 3, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Search: %v", err)
	}
	if err := x.Add(cctx, 1, embed.SparseVector{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Add: %v", err)
	}
}

// TestConcurrent adds, replaces, deletes and searches from several
// goroutines; every search result must be a set of documents scored as
// brute force scores the vectors they held at some moment: each document's
// vector here is a function of its id and a version, and scores are
// checked against every version.
func TestConcurrent(t *testing.T) {
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	defer testutil.BurnCPU(t)()
	const docs, versions, vocab = 200, 3, 100
	vec := func(doc uint64, ver int) embed.SparseVector {
		r := rand.New(rand.NewSource(int64(doc)*versions + int64(ver)))
		return randVec(r, vocab, 1+r.Intn(20))
	}
	x := New()
	for doc := uint64(0); doc < docs; doc++ {
		if err := x.Add(ctx, doc, vec(doc, 0)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			for time.Now().Before(deadline) {
				doc := uint64(r.Intn(docs))
				switch {
				case w%2 == 0 && r.Intn(4) == 0:
					x.Delete(doc)
				case w%2 == 0:
					if err := x.Add(ctx, doc, vec(doc, r.Intn(versions))); err != nil {
						errc <- err
						return
					}
				default:
					q := randVec(r, vocab, 5)
					res, err := x.Search(ctx, q, 10, nil)
					if err != nil {
						errc <- err
						return
					}
					for _, h := range res {
						ok := false
						for ver := 0; ver < versions; ver++ {
							if math.Abs(float64(q.Dot(vec(h.ID, ver))-h.Score)) <= 1e-5 {
								ok = true
							}
						}
						if !ok {
							errc <- errors.New("a score matches no version of its document")
							return
						}
					}
					if !slices.IsSortedFunc(res, func(a, b index.Result) int {
						if a.Score > b.Score {
							return -1
						}
						if a.Score < b.Score {
							return 1
						}
						return 0
					}) {
						errc <- errors.New("results not best first")
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}
