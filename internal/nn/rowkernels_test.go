// This file checks LayerNorm's row kernels, the add and softmax's
// exp-and-sum of every kernel set at every length 0..1100 against float64
// references, with guard values after dst (the assembly kernels run whole
// blocks and leave the rest to the Go kernels, so every split of a row is
// exercised).

package nn

import (
	"math"
	"math/rand"
	"testing"
)

func TestRowKernelsEveryLength(t *testing.T) {
	const maxLen = 1100
	for _, ks := range kernelSets() {
		r := rand.New(rand.NewSource(11))
		for n := 0; n <= maxLen; n++ {
			x, gamma, beta := make([]float32, n), make([]float32, n), make([]float32, n)
			var sumAbs float64
			for i := range x {
				x[i] = float32(r.NormFloat64()*3 + 50)
				gamma[i], beta[i] = float32(1+0.1*r.NormFloat64()), float32(r.NormFloat64())
				sumAbs += math.Abs(float64(x[i]))
			}
			var want float64
			for _, v := range x {
				want += float64(v)
			}
			// Float64 sums of float32 values: error within n·2⁻⁵³·Σ|x|.
			if got := ks.rowSum(x); math.Abs(got-want) > float64(n+1)*0x1p-52*sumAbs {
				t.Fatalf("%s rowSum n=%d: %v, want %v", ks.name, n, got, want)
			}
			mean := want / math.Max(1, float64(n))
			var sq float64
			for _, v := range x {
				sq += (float64(v) - mean) * (float64(v) - mean)
			}
			if got := ks.rowSqDev(x, mean); math.Abs(got-sq) > float64(n+1)*0x1p-50*(sq+1) {
				t.Fatalf("%s rowSqDev n=%d: %v, want %v", ks.name, n, got, sq)
			}
			hi := float32(mean)
			lo := float32(mean - float64(hi))
			inv := float32(0.37)
			dst := make([]float32, n+2)
			dst[n], dst[n+1] = 42, 42
			ks.rowNorm(dst[:n], x, gamma, beta, hi, lo, inv)
			for j, v := range x {
				w := (float64(v)-mean)*float64(inv)*float64(gamma[j]) + float64(beta[j])
				// Three float32 roundings of values up to ~10.
				if d := math.Abs(float64(dst[j]) - w); d > 4e-6*math.Max(1, math.Abs(w)) {
					t.Fatalf("%s rowNorm n=%d: [%d] = %v, want %v", ks.name, n, j, dst[j], w)
				}
			}
			ks.add(dst[:n], x, beta)
			for j := range x {
				if dst[j] != x[j]+beta[j] {
					t.Fatalf("%s add n=%d: [%d] = %v, want %v", ks.name, n, j, dst[j], x[j]+beta[j])
				}
			}
			if dst[n] != 42 || dst[n+1] != 42 {
				t.Fatalf("%s n=%d: wrote past the end of dst", ks.name, n)
			}
			// Softmax's exp-and-sum, shifted by the mean (some results above 1).
			y := append(dst[:0:0], x...)
			y = append(y, 42)
			const scale = 0.2
			sum := ks.expShiftSum(y[:n], hi, scale)
			var wantSum float64
			for j, v := range x {
				e := math.Exp(float64(float32(scale * (v - hi))))
				wantSum += e
				if d := math.Abs(float64(y[j]) - e); d > 3e-7*e {
					t.Fatalf("%s expShiftSum n=%d: [%d] = %v, want %v", ks.name, n, j, y[j], e)
				}
			}
			if d := math.Abs(float64(sum) - wantSum); d > float64(n+1)*1.2e-7*wantSum {
				t.Fatalf("%s expShiftSum n=%d: sum %v, want %v", ks.name, n, sum, wantSum)
			}
			if y[n] != 42 {
				t.Fatalf("%s expShiftSum n=%d: wrote past the end", ks.name, n)
			}
		}
	}
}

// TestNaNThroughVectorBlocks checks that NaN stays NaN in exp, GELU and
// biased GELU in every lane of the vector blocks (the specials of the
// accuracy tests reach some lanes only).
func TestNaNThroughVectorBlocks(t *testing.T) {
	nan := float32(math.NaN())
	for _, ks := range kernelSets() {
		for lane := 0; lane < 16; lane++ {
			x := make([]float32, 16)
			for i := range x {
				x[i] = float32(i) - 7.5
			}
			x[lane] = nan
			bias := make([]float32, 16)
			for _, k := range []struct {
				name string
				f    func(dst, x []float32)
			}{{"exp", ks.exp}, {"gelu", ks.gelu}, {"biasGELU", func(dst, x []float32) { ks.biasGELU(dst, x, bias) }}} {
				dst := make([]float32, 16)
				k.f(dst, x)
				for i, v := range dst {
					if (i == lane) != (v != v) {
						t.Fatalf("%s %s: NaN at lane %d gave [%d] = %v", ks.name, k.name, lane, i, v)
					}
				}
			}
		}
	}
}

// TestMaxSkipsNaN checks that the max in use skips NaN in every lane and
// position, as maxGeneric does.
func TestMaxSkipsNaN(t *testing.T) {
	nan := float32(math.NaN())
	for n := 1; n <= 13; n++ {
		for at := 0; at < n; at++ {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i) - 20
			}
			x[at] = nan
			if got, want := maxVec(x), maxGeneric(x); got != want {
				t.Fatalf("n=%d NaN at %d: max %v, want %v", n, at, got, want)
			}
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = nan
		}
		if got := maxVec(x); got != float32(math.Inf(-1)) {
			t.Fatalf("n=%d all NaN: max %v, want -Inf", n, got)
		}
	}
}
