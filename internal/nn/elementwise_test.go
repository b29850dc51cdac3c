// This file checks the elementwise kernels (exp, erf, exact and tanh
// GELU, SiLU, biased GELU) of every kernel set at every length 0..1100
// against float64 references, with guard values after dst, and their
// special values (±Inf, NaN, ±0, huge) against the pure-Go scalar
// functions in every lane of the vector blocks.

package nn

import (
	"math"
	"math/rand"
	"testing"
)

type unaryKernel struct {
	name string
	vec  func(dst, x []float32)
	ref  func(float64) float64
	// tol bounds |got-ref| as rel·|ref| + abs·max(1,|x|).
	rel, abs float64
	scalar   func(float32) float32
}

func unaryKernels(ks kernelSet) []unaryKernel {
	return []unaryKernel{
		{"exp", ks.exp, math.Exp, 3e-7, 0, exp32},
		{"erf", ks.erf, math.Erf, 0, 1.2e-7, erf32},
		{"gelu", ks.gelu, refGELU, 0, 1.5e-7, gelu32},
		{"geluTanh", ks.geluTanh, refGELUTanh, 0, 2e-7, geluTanh32},
		{"silu", ks.silu, refSiLU, 4e-7, 0, silu32},
	}
}

func TestElementwiseEveryLength(t *testing.T) {
	const maxLen = 1100
	r := rand.New(rand.NewSource(12))
	x := make([]float32, maxLen)
	bias := make([]float32, maxLen)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 4)
		bias[i] = float32(r.NormFloat64())
	}
	for _, ks := range kernelSets() {
		for _, k := range unaryKernels(ks) {
			want := make([]float64, maxLen)
			for i, v := range x {
				want[i] = k.ref(float64(v))
			}
			dst := make([]float32, maxLen+2)
			for n := 0; n <= maxLen; n++ {
				dst[n], dst[n+1] = 42, 42
				k.vec(dst[:n], x[:n])
				for i := 0; i < n; i++ {
					tol := k.rel*math.Abs(want[i]) + k.abs*math.Max(1, math.Abs(float64(x[i])))
					if d := math.Abs(float64(dst[i]) - want[i]); d > tol {
						t.Fatalf("%s %s n=%d: [%d] = %v (x=%v), want %v", ks.name, k.name, n, i, dst[i], x[i], want[i])
					}
				}
				if dst[n] != 42 || dst[n+1] != 42 {
					t.Fatalf("%s %s n=%d: wrote past the end of dst", ks.name, k.name, n)
				}
			}
		}
		want := make([]float64, maxLen)
		for i := range x {
			want[i] = refGELU(float64(x[i] + bias[i]))
		}
		dst := make([]float32, maxLen+1)
		for n := 0; n <= maxLen; n++ {
			dst[n] = 42
			ks.biasGELU(dst[:n], x[:n], bias[:n])
			for i := 0; i < n; i++ {
				if d := math.Abs(float64(dst[i]) - want[i]); d > 1.5e-7*math.Max(1, math.Abs(float64(x[i]+bias[i]))) {
					t.Fatalf("%s biasGELU n=%d: [%d] = %v, want %v", ks.name, n, i, dst[i], want[i])
				}
			}
			if dst[n] != 42 {
				t.Fatalf("%s biasGELU n=%d: wrote past the end of dst", ks.name, n)
			}
		}
	}
}

// TestElementwiseSpecials puts each special value in every lane of a
// 16-float row (all vector blocks, no tail) and checks the result is the
// pure-Go scalar function's, bit for bit (or NaN for NaN); the scalar
// functions' values at the ends are checked against math here too.
func TestElementwiseSpecials(t *testing.T) {
	inf := float32(math.Inf(1))
	specials := []float32{inf, -inf, float32(math.NaN()), 0, float32(math.Copysign(0, -1)), 1e30, -1e30, 200, -200, 88.5, -88.5, 1e-30, -1e-30}
	for _, c := range []struct {
		name string
		f    func(float32) float32
		x    float32
		want float32
	}{
		{"erf", erf32, inf, 1}, {"erf", erf32, -inf, -1}, {"erf", erf32, -1e30, -1},
		{"geluTanh", geluTanh32, inf, inf}, {"geluTanh", geluTanh32, 1e30, 1e30}, {"geluTanh", geluTanh32, -1e30, 0},
		{"silu", silu32, inf, inf}, {"silu", silu32, 1e30, 1e30}, {"silu", silu32, -200, 0},
	} {
		if got := c.f(c.x); got != c.want {
			t.Errorf("scalar %s(%v) = %v, want %v", c.name, c.x, got, c.want)
		}
	}
	for _, ks := range kernelSets() {
		for _, k := range unaryKernels(ks) {
			for _, s := range specials {
				want := k.scalar(s)
				for lane := 0; lane < 16; lane++ {
					x := make([]float32, 16)
					for i := range x {
						x[i] = float32(i) - 7.5
					}
					x[lane] = s
					dst := make([]float32, 16)
					k.vec(dst, x)
					got := dst[lane]
					if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
						t.Fatalf("%s %s(%v) in lane %d = %v, want %v", ks.name, k.name, s, lane, got, want)
					}
					for i, v := range dst {
						if i != lane && v != v {
							t.Fatalf("%s %s: %v in lane %d made lane %d NaN", ks.name, k.name, s, lane, i)
						}
					}
				}
			}
		}
	}
}
