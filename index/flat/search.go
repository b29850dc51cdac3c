// This file holds the exact search: a blocked scan of the slab with
// similarity.DotBatch / SquaredL2Batch into a bounded heap, split across
// goroutines for large indexes.

package flat

import (
	"context"
	"github.com/ganada/ganada/index/internal/core"
	"runtime"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/similarity"
)

// blockRows is the number of rows scored per kernel call. Blocks of many
// megabytes let similarity's batch kernels stream (prefetch into L2 ahead of
// the scan), which is what a scan of a large slab needs; the 256 KiB of
// scores stay in L2 for the pass that keeps the best k.
const blockRows = 1 << 16

// splitRows is the granularity at which a parallel scan divides the rows.
const splitRows = 256

type scratch struct {
	q      []float32
	scores []float32
	top    core.TopK
	cq     core.CodeQuery
}

func (x *Index) scratch() *scratch {
	s, _ := x.bufs.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if cap(s.q) < x.dim {
		s.q = make([]float32, x.dim)
	}
	s.q = s.q[:x.dim]
	if s.scores == nil {
		s.scores = make([]float32, blockRows)
	}
	return s
}

// Search returns the k stored vectors that score best against query, best
// first, exactly. Options: index.WithFilter restricts the candidates (the
// filter is called only for rows whose score would enter the current top k,
// and concurrently from every worker of a parallel scan, so it must be safe
// for concurrent use); index.WithEf and index.WithExact are ignored. It
// returns an error wrapping errs.ErrDimension, errs.ErrInvalidVector,
// errs.ErrInvalidVector (Cosine) or errs.ErrInvalidInput (k ≤ 0). If k
// exceeds Len, all vectors are returned; any k up to math.MaxInt is fine, as
// nothing is sized by k. ctx is checked when the call starts.
func (x *Index) Search(ctx context.Context, query []float32, k int, opts ...index.SearchOption) ([]index.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := core.CheckK(k); err != nil {
		return nil, err
	}
	o, err := index.ResolveSearch(opts...)
	if err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.ready(); err != nil {
		return nil, err
	}
	s := x.scratch()
	defer x.bufs.Put(s)
	if err := core.Prepare(s.q, query, x.dim, x.metric); err != nil {
		return nil, err
	}
	n := len(x.ids)
	k = min(k, n)
	if k == 0 {
		return []index.Result{}, nil
	}
	w := x.workers
	if w == 0 {
		w = 1
		if n*x.dim >= ParallelThreshold {
			w = runtime.GOMAXPROCS(0)
		}
	}
	w = min(w, (n+splitRows-1)/splitRows)
	if x.codes != nil && x.codes.Ready() {
		return x.searchCodes(s, k, w, o.Filter), nil
	}
	x.parallel(s, k, w, func(p *scratch, lo, hi int) { x.scan(p, s.q, lo, hi, o.Filter) })
	return s.top.Results(), nil
}

// scan scores rows [lo, hi) against q into s.top.
func (x *Index) scan(s *scratch, q []float32, lo, hi int, allow func(uint64) bool) {
	d := x.dim
	l2 := x.metric == index.L2
	top := &s.top
	for b := lo; b < hi; b += blockRows {
		e := min(b+blockRows, hi)
		sc := s.scores[:e-b]
		rows := x.vecs[b*d : e*d]
		if l2 {
			similarity.SquaredL2Batch(sc, q, rows)
		} else {
			similarity.DotBatch(sc, q, rows)
		}
		for i, v := range sc {
			if l2 {
				v = -v
			}
			if !top.Admits(v) {
				continue
			}
			id := x.ids[b+i]
			if allow != nil && !allow(id) {
				continue
			}
			top.Push(index.Result{ID: id, Score: v})
		}
	}
}
