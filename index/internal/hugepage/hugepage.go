// Package hugepage asks the operating system to back large, randomly
// accessed slabs with huge pages, which cuts the TLB misses of graph searches
// that jump across hundreds of megabytes. It is advice only: where it is not
// supported, or transparent huge pages are disabled, nothing changes.
package hugepage

import "unsafe"

// minBytes is the smallest slab worth advising: below a few huge pages the
// TLB already covers it.
const minBytes = 4 << 20

// Advise marks the memory of s as a candidate for transparent huge pages.
// Call it on a freshly allocated slice, before writing to it, so that the
// first touch of each 2 MiB region can fault in a huge page.
func Advise[T any](s []T) {
	if cap(s) == 0 {
		return
	}
	var zero T
	n := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if n < minBytes {
		return
	}
	advise(unsafe.Pointer(unsafe.SliceData(s[:1])), n)
}
