// Tests for ANNRecall with hand-made degraded indexes and a real HNSW
// index against index/flat.

package eval

import (
	"context"
	"math"
	"math/rand"
	"testing"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
)

// degraded wraps an index and replaces the last result of every search
// with an id that is not stored, scored far below everything.
type degraded struct{ index.Index }

func (d degraded) Search(ctx context.Context, q []float32, k int, opts ...index.SearchOption) ([]index.Result, error) {
	r, err := d.Index.Search(ctx, q, k, opts...)
	if err != nil || len(r) == 0 {
		return r, err
	}
	r[len(r)-1] = index.Result{ID: 1 << 60, Score: -100}
	return r, nil
}

func randomVectors(n, dim int, seed int64) [][]float32 {
	r := rand.New(rand.NewSource(seed))
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = float32(r.NormFloat64())
		}
	}
	return out
}

func TestANNRecall(t *testing.T) {
	ctx := context.Background()
	const n, dim, k = 2000, 16, 10
	vecs := randomVectors(n, dim, 1)
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	fl, err := flat.New(dim, index.Cosine)
	if err != nil {
		t.Fatal(err)
	}
	if err := fl.AddBatch(ctx, ids, vecs); err != nil {
		t.Fatal(err)
	}
	queries := randomVectors(50, dim, 2)
	// Exact against itself: 1.
	r, err := ANNRecall(ctx, fl, fl, queries, k)
	if err != nil || r.Recall != 1 || r.MinRecall != 1 || r.Queries != 50 {
		t.Fatalf("self: %+v %v", r, err)
	}
	// One of k wrong in every query: (k-1)/k exactly.
	r, err = ANNRecall(ctx, degraded{fl}, fl, queries, k)
	if err != nil || math.Abs(r.Recall-0.9) > 1e-12 || math.Abs(r.MinRecall-0.9) > 1e-12 {
		t.Fatalf("degraded: %+v %v", r, err)
	}
	// With a filter that keeps 3 vectors, k=10: exact returns 3, degraded
	// loses one: 2/3.
	keep := index.WithFilter(func(id uint64) bool { return id < 3 })
	r, err = ANNRecall(ctx, degraded{fl}, fl, queries, k, keep)
	if err != nil || math.Abs(r.Recall-2.0/3) > 1e-12 {
		t.Fatalf("filtered: %+v %v", r, err)
	}
	// A real HNSW index: high recall, and ≤ 1.
	h, err := hnsw.New(dim, index.Cosine)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddBatch(ctx, ids, vecs); err != nil {
		t.Fatal(err)
	}
	r, err = ANNRecall(ctx, h, fl, queries, k)
	if err != nil || r.Recall < 0.9 || r.Recall > 1 {
		t.Fatalf("hnsw: %+v %v", r, err)
	}
	t.Logf("hnsw recall@%d on %d random %d-d vectors: %.4f (min %.2f)", k, n, dim, r.Recall, r.MinRecall)
	// Errors.
	other, _ := flat.New(dim+1, index.Cosine)
	if _, err := ANNRecall(ctx, other, fl, queries, k); err == nil {
		t.Fatal("dimension mismatch accepted")
	}
	if _, err := ANNRecall(ctx, fl, fl, queries, 0); err == nil {
		t.Fatal("k=0 accepted")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ANNRecall(cctx, fl, fl, queries, k); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := ANNRecall(ctx, fl, fl, [][]float32{make([]float32, dim+2)}, k); err == nil {
		t.Fatal("bad query accepted")
	}
}

// TestANNRecallTies: exact's k-th score tied with others outside its top k
// — an approximate index returning a tied vector is not penalised.
func TestANNRecallTies(t *testing.T) {
	ctx := context.Background()
	fl, _ := flat.New(2, index.Dot)
	// ids 0..4: scores for query (1,0): 3, 2, 1, 1, 1.
	vecs := [][]float32{{3, 0}, {2, 0}, {1, 0}, {1, 5}, {1, -5}}
	fl.AddBatch(ctx, []uint64{0, 1, 2, 3, 4}, vecs)
	swap := swapIndex{fl}
	r, err := ANNRecall(context.Background(), swap, fl, [][]float32{{1, 0}}, 3)
	if err != nil || r.Recall != 1 {
		t.Fatalf("tie: %+v %v", r, err)
	}
}

// swapIndex returns ids 0, 1 and whichever tied id exact did not pick.
type swapIndex struct{ *flat.Index }

func (s swapIndex) Search(ctx context.Context, q []float32, k int, opts ...index.SearchOption) ([]index.Result, error) {
	r, err := s.Index.Search(ctx, q, 5, opts...)
	if err != nil {
		return nil, err
	}
	return []index.Result{r[0], r[1], r[4]}, nil
}
