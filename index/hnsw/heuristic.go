// This file holds neighbour selection by the HNSW paper's heuristic
// (Algorithm 4 without extension or pruned-connection keeping, as hnswlib's
// getNeighborsByHeuristic2).

package hnsw

import (
	"cmp"
	"slices"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/similarity"
)

// pairDist is the internal distance between two stored slots.
func (x *Index) pairDist(a, b uint32) float32 {
	if x.codesOnly() {
		return -x.codes.PairScore(int(a), int(b))
	}
	va, vb := x.vec(a), x.vec(b)
	if x.metric == index.L2 {
		return similarity.SquaredL2(va, vb)
	}
	return -similarity.Dot(va, vb)
}

// selectNeighbours keeps at most m of cands (distances to the base node)
// by the heuristic: visiting candidates closest first, keep one only if it is
// closer to the base than to every candidate kept so far. Fewer than m
// candidates are all kept. The result reuses out's storage; cands is
// sorted in place.
func (x *Index) selectNeighbours(cands []item, m int, out []item) []item {
	slices.SortFunc(cands, func(a, b item) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return cmp.Compare(a.id, b.id)
	})
	out = out[:0]
	if len(cands) <= m {
		return append(out, cands...)
	}
	for _, c := range cands {
		if len(out) >= m {
			break
		}
		good := true
		for _, r := range out {
			if x.pairDist(c.id, r.id) < c.d {
				good = false
				break
			}
		}
		if good {
			out = append(out, c)
		}
	}
	return out
}
