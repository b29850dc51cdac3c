// This file holds the graph search: the pooled per-goroutine searcher with
// its epoch-stamped visited set, the greedy descent through upper layers,
// the beam search of one layer (hnswlib's searchBaseLayer/searchBaseLayerST),
// and Search itself.

package hnsw

import (
	"context"
	"github.com/ganada/ganada/index/internal/core"
	"math"
	"sync/atomic"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/similarity"
)

// searcher is the scratch state of one search or insert, reused via a pool so
// that searches allocate nothing but their result slice.
type searcher struct {
	visited []uint16 // visited[s] == epoch means s was seen in this pass
	epoch   uint16
	cand    minHeap
	res     maxHeap
	q       []float32
	nbrs    []uint32
	sel     []item
	shrink  []item
	sel2    []item
	gbuf    []float32
	gd      []float32
	cands   []item
	top     core.TopK
	cq      core.CodeQuery // the query prepared for the codes
	dq      []float32      // a decoded code, the query of a codesOnly repair
	coarse  bool           // searchLayer scores codes (cq), not vectors
}

func (x *Index) getSearcher() *searcher {
	s, _ := x.searchers.Get().(*searcher)
	if s == nil {
		s = &searcher{}
	}
	if len(s.visited) < x.capacity {
		s.visited = make([]uint16, x.capacity)
		s.epoch = 0
	}
	if cap(s.q) < x.dim {
		s.q = make([]float32, x.dim)
	}
	s.q = s.q[:x.dim]
	s.coarse = false
	return s
}

func (x *Index) putSearcher(s *searcher) { x.searchers.Put(s) }

// reset starts a new pass over the visited set.
func (s *searcher) reset() {
	s.epoch++
	if s.epoch == 0 {
		clear(s.visited)
		s.epoch = 1
	}
	s.cand = s.cand[:0]
	s.res = s.res[:0]
}

// neighbours appends slot c's layer-l neighbours not yet visited to s.nbrs
// (reset first), marking them visited. Lists are read with atomic loads:
// a concurrent writer may make the list a mix of old and new entries, every
// one of which is a valid slot.
func (x *Index) neighbours(s *searcher, c uint32, l int) []uint32 {
	lst := x.list(c, l)
	cnt := atomic.LoadUint32(&lst[0])
	if int(cnt) >= len(lst) {
		cnt = uint32(len(lst) - 1)
	}
	out := s.nbrs[:0]
	vis, ep := s.visited, s.epoch
	for j := uint32(1); j <= cnt; j++ {
		nb := atomic.LoadUint32(&lst[j])
		if vis[nb] == ep {
			continue
		}
		vis[nb] = ep
		out = append(out, nb)
	}
	s.nbrs = out
	return out
}

// greedy descends from slot cur at layer top to layer stop+1, moving to the
// closest neighbour while it improves (hnswlib's upper-layer walk). It never
// moves to a node with a flag in skip.
func (x *Index) greedy(s *searcher, q []float32, cur uint32, curD float32, top, stop int, skip uint32) (uint32, float32) {
	for l := top; l > stop; l-- {
		for changed := true; changed; {
			changed = false
			lst := x.list(cur, l)
			cnt := min(int(atomic.LoadUint32(&lst[0])), len(lst)-1)
			for j := 1; j <= cnt; j++ {
				nb := atomic.LoadUint32(&lst[j])
				if d := x.qdist(s, q, nb); d < curD && (skip == 0 || x.loadFlags(nb)&skip == 0) {
					cur, curD, changed = nb, d, true
				}
			}
		}
	}
	return cur, curD
}

// filterMode says which nodes a layer search may return.
type filterMode struct {
	hide  uint32            // flag bits that exclude a node from results
	allow func(uint64) bool // nil admits every label
}

// searchLayer runs a beam search of width ef on layer l from slot ep and
// leaves the best admitted nodes in s.res (a max-heap, farthest on top).
// Excluded nodes are expanded but never enter s.res (hnswlib's treatment of
// deleted and filtered-out nodes); while s.res holds fewer than ef nodes the
// search does not stop.
func (x *Index) searchLayer(s *searcher, q []float32, ep uint32, epD float32, ef, l int, fm filterMode) {
	s.reset()
	check := fm.hide != 0 || fm.allow != nil
	s.visited[ep] = s.epoch
	s.cand.push(item{epD, ep})
	if !check || x.admit(ep, fm) {
		s.res.push(item{epD, ep})
	}
	bound := float32(math.Inf(1))
	if len(s.res) > 0 {
		bound = epD
	}
	for len(s.cand) > 0 {
		c := s.cand[0]
		if c.d > bound && len(s.res) >= ef {
			break
		}
		s.cand.pop()
		if l == 0 && len(s.cand) > 0 {
			// The next node to expand is probably the new top: fetch its
			// list while this one's neighbours are scored.
			x.prefetchList(s.cand[0].id)
		}
		nbrs := x.neighbours(s, c.id, l)
		var ds []float32
		if s.coarse {
			x.prefetchCodes(nbrs)
			ds = x.codeDistances(s, nbrs)
		} else {
			x.prefetchVectors(nbrs)
			if x.gather && len(nbrs) > 0 {
				ds = x.gatherDistances(s, q, nbrs)
			}
		}
		for i, nb := range nbrs {
			var d float32
			if ds != nil {
				d = ds[i]
			} else {
				d = x.dist(q, nb)
			}
			if len(s.res) < ef || d < bound {
				s.cand.push(item{d, nb})
				if !check || x.admit(nb, fm) {
					if len(s.res) < ef {
						s.res.push(item{d, nb})
					} else {
						s.res.replaceTop(item{d, nb})
					}
					bound = s.res[0].d
				}
			}
		}
	}
}

