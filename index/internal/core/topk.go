// This file holds TopK, the bounded min-heap both indexes use to keep the k
// best-scoring results of a scan.

package core

import (
	"github.com/ganada/ganada/index"
	"sort"
)

// TopK keeps the k highest-scoring Results offered to it. The zero value is
// unusable; create one with NewTopK or Reset. Its storage grows with the
// results actually held, not with k, so a huge k (math.MaxInt) costs no more
// than the number of results offered.
type TopK struct {
	k int
	h []index.Result // min-heap on (Score, then larger ID is worse)
}

// topKPrealloc bounds the room Reset sets aside up front; beyond it a TopK
// grows like a slice as results arrive.
const topKPrealloc = 1 << 10

// NewTopK returns a TopK keeping k results.
func NewTopK(k int) *TopK {
	t := &TopK{}
	t.Reset(k)
	return t
}

// Reset empties t and makes it keep k results, reusing its storage. It sets
// aside room for at most min(k, 1024) results; t grows past that as results
// arrive.
func (t *TopK) Reset(k int) {
	t.k = k
	if want := min(k, topKPrealloc); cap(t.h) < want {
		t.h = make([]index.Result, 0, want)
	}
	t.h = t.h[:0]
}

// worse reports whether a ranks below b: lower score, or equal score and a
// larger id (so ties resolve deterministically towards smaller ids).
func worse(a, b index.Result) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.ID > b.ID)
}

// Full reports whether t holds k results.
func (t *TopK) Full() bool { return len(t.h) == t.k }

// Len returns the number of results held.
func (t *TopK) Len() int { return len(t.h) }

// Admits reports whether a result with this score could enter t: t is not
// full, or score is at least the worst score held.
func (t *TopK) Admits(score float32) bool {
	return len(t.h) < t.k || score >= t.h[0].Score
}

// Push offers r to t.
func (t *TopK) Push(r index.Result) {
	h := t.h
	if len(h) < t.k {
		h = append(h, r)
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !worse(h[i], h[p]) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		t.h = h
		return
	}
	if t.k == 0 || !worse(h[0], r) {
		return
	}
	h[0] = r
	t.down(0)
}

func (t *TopK) down(i int) {
	h := t.h
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// Merge offers every result held by o to t.
func (t *TopK) Merge(o *TopK) {
	for _, r := range o.h {
		t.Push(r)
	}
}

// Results returns the held results sorted best first, in a new slice, and
// leaves t empty.
func (t *TopK) Results() []index.Result {
	out := make([]index.Result, len(t.h))
	copy(out, t.h)
	SortResults(out)
	t.h = t.h[:0]
	return out
}

// SortResults sorts rs best first: descending score, ties by ascending id.
func SortResults(rs []index.Result) {
	sort.Slice(rs, func(i, j int) bool { return worse(rs[j], rs[i]) })
}
