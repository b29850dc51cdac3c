// This file holds the exact path of a search: the scan of every live,
// allowed node, and the sampling estimate that decides when a filter is
// selective enough to prefer it over the graph.

package hnsw

import (
	"math"
	"sync/atomic"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/similarity"
)

// exact scores s.q against every fully inserted, visible slot that allow
// admits and returns the k best. The caller holds growMu shared.
func (x *Index) exact(s *searcher, k int, allow func(uint64) bool) []index.Result {
	n := int(x.n.Load())
	top := &s.top
	top.Reset(k)
	l2 := x.metric == index.L2
	co := x.codesOnly()
	if co {
		x.codes.Prepare(&s.cq, s.q)
	}
	for i := 0; i < n; i++ {
		// Flags first: a slot's vector is complete once its inserting flag
		// is seen clear.
		if atomic.LoadUint32(&x.flags[i]) != 0 {
			continue
		}
		id := x.labels[i]
		if allow != nil && !allow(id) {
			continue
		}
		var sc float32
		if co {
			sc = x.codes.Score(&s.cq, i)
			if top.Admits(sc) {
				top.Push(index.Result{ID: id, Score: sc})
			}
			continue
		}
		v := x.vec(uint32(i))
		if l2 {
			sc = -similarity.SquaredL2(s.q, v)
		} else {
			sc = similarity.Dot(s.q, v)
		}
		if top.Admits(sc) {
			top.Push(index.Result{ID: id, Score: sc})
		}
	}
	return top.Results()
}

// selective reports whether allow admits so few live nodes that an exact
// scan of them is cheaper than a filtered graph search of width ef: when the
// estimated allowed count is below 2·sqrt(ef·live). It counts every node of
// small indexes and samples 512 slots of large ones, one at a pseudo-random
// position in each of 512 equal strides.
func (x *Index) selective(allow func(uint64) bool, ef int) bool {
	n := int(x.n.Load())
	if n == 0 {
		return false
	}
	const samples = 512
	step := 1
	if n > 2*samples {
		step = n / samples
	}
	sampled, seen, allowed := 0, 0, 0
	for j := 0; j*step < n; j++ {
		// One slot at a pseudo-random offset within each stride, so that a
		// filter periodic in the slot order (round-robin metadata) is not
		// sampled in phase with its period.
		i := j * step
		if step > 1 {
			i += int(mix64(uint64(j)) % uint64(step))
			if i >= n {
				break
			}
		}
		sampled++
		if atomic.LoadUint32(&x.flags[i]) != 0 {
			continue
		}
		seen++
		if allow(x.labels[i]) {
			allowed++
		}
	}
	if seen == 0 {
		return true
	}
	live := float64(n) * float64(seen) / float64(sampled)
	est := live * float64(allowed) / float64(seen)
	return est < 2*math.Sqrt(float64(ef)*live)
}

// mix64 is the splitmix64 finaliser: a cheap, well-spread hash of j.
func mix64(j uint64) uint64 {
	j += 0x9e3779b97f4a7c15
	j = (j ^ j>>30) * 0xbf58476d1ce4e5b9
	j = (j ^ j>>27) * 0x94d049bb133111eb
	return j ^ j>>31
}
