// This file holds the reachability repair Compact runs once the tombstones
// are gone: a node that cannot be reached from the entry point on a layer
// is linked from the nearest nodes that can, so that a compacted graph
// leaves no live vector out of reach of searches.

package hnsw

// connect makes every node reachable from the entry point on every layer it
// is on, top layer first. Nodes are taken in slot order; an unreachable one
// is given links to its nearest reachable nodes (by a construction search of
// the reachable part of the layer) and an incoming link from the nearest of
// them whose list has room, then everything it leads to counts as reachable.
// Links are only ever added to reachable nodes' lists, never replaced, so
// nothing reachable is cut off; a node stays unreachable only if every
// reachable node of its layer has a full list. The caller holds growMu
// exclusively and mu, and there are no tombstones.
func (x *Index) connect() {
	n := int(x.n.Load())
	e := x.ep.Load()
	if n < 2 || e == noEntry {
		return
	}
	ep, top := unpackEntry(e)
	s := x.getSearcher()
	defer x.putSearcher(s)
	seen := make([]bool, n)
	queue := make([]uint32, 0, 64)
	for l := top; l >= 0; l-- {
		clear(seen)
		queue = x.reach(ep, l, seen, queue)
		for p := uint32(0); int(p) < n; p++ {
			if seen[p] || int(x.levels[p]) < l {
				continue
			}
			if x.attach(s, p, l, seen) {
				queue = x.reach(p, l, seen, queue)
			}
		}
	}
}

// reach marks from and every node reachable from it on layer l in seen,
// returning the queue storage for reuse.
func (x *Index) reach(from uint32, l int, seen []bool, queue []uint32) []uint32 {
	seen[from] = true
	queue = append(queue[:0], from)
	for len(queue) > 0 {
		c := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		lst := x.list(c, l)
		for _, q := range lst[1 : lst[0]+1] {
			if !seen[q] {
				seen[q] = true
				queue = append(queue, q)
			}
		}
	}
	return queue
}

// attach links the unreachable node p into the reachable part of layer l
// (marked in seen) and reports whether it now has an incoming link from it.
func (x *Index) attach(s *searcher, p uint32, l int, seen []bool) bool {
	ep, top := unpackEntry(x.ep.Load())
	q := x.slotQuery(s, p)
	x.beginQuery(s, q)
	cur, curD := x.greedy(s, q, ep, x.qdist(s, q, ep), top, l, 0)
	if !seen[cur] {
		// The descent left the reachable part of this layer.
		cur, curD = ep, x.qdist(s, q, ep)
	}
	// The search sees only what is reachable from cur: nodes marked seen.
	x.searchLayer(s, q, cur, curD, max(x.efC, 2*x.m0), l, filterMode{})
	s.coarse = false
	cands := s.cands[:0]
	for _, it := range s.res {
		if it.id != p {
			cands = append(cands, it)
		}
	}
	s.cands = cands
	if len(cands) == 0 {
		return false
	}
	sel := x.selectNeighbours(cands, x.m, s.sel) // sorts cands too
	s.sel = sel
	x.setOwnLinks(s, p, l, sel)
	maxM := x.m
	if l == 0 {
		maxM = x.m0
	}
	// Incoming links from the selected nodes with room, as an insertion
	// would add; failing that from the nearest candidate, then the nearest
	// reachable node, with room. No list is pruned: that could cut off a
	// node already reached.
	linked := false
	for _, it := range sel {
		linked = x.appendLink(it.id, p, l, maxM) || linked
	}
	if linked {
		return true
	}
	for _, it := range cands {
		if x.appendLink(it.id, p, l, maxM) {
			return true
		}
	}
	best, bestD := uint32(0), float32(0)
	found := false
	for r := range seen {
		if !seen[r] || int(x.levels[r]) < l || int(x.list(uint32(r), l)[0]) >= maxM {
			continue
		}
		if d := x.pairDist(p, uint32(r)); !found || d < bestD {
			best, bestD, found = uint32(r), d, true
		}
	}
	return found && x.appendLink(best, p, l, maxM)
}

// appendLink adds c to r's layer-l list if it has room (or already holds
// c) and reports whether r now links to c.
func (x *Index) appendLink(r, c uint32, l, maxM int) bool {
	lst := x.list(r, l)
	cnt := int(lst[0])
	for _, o := range lst[1 : cnt+1] {
		if o == c {
			return true
		}
	}
	if cnt >= maxM {
		return false
	}
	lst[cnt+1] = c
	lst[0] = uint32(cnt + 1)
	return true
}
