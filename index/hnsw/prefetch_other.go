// This file is the portable stand-in for the prefetch helper: plain loads
// of each vector's first cache lines, issued back to back so their misses
// overlap.

//go:build !amd64 || purego

package hnsw

var touchSink float32

// prefetchVectors touches the leading cache lines of the listed vectors.
func (x *Index) prefetchVectors(ids []uint32) {
	var s0, s1 float32
	d := x.dim
	for _, id := range ids {
		o := int(id) * d
		s0 += x.vecs[o]
		if d > 16 {
			s1 += x.vecs[o+16]
		}
	}
	touchSink = s0 + s1
}

// prefetchList is a no-op without prefetch instructions.
func (x *Index) prefetchList(s uint32) {}

// prefetchCodes is a no-op without prefetch instructions.
func (x *Index) prefetchCodes(ids []uint32) {}
