// This file holds insertion: Add, AddBatch, slot allocation, and linking a
// new node into every layer of the graph (hnswlib's addPoint and
// mutuallyConnectNewElement).

package hnsw

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/core"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Add stores vec under id. If id is present its vector is replaced: the new
// vector is linked into the graph in a fresh slot, then the old slot becomes
// a tombstone (see Compact). Errors wrap errs.ErrDimension,
// errs.ErrInvalidVector, or ctx's error. ctx is checked when the call
// starts; a call once begun runs to its end.
func (x *Index) Add(ctx context.Context, id uint64, vec []float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := x.add(id, vec)
	x.calibrate()
	return err
}

// add is Add without the context.
func (x *Index) add(id uint64, vec []float32) error {
	lk := x.labelLock(id)
	lk.Lock()
	defer lk.Unlock()
	return x.addLocked(id, vec)
}

// addLocked adds one vector; the caller holds id's label lock and not growMu.
func (x *Index) addLocked(id uint64, vec []float32) error {
	for {
		x.growMu.RLock()
		if err := x.ready(); err != nil {
			x.growMu.RUnlock()
			return err
		}
		if err := x.writable(); err != nil {
			x.growMu.RUnlock()
			return err
		}
		if err := core.Check(vec, x.dim, x.metric); err != nil {
			x.growMu.RUnlock()
			return err
		}
		slot, level, old, hasOld, ok := x.alloc(id)
		if ok {
			x.insert(id, vec, slot, level, old, hasOld)
			x.growMu.RUnlock()
			return nil
		}
		x.growMu.RUnlock()
		x.ensure(1)
	}
}

// alloc reserves the next slot for id and draws its level. It fails when
// the slabs are full. The caller holds growMu shared.
func (x *Index) alloc(id uint64) (slot uint32, level int, old uint32, hasOld, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := int(x.n.Load())
	if n >= x.capacity {
		return 0, 0, 0, false, false
	}
	slot = uint32(n)
	level = x.randomLevel()
	if x.upperUsed+level > math.MaxUint32 {
		level = 0 // the slab's offsets are exhausted: layer 0 only
	}
	if (x.upperUsed+level)*(x.m+1) > len(x.upper) {
		return 0, 0, 0, false, false // ensure grows the slab
	}
	// Reserve the node's upper lists (zeroed: counts of 0); no search
	// reads them before the node is linked.
	x.upperOff[slot] = uint32(x.upperUsed)
	if level > 0 {
		w := x.m + 1
		clear(x.upper[x.upperUsed*w : (x.upperUsed+level)*w])
		x.upperUsed += level
	}
	old, hasOld = x.ids[id]
	x.labels[slot] = id
	x.levels[slot] = uint8(level)
	f := uint32(flagInserting)
	if hasOld {
		f |= flagPending
		x.hidden.Add(1)
	}
	x.setFlags(slot, f)
	x.n.Store(int64(n + 1))
	return slot, level, old, hasOld, true
}

// insert writes vec into slot, links it into the graph and publishes it
// under id, retiring old if hasOld. The caller holds growMu shared.
func (x *Index) insert(id uint64, vec []float32, slot uint32, level int, old uint32, hasOld bool) {
	s := x.getSearcher()
	q := s.q // a codesOnly index keeps the prepared vector only here
	if !x.codesOnly() {
		q = x.vec(slot)
	}
	_ = core.Prepare(q, vec, x.dim, x.metric) // checked by the caller
	if x.codes != nil && x.codes.Ready() {
		// Before the node is linked, as its vector: the links' atomic
		// stores publish both.
		x.codes.Encode(int(slot), q)
	}
	lst := x.list(slot, 0)
	atomic.StoreUint32(&lst[0], 0)
	x.link(s, slot, level, q)
	x.putSearcher(s)

	x.mu.Lock()
	if hasOld {
		x.setFlags(old, flagDeleted)
		x.deleted++
		// hidden is unchanged: old becomes hidden as slot stops being.
	}
	x.setFlags(slot, 0)
	x.ids[id] = slot
	x.mu.Unlock()
}

