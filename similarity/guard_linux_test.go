// This file checks that no kernel reads or writes outside its slices: the
// data is placed against pages that fault on any access, so an over-read
// or over-write in a tail crashes the test.

//go:build linux

package similarity

import (
	"math/rand"
	"syscall"
	"testing"
	"unsafe"
)

// guardedPage returns a read-write page with inaccessible pages on both
// sides, and a function that unmaps all three.
func guardedPage(t *testing.T) ([]byte, func()) {
	t.Helper()
	ps := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	if err := syscall.Mprotect(mem[:ps], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[2*ps:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	return mem[ps : 2*ps : 2*ps], func() { syscall.Munmap(mem) }
}

// view returns n elements of type T at byte offset off of page.
func view[T any](page []byte, off, n int) []T {
	if n == 0 {
		return []T{}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&page[off])), n)
}

func TestKernelsStayInBounds(t *testing.T) {
	streamVariants(t, testKernelsStayInBounds)
}

func testKernelsStayInBounds(t *testing.T) {
	pa, freeA := guardedPage(t)
	defer freeA()
	pb, freeB := guardedPage(t)
	defer freeB()
	r := rand.New(rand.NewSource(8))
	for i := range pa {
		pa[i], pb[i] = byte(r.Intn(256)), byte(r.Intn(256))
	}
	ps := len(pa)
	forKernels(t, func(t *testing.T, k kernels) {
		for n := 0; n <= ps/4; n++ {
			// Against the end of the page, then against its start.
			for _, off := range []int{ps - 4*n, 0} {
				a := view[float32](pa, off, n)
				b := view[float32](pb, off, n)
				for i := range a {
					a[i], b[i] = float32(i%7)-3, float32(i%5)-2
				}
				k.dot(a, b)
				k.squaredL2(a, b)
				k.cosine(a, b)
				k.scale(a, 1)
				if n > 0 {
					// rows = the whole view, as d×(n/d) for a few d.
					for _, d := range []int{1, 3, 16, 17, n} {
						if d > n {
							continue
						}
						rows := a[:n/d*d]
						dst := make([]float32, n/d)
						k.dotBatch(dst, b[:d], rows)
						k.squaredL2Batch(dst, b[:d], rows)
						// The query against the guard, the rows not.
						qb := view[float32](pb, ps-4*d, d)
						k.dotBatch(dst, qb, rows)
					}
				}
			}
		}
		for n := 0; n <= ps; n++ {
			for _, off := range []int{ps - n, 0} {
				k.dotInt8(view[int8](pa, off, n), view[int8](pb, off, n))
			}
		}
		for n := 0; n <= ps/8; n++ {
			for _, off := range []int{ps - 8*n, 0} {
				k.hamming(view[uint64](pa, off, n), view[uint64](pb, off, n))
			}
		}
	})
}
