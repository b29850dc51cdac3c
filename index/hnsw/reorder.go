// This file holds the graph-order renumbering Compact finishes with: slots
// are permuted into breadth-first order of the layer-0 graph from the entry
// point, so that nodes a search visits together sit together in memory
// (graph reordering, as in Coleman et al., "Graph Reordering for
// Cache-Efficient Near Neighbor Search", 2021).

package hnsw

// reorder permutes the n live slots into BFS order. The caller holds growMu
// exclusively and mu, and there are no tombstones. It works in place: the
// permutation is applied cycle by cycle with one spare row.
func (x *Index) reorder() {
	n := int(x.n.Load())
	e := x.ep.Load()
	if n < 2 || e == noEntry {
		return
	}
	const unset = ^uint32(0)
	perm := make([]uint32, n) // perm[old] = new
	for i := range perm {
		perm[i] = unset
	}
	queue := make([]uint32, 0, n)
	ep, top := unpackEntry(e)
	push := func(s uint32) {
		if perm[s] == unset {
			perm[s] = uint32(len(queue))
			queue = append(queue, s)
		}
	}
	push(ep)
	next := 0 // lowest slot that may still be unnumbered
	for head := 0; head < n; head++ {
		if head == len(queue) {
			// Nodes unreachable on layer 0 start a new tree, in slot order.
			for perm[next] != unset {
				next++
			}
			push(uint32(next))
		}
		lst := x.list(queue[head], 0)
		for _, q := range lst[1 : lst[0]+1] {
			push(q)
		}
	}
	queue = nil

	// Rewrite link contents first, then move rows.
	for s := 0; s < n; s++ {
		for l := 0; l <= int(x.levels[s]); l++ {
			lst := x.list(uint32(s), l)
			for j := 1; j <= int(lst[0]); j++ {
				lst[j] = perm[lst[j]]
			}
		}
	}
	d, w := x.dim, x.m0+1
	if x.vecs == nil {
		d = 0 // codesOnly: no vectors to move
	}
	spareVec := make([]float32, d)
	spareLst := make([]uint32, w)
	done := make([]bool, n)
	for i := 0; i < n; i++ {
		if done[i] || perm[i] == uint32(i) {
			done[i] = true
			continue
		}
		// Carry row i along its cycle: row j moves to perm[j].
		copy(spareVec, x.vecs[i*d:(i+1)*d])
		copy(spareLst, x.links0[i*w:(i+1)*w])
		up, lv, lb, fl := x.upperOff[i], x.levels[i], x.labels[i], x.flags[i]
		for j := int(perm[i]); ; j = int(perm[j]) {
			for k := 0; k < d; k++ {
				x.vecs[j*d+k], spareVec[k] = spareVec[k], x.vecs[j*d+k]
			}
			for k := 0; k < w; k++ {
				x.links0[j*w+k], spareLst[k] = spareLst[k], x.links0[j*w+k]
			}
			x.upperOff[j], up = up, x.upperOff[j]
			x.levels[j], lv = lv, x.levels[j]
			x.labels[j], lb = lb, x.labels[j]
			x.flags[j], fl = fl, x.flags[j]
			done[j] = true
			if j == i {
				break
			}
		}
	}
	if x.codes != nil {
		x.codes.Permute(perm[:n])
	}
	for id, s := range x.ids {
		x.ids[id] = perm[s]
	}
	x.ep.Store(packEntry(perm[ep], top))
}