// link connects slot, whose prepared vector is q (and code, if any,
// already written), into layers level..0.
func (x *Index) link(s *searcher, slot uint32, level int, q []float32) {
	x.beginQuery(s, q)
	defer func() { s.coarse = false }()
	e := x.ep.Load()
	locked := false
	if e == noEntry || level > int(e>>32) {
		x.epMu.Lock()
		locked = true
		e = x.ep.Load()
		if e != noEntry && level <= int(e>>32) {
			x.epMu.Unlock()
			locked = false
		}
	}
	if e == noEntry {
		x.ep.Store(packEntry(slot, level))
		x.epMu.Unlock()
		return
	}
	ep, top := unpackEntry(e)
	// A node still being inserted may be linked on a layer and not yet on
	// the ones below, where its list is empty or holds only the links of
	// others that started there: a search of those layers starting from it
	// would find next to nothing. Each layer's search therefore starts from
	// a node whose insertion is complete (hnswlib's insertion searches wait
	// on such a node's lock instead).
	cur, curD := x.greedy(s, q, ep, x.qdist(s, q, ep), top, level, flagInserting)
	var fm filterMode
	if x.hidden.Load() != 0 {
		fm.hide = flagDeleted
	}
	for l := min(level, top); l >= 0; l-- {
		cands := x.linkCandidates(s, q, slot, cur, curD, l, fm)
		if len(cands) == 0 {
			continue
		}
		sel := x.selectNeighbours(cands, x.m, s.sel)
		s.sel = sel
		x.setOwnLinks(s, slot, l, sel)
		for _, it := range sel {
			x.addLink(s, it.id, slot, l)
		}
		if testHookLinked != nil {
			testHookLinked(slot, l)
		}
		for _, it := range sel {
			if x.loadFlags(it.id)&flagInserting == 0 {
				cur, curD = it.id, it.d
				break
			}
		}
	}
	if locked {
		if level > top {
			x.ep.Store(packEntry(slot, level))
		}
		x.epMu.Unlock()
	}
}

// setOwnLinks writes sel as slot's layer-l list, keeping any links that
// concurrent insertions have added to it meanwhile rather than overwriting
// them: an insertion whose search of layer l started from slot before slot
// was linked there would have found only slot, linked to it alone and
// linked back, and losing that back-link would leave it unreachable. link
// starts no search from a node still being inserted, so the list should be
// empty here; this keeps a slip from costing a node. If the union exceeds
// the list's capacity it is re-selected by the heuristic, as in addLink.
func (x *Index) setOwnLinks(s *searcher, slot uint32, l int, sel []item) {
	maxM := x.m
	if l == 0 {
		maxM = x.m0
	}
	x.nodeLocks[slot].Lock()
	defer x.nodeLocks[slot].Unlock()
	own := x.list(slot, l)
	keep := sel
	if cnt := int(own[0]); cnt > 0 {
		cands := append(s.shrink[:0], sel...)
	next:
		for _, o := range own[1 : cnt+1] {
			for _, it := range sel {
				if it.id == o {
					continue next
				}
			}
			cands = append(cands, item{x.pairDist(slot, o), o})
		}
		s.shrink = cands
		keep = cands
		if len(cands) > maxM {
			keep = x.selectNeighbours(cands, maxM, s.sel2)
			s.sel2 = keep
		}
	}
	for j, it := range keep {
		atomic.StoreUint32(&own[j+1], it.id)
	}
	atomic.StoreUint32(&own[0], uint32(len(keep)))
}

// linkCandidates searches layer l from cur for slot's neighbour candidates,
// leaving them in s.cands. Tombstones are not candidates while live nodes
// are found, but if every node the search reaches is one (the entry point
// and everything near it deleted), they are taken rather than nothing: a
// node linked to nothing could never be found again, and neither could any
// node inserted after it through the same dead region (hnswlib links a new
// node to a deleted entry point for the same reason).
func (x *Index) linkCandidates(s *searcher, q []float32, slot, cur uint32, curD float32, l int, fm filterMode) []item {
	for {
		x.searchLayer(s, q, cur, curD, x.efC, l, fm)
		cands := s.cands[:0]
		for _, it := range s.res {
			if it.id != slot {
				cands = append(cands, it)
			}
		}
		s.cands = cands
		if len(cands) > 0 || fm.hide == 0 {
			return cands
		}
		fm.hide = 0
	}
}

