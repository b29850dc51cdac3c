// maxsim_test.go checks MaxSim against a float64 reference.

package similarity

import (
	"math"
	"math/rand"
	"testing"
)

func TestMaxSim(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	vecs := func(n, d int) [][]float32 {
		out := make([][]float32, n)
		for i := range out {
			out[i] = make([]float32, d)
			for k := range out[i] {
				out[i][k] = float32(r.NormFloat64())
			}
		}
		return out
	}
	for _, c := range [][3]int{{1, 1, 8}, {3, 7, 32}, {17, 5, 33}, {40, 120, 128}} {
		q, d := vecs(c[0], c[2]), vecs(c[1], c[2])
		var want float64
		for _, qv := range q {
			best := math.Inf(-1)
			for _, dv := range d {
				ref, _ := refDot(qv, dv)
				best = max(best, ref)
			}
			want += best
		}
		want /= float64(len(q))
		if got := MaxSim(q, d); math.Abs(float64(got)-want) > 1e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("%v: MaxSim %g, reference %g", c, got, want)
		}
	}
	if MaxSim(nil, vecs(2, 4)) != 0 || MaxSim(vecs(2, 4), nil) != 0 {
		t.Error("empty side: want 0")
	}
}
