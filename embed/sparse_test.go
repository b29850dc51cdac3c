// sparse_test.go checks SparseVector.Dot against a map-based float64
// reference, on both of its paths (short and long vectors).

package embed

import (
	"math"
	"math/rand"
	"testing"
)

func TestSparseVectorDot(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	gen := func(n, vocab int) SparseVector {
		var v SparseVector
		for _, id := range r.Perm(vocab)[:n] {
			v.IDs = append(v.IDs, id)
			v.Weights = append(v.Weights, float32(r.Float64()))
		}
		return v
	}
	for _, c := range [][3]int{{0, 5, 50}, {1, 1, 2}, {10, 30, 60}, {64, 64, 100}, {65, 300, 400}, {200, 150, 250}} {
		a, b := gen(c[0], c[2]), gen(c[1], c[2])
		ref := map[int]float64{}
		for i, id := range b.IDs {
			ref[id] = float64(b.Weights[i])
		}
		var want float64
		for i, id := range a.IDs {
			want += float64(a.Weights[i]) * ref[id]
		}
		if got := a.Dot(b); math.Abs(float64(got)-want) > 1e-5*math.Max(1, want) {
			t.Errorf("%v: Dot %g, reference %g", c, got, want)
		}
		if got := b.Dot(a); math.Abs(float64(got)-want) > 1e-5*math.Max(1, want) {
			t.Errorf("%v: reversed Dot %g, reference %g", c, got, want)
		}
		if a.Len() != c[0] {
			t.Errorf("Len %d, want %d", a.Len(), c[0])
		}
	}
	short, long := SparseVector{IDs: []int{1}, Weights: []float32{2}}, SparseVector{IDs: make([]int, 100), Weights: make([]float32, 100)}
	for i := range long.IDs {
		long.IDs[i] = i
	}
	if n := testing.AllocsPerRun(10, func() { short.Dot(long) }); n != 0 {
		t.Errorf("Dot of a short vector allocates %v times", n)
	}
}