func (x *Index) admit(s uint32, fm filterMode) bool {
	if fm.hide != 0 && atomic.LoadUint32(&x.flags[s])&fm.hide != 0 {
		return false
	}
	return fm.allow == nil || fm.allow(x.labels[s])
}

// Search returns up to k results for query, best first (higher Score is
// better; see package index). Options: index.WithEf sets the beam width
// (default WithEfSearch's, at least k); index.WithFilter admits only some
// ids, applied during traversal, with an exact scan of the allowed nodes when
// the filter is selective; index.WithExact scans every node. Errors wrap
// errs.ErrDimension, errs.ErrInvalidVector, errs.ErrInvalidVector or
// errs.ErrInvalidInput (k ≤ 0). If k is at least Len, the search scans
// every node exactly and returns every live (allowed) vector; any k up to
// math.MaxInt is fine, as nothing is sized by k. A graph search that finds
// fewer than k results (nodes it cannot reach, a restrictive filter) is
// completed by an exact scan, so fewer than k come back only when fewer
// than k live (allowed) vectors exist. ctx is checked when the call starts.
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
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	if err := x.ready(); err != nil {
		return nil, err
	}
	s := x.getSearcher()
	defer x.putSearcher(s)
	if err := core.Prepare(s.q, query, x.dim, x.metric); err != nil {
		return nil, err
	}
	e := x.ep.Load()
	if e == noEntry {
		return []index.Result{}, nil
	}
	// No search returns more results than there are slots, so a larger k
	// (math.MaxInt, say) asks for nothing more and must not size anything.
	n := int(x.n.Load())
	k = min(k, n)
	if o.Exact || k >= n-int(x.hidden.Load()) {
		// Asked for every visible node: the scan returns them all, where
		// the graph might miss one it cannot reach, and costs no more.
		return x.exact(s, k, o.Filter), nil
	}
	ef := o.Ef
	if ef <= 0 {
		ef = x.efSearch
	}
	ef = max(ef, k)
	if o.Filter != nil && x.selective(o.Filter, ef) {
		return x.exact(s, k, o.Filter), nil
	}
	fm := filterMode{allow: o.Filter}
	if x.hidden.Load() != 0 {
		fm.hide = flagDeleted | flagPending
	}
	ep, top := unpackEntry(e)
	if x.codes != nil && x.codes.Ready() {
		if out := x.searchCodes(s, k, ef, ep, top, fm); len(out) == k {
			return out, nil
		}
		// Fewer than k found: complete by the exact scan, as below.
		return x.exact(s, k, o.Filter), nil
	}
	cur, curD := x.greedy(s, s.q, ep, x.dist(s.q, ep), top, 0, 0)
	x.searchLayer(s, s.q, cur, curD, ef, 0, fm)
	for len(s.res) > k {
		s.res.pop()
	}
	out := make([]index.Result, len(s.res))
	for i := len(out) - 1; i >= 0; i-- {
		it := s.res.pop()
		out[i] = index.Result{ID: x.labels[it.id], Score: score(it.d)}
	}
	if len(out) < k {
		// The graph search found fewer than k, though more than k nodes
		// are visible (k < n − hidden here): some live (allowed) nodes are
		// out of its reach, as pruning or deletes can leave a few until
		// Compact relinks them. The index.Index contract promises k
		// results whenever k exist, so scan for them.
		return x.exact(s, k, o.Filter), nil
	}
	return out, nil
}

// gatherDistances copies the listed vectors into a scratch block and scores
// them with one batch-kernel call, returning internal distances. For short
// vectors this beats one kernel call per neighbour: the copies are cheap and
// the batch kernel scores four rows at a time (about 5% more queries per
// second at dimension 100; at 384 the per-vector calls win by some 13%).
func (x *Index) gatherDistances(s *searcher, q []float32, ids []uint32) []float32 {
	dim := x.dim
	if cap(s.gbuf) < len(ids)*dim {
		s.gbuf = make([]float32, max(x.m0, len(ids))*dim)
		s.gd = make([]float32, max(x.m0, len(ids)))
	}
	buf := s.gbuf[:len(ids)*dim]
	for i, id := range ids {
		o := int(id) * dim
		copy(buf[i*dim:(i+1)*dim], x.vecs[o:o+dim])
	}
	ds := s.gd[:len(ids)]
	if x.metric == index.L2 {
		similarity.SquaredL2Batch(ds, q, buf)
		return ds
	}
	similarity.DotBatch(ds, q, buf)
	for i := range ds {
		ds[i] = -ds[i]
	}
	return ds
}
