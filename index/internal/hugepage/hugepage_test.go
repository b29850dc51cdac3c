// This file checks that Advise accepts any slice and leaves its contents
// alone.

package hugepage

import "testing"

func TestAdviseKeepsData(t *testing.T) {
	Advise([]float32(nil))
	Advise(make([]byte, 10))
	big := make([]uint32, 3<<20) // 12 MiB, not page-aligned in length
	Advise(big[1:])
	for i := range big {
		big[i] = uint32(i)
	}
	for i := range big {
		if big[i] != uint32(i) {
			t.Fatalf("element %d = %d", i, big[i])
		}
	}
}