// addLink adds c to nb's layer-l list, re-selecting nb's neighbours by the
// heuristic when the list is full; tombstones are dropped first.
func (x *Index) addLink(s *searcher, nb, c uint32, l int) {
	maxM := x.m
	if l == 0 {
		maxM = x.m0
	}
	x.nodeLocks[nb].Lock()
	defer x.nodeLocks[nb].Unlock()
	lst := x.list(nb, l)
	cnt := int(lst[0])
	for j := 1; j <= cnt; j++ {
		if lst[j] == c {
			return
		}
	}
	if cnt < maxM {
		atomic.StoreUint32(&lst[cnt+1], c)
		atomic.StoreUint32(&lst[0], uint32(cnt+1))
		return
	}
	cands := append(s.shrink[:0], item{x.pairDist(nb, c), c})
	for j := 1; j <= cnt; j++ {
		o := lst[j]
		if x.loadFlags(o)&flagDeleted != 0 {
			continue
		}
		cands = append(cands, item{x.pairDist(nb, o), o})
	}
	s.shrink = cands
	keep := x.selectNeighbours(cands, maxM, s.sel2)
	s.sel2 = keep
	for j, it := range keep {
		atomic.StoreUint32(&lst[j+1], it.id)
	}
	atomic.StoreUint32(&lst[0], uint32(len(keep)))
}

// AddBatch adds vecs[i] under ids[i] for every i on up to GOMAXPROCS
// goroutines. Every vector is validated before any is added; if one is
// invalid, nothing is added and the error names its position. If an id
// repeats, its last vector wins. ctx is checked when the call starts; a
// batch once begun is added whole.
func (x *Index) AddBatch(ctx context.Context, ids []uint64, vecs [][]float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ids) != len(vecs) {
		return fmt.Errorf("hnsw: %d ids for %d vectors: %w", len(ids), len(vecs), errs.ErrInvalidInput)
	}
	x.growMu.RLock()
	dim, metric, err := x.dim, x.metric, x.ready()
	if err == nil {
		err = x.writable()
	}
	x.growMu.RUnlock()
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	if err := parallel(len(ids), workers, func(i int) error {
		if err := core.Check(vecs[i], dim, metric); err != nil {
			return fmt.Errorf("vector %d (id %d): %w", i, ids[i], err)
		}
		return nil
	}); err != nil {
		return err
	}
	last := make(map[uint64]int, len(ids))
	for i, id := range ids {
		last[id] = i
	}
	x.ensure(len(last))
	err = parallel(len(ids), workers, func(i int) error {
		if last[ids[i]] != i {
			return nil
		}
		return x.add(ids[i], vecs[i])
	})
	x.calibrate()
	return err
}

// parallel calls f(i) for i in [0, n) on up to workers goroutines, handing
// out indexes in order, and returns the first error (stopping new work).
func parallel(n, workers int, f func(i int) error) error {
	workers = max(1, min(workers, n))
	if workers == 1 {
		for i := 0; i < n; i++ {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Delete removes id: it leaves search results at once and its slot becomes a
// tombstone that still routes searches until Compact. It returns an error
// wrapping errs.ErrNotFound if id is absent; on an index never initialised
// by New or ReadFrom, where every id is absent, the error wraps both
// errs.ErrNotFound and errs.ErrInvalidInput. ctx is checked when the call
// starts.
func (x *Index) Delete(ctx context.Context, id uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	lk := x.labelLock(id)
	lk.Lock()
	defer lk.Unlock()
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	if err := x.ready(); err != nil {
		return fmt.Errorf("hnsw: %d (%w): %w", id, err, errs.ErrNotFound)
	}
	if err := x.writable(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	slot, ok := x.ids[id]
	if !ok {
		return fmt.Errorf("hnsw: %d: %w", id, errs.ErrNotFound)
	}
	delete(x.ids, id)
	x.setFlags(slot, flagDeleted)
	x.deleted++
	x.hidden.Add(1)
	return nil
}
