// This file holds Compact: repairing the neighbour lists that point at
// tombstones and renumbering the live nodes densely to reclaim their slots.

package hnsw

// Compact removes every tombstone left by Delete and by replacing Adds, then
// renumbers the nodes in breadth-first graph order so that nodes searched
// together are stored together (which speeds searches up; calling Compact
// once after a bulk build is worthwhile even without deletes). Removal
// relinks in place: each live node's list that contains tombstones is
// re-selected, by the same heuristic as insertion, from its live neighbours
// plus the live nodes the tombstones linked to (two hops through
// tombstones), falling back to a construction search when that leaves
// nothing; the live nodes then move down to slots 0..Len-1. Both steps work
// in place; only when less than half of the slots stay in use are the slabs
// reallocated at the smaller size, releasing the memory. Then every node
// that cannot be reached from the entry point on some layer (which removal,
// or the neighbour heuristic's pruning, can leave behind) is linked from the
// nearest nodes that can, so that after Compact searches can reach every
// vector.
// Searches and writers wait while it runs (it takes the global lock).
func (x *Index) Compact() error {
	x.growMu.Lock()
	defer x.growMu.Unlock()
	if err := x.ready(); err != nil {
		return err
	}
	if err := x.writable(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.deleted > 0 {
		x.reclaim()
	}
	x.connect()
	x.reorder()
	return nil
}

// reclaim relinks around the tombstones and renumbers the live slots
// densely. The caller holds growMu exclusively and mu.
func (x *Index) reclaim() {
	n := int(x.n.Load())
	s := x.getSearcher()
	defer x.putSearcher(s)
	dead := func(p uint32) bool { return x.flags[p]&flagDeleted != 0 }

	// Pick a live entry point first: the repair searches start from it.
	ep, _ := unpackEntry(x.ep.Load())
	if dead(ep) {
		best := -1
		for p := 0; p < n; p++ {
			if !dead(uint32(p)) && int(x.levels[p]) > best {
				best, ep = int(x.levels[p]), uint32(p)
			}
		}
		if best < 0 { // nothing live
			x.ep.Store(noEntry)
			x.renumber(n)
			return
		}
		x.ep.Store(packEntry(ep, best))
	}

	// Relink lists that point at tombstones.
	for p := uint32(0); int(p) < n; p++ {
		if dead(p) {
			continue
		}
		for l := 0; l <= int(x.levels[p]); l++ {
			x.repair(s, p, l, dead)
		}
	}
	x.renumber(n)
}

// repair re-selects p's layer-l list if it contains tombstones.
func (x *Index) repair(s *searcher, p uint32, l int, dead func(uint32) bool) {
	lst := x.list(p, l)
	cnt := int(lst[0])
	hasDead := false
	for _, q := range lst[1 : cnt+1] {
		if dead(q) {
			hasDead = true
			break
		}
	}
	if !hasDead {
		return
	}
	s.reset()
	s.visited[p] = s.epoch
	cands := s.cands[:0]
	var walk func(q uint32, depth int)
	walk = func(q uint32, depth int) {
		if s.visited[q] == s.epoch {
			return
		}
		s.visited[q] = s.epoch
		if !dead(q) {
			cands = append(cands, item{x.pairDist(p, q), q})
			return
		}
		{
			// A tombstone whose id was added again forwards to the new
			// slot, which inherits its in-links (hnswlib's updatePoint keeps
			// them by reusing the slot).
			if r, ok := x.ids[x.labels[q]]; ok && int(x.levels[r]) >= l {
				walk(r, depth)
			}
			if depth == 2 {
				return
			}
		}
		ql := x.list(q, l)
		for _, r := range ql[1 : ql[0]+1] {
			walk(r, depth+1)
		}
	}
	for _, q := range lst[1 : cnt+1] {
		walk(q, 0)
	}
	if len(cands) == 0 {
		// Every route led to tombstones: search for neighbours afresh.
		e := x.ep.Load()
		ep, top := unpackEntry(e)
		q := x.slotQuery(s, p)
		x.beginQuery(s, q)
		cur, curD := x.greedy(s, q, ep, x.qdist(s, q, ep), top, l, 0)
		x.searchLayer(s, q, cur, curD, x.efC, l, filterMode{hide: flagDeleted})
		s.coarse = false
		for _, it := range s.res {
			if it.id != p {
				cands = append(cands, it)
			}
		}
	}
	s.cands = cands
	maxM := x.m
	if l == 0 {
		maxM = x.m0
	}
	keep := x.selectNeighbours(cands, maxM, s.sel)
	// The repaired node lost the routes its tombstones gave it: keep the
	// closest pruned candidates too, up to the list's old length (the
	// paper's keepPrunedConnections, bounded).
	if len(keep) < cnt {
		kept := len(keep)
	next:
		for _, it := range cands {
			if len(keep) >= cnt {
				break
			}
			for _, k := range keep[:kept] {
				if k.id == it.id {
					continue next
				}
			}
			keep = append(keep, it)
		}
	}
	s.sel = keep
	for j, it := range keep {
		lst[j+1] = it.id
	}
	lst[0] = uint32(len(keep))
}

// renumber moves live slots down to 0..live-1, rewriting every link, the id
// map and the entry point, and shrinks the slabs if they are mostly empty.
// The caller holds growMu exclusively and mu.
func (x *Index) renumber(n int) {
	const gone = ^uint32(0)
	newID := make([]uint32, n)
	live := uint32(0)
	for p := 0; p < n; p++ {
		if x.flags[p]&flagDeleted != 0 {
			newID[p] = gone
			continue
		}
		newID[p] = live
		live++
	}
	for p := 0; p < n; p++ {
		j := newID[p]
		if j == gone {
			continue
		}
		for l := 0; l <= int(x.levels[p]); l++ {
			lst := x.list(uint32(p), l)
			w := 0
			for _, q := range lst[1 : lst[0]+1] {
				if newID[q] != gone {
					lst[1+w] = newID[q]
					w++
				}
			}
			lst[0] = uint32(w)
		}
		if int(j) != p {
			if x.vecs != nil {
				copy(x.vecs[int(j)*x.dim:(int(j)+1)*x.dim], x.vec(uint32(p)))
			}
			if x.codes != nil {
				x.codes.Move(int(j), p)
			}
			copy(x.links0[int(j)*(x.m0+1):(int(j)+1)*(x.m0+1)], x.list(uint32(p), 0))
			x.upperOff[j] = x.upperOff[p]
			x.levels[j] = x.levels[p]
			x.labels[j] = x.labels[p]
		}
		x.flags[j] = 0
	}
	for p := int(live); p < n; p++ {
		x.upperOff[p] = 0
		x.flags[p] = 0
	}
	for id, p := range x.ids {
		x.ids[id] = newID[p]
	}
	if e := x.ep.Load(); e != noEntry {
		ep, top := unpackEntry(e)
		x.ep.Store(packEntry(newID[ep], top))
	}
	x.n.Store(int64(live))
	x.deleted = 0
	x.hidden.Store(0)
	x.packUpper()
	if x.capacity > 1024 && int(live) < x.capacity/2 {
		x.resize(max(int(live), 1024))
	}
}

// packUpper rewrites the upper-layer slab with only the live slots' lists,
// in slot order, dropping those of reclaimed slots. The caller holds growMu
// exclusively.
func (x *Index) packUpper() {
	n, w := int(x.n.Load()), x.m+1
	used := 0
	for s := 0; s < n; s++ {
		used += int(x.levels[s])
	}
	upper := make([]uint32, (used+(x.capacity-n)/(x.m-1)+maxLevel)*w)
	o := 0
	for s := 0; s < n; s++ {
		l := int(x.levels[s])
		if l == 0 {
			x.upperOff[s] = uint32(o)
			continue
		}
		src := int(x.upperOff[s]) * w
		copy(upper[o*w:(o+l)*w], x.upper[src:src+l*w])
		x.upperOff[s] = uint32(o)
		o += l
	}
	x.upper, x.upperUsed = upper, o
}
