// This file declares the amd64 prefetch helper implemented in
// prefetch_amd64.s.

//go:build amd64 && !purego

package hnsw

import "unsafe"

// prefetchRows issues PREFETCHT0 for the first lines cache lines of row
// ids[i] (at base + ids[i]*stride) for every i. It never faults: prefetches
// of any address are hints.
//
//go:noescape
func prefetchRows(base unsafe.Pointer, ids []uint32, stride uintptr, lines int)

// prefetchVectors asks for the leading cache lines of the listed vectors.
func (x *Index) prefetchVectors(ids []uint32) {
	if len(ids) == 0 {
		return
	}
	prefetchRows(unsafe.Pointer(&x.vecs[0]), ids, uintptr(x.dim)*4, x.prefetchLines)
}

// prefetchList asks for slot s's layer-0 neighbour list.
func (x *Index) prefetchList(s uint32) {
	one := [1]uint32{s}
	prefetchRows(unsafe.Pointer(&x.links0[0]), one[:], uintptr(x.m0+1)*4, (x.m0*4+4+63)/64)
}

// prefetchCodes asks for the leading cache lines of the listed slots'
// codes (at most 4 lines, as prefetchVectors).
func (x *Index) prefetchCodes(ids []uint32) {
	if len(ids) == 0 {
		return
	}
	c := x.codes
	var base unsafe.Pointer
	var stride uintptr
	switch {
	case len(c.I) > 0:
		base, stride = unsafe.Pointer(&c.I[0]), uintptr(c.Dims)
	case len(c.B) > 0:
		base, stride = unsafe.Pointer(&c.B[0]), uintptr(8*c.Words())
	case len(c.F) > 0:
		base, stride = unsafe.Pointer(&c.F[0]), uintptr(4*c.Dims)
	default:
		return
	}
	prefetchRows(base, ids, stride, min(int(stride+63)/64, 4))
}
