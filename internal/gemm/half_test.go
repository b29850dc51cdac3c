// This file tests the 16-bit weight path (PackBF16, PackF16): products
// bit-identical to Pack of the same values converted to float32, for every
// kernel family and blocking, parts stacked along n, the AVX2 panel
// conversion against the pure-Go one, and RoundBF16 against torch's
// rounding rule (round to nearest, ties to even) computed in float64.

package gemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// randHalf returns n random bf16 (or f16) values and their float32 values.
func randHalf(r *rand.Rand, n int, kind halfKind) ([]uint16, []float32) {
	h := make([]uint16, n)
	f := make([]float32, n)
	for i := range h {
		x := float32(r.NormFloat64())
		if kind == kindBF16 {
			h[i] = RoundBF16(x)
			f[i] = BF16ToFloat32(h[i])
		} else {
			h[i] = f32ToF16(x)
			f[i] = F16ToFloat32(h[i])
		}
	}
	return h, f
}

// f32ToF16 truncates x to half precision (normal range only; enough to
// make test values).
func f32ToF16(x float32) uint16 {
	b := math.Float32bits(x)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	if exp <= 0 {
		return sign
	}
	return sign | uint16(exp)<<10 | uint16(b>>13&0x3ff)
}

func TestHalfMatchesFloat32(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	for _, kind := range []halfKind{kindBF16, kindF16} {
		for _, im := range testImpls() {
			for trial := 0; trial < 60; trial++ {
				m, k := 1+r.Intn(40), 1+r.Intn(90)
				// One to three parts stacked along n, of sizes that cross
				// panel boundaries and groups of 8 rows.
				var parts [][]uint16
				var wf []float32
				for np := 1 + r.Intn(3); np > 0; np-- {
					h, f := randHalf(r, (1+r.Intn(40))*k, kind)
					parts = append(parts, h)
					wf = append(wf, f...)
				}
				if trial%7 == 0 {
					parts = append(parts, nil) // an empty part is skipped
				}
				n := len(wf) / k
				a := randMat(r, m*k)
				ep := Epilogue{Act: Activation(trial % 4), Bias: randMat(r, n)}
				if trial%2 == 0 {
					ep.Residual = randMat(r, m*n)
				}
				want := make([]float32, m*n)
				packWith(im, wf, n, k).Mul(want, a, m, ep)
				got := make([]float32, m*n)
				p := packHalf(im, kind, k, parts)
				if p.N() != n || p.K() != k || !p.Half() {
					t.Fatalf("PackBF16: n, k = %d, %d, want %d, %d", p.N(), p.K(), n, k)
				}
				p.Mul(got, a, m, ep)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s kind %d m=%d n=%d k=%d: c[%d] = %v, float32 weights give %v", im.name, kind, m, n, k, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestHalfWorkers runs 16-bit products split across workers (each worker
// converts its own panels) against the serial product.
func TestHalfWorkers(t *testing.T) {
	r := rand.New(rand.NewSource(15))
	w := NewWorkers(3)
	defer w.Close()
	for _, shape := range [][3]int{{1, 1536, 384}, {300, 96, 40}, {64, 1024, 1024}, {17, 33, 9}} {
		m, n, k := shape[0], shape[1], shape[2]
		h, f := randHalf(r, n*k, kindBF16)
		a := randMat(r, m*k)
		want := make([]float32, m*n)
		Pack(f, n, k).Mul(want, a, m, Epilogue{})
		got := make([]float32, m*n)
		w.Mul(PackBF16(k, h[:n/2*k], h[n/2*k:]), got, a, m, Epilogue{})
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("m=%d n=%d k=%d: parallel bf16 product differs at %d: %v vs %v", m, n, k, i, got[i], want[i])
			}
		}
	}
}

// TestBF16Panel compares the installed panel conversion (AVX2 where the
// machine has it) with the pure-Go loop, on panels of 16 and 32 columns.
func TestBF16Panel(t *testing.T) {
	r := rand.New(rand.NewSource(16))
	if bf16Panel8 == nil {
		t.Log("no assembly bf16 panel conversion at this kernel level; the pure-Go one is tested by TestHalfMatchesFloat32")
	}
	for _, nr := range []int{4, 8, 16, 32} {
		for _, kb := range []int{1, 7, 8, 9, 64, 100} {
			ld := kb + r.Intn(20)
			n := nr + r.Intn(nr) // rows beyond the panel exist
			h, _ := randHalf(r, n*ld, kindBF16)
			src := &halfSrc{kind: kindBF16, k: ld, parts: []halfPart{{w: h, n: n}}}
			for _, j0 := range []int{0, n - nr/2} {
				got := randMat(r, kb*nr)
				src.panel(got, j0, nr, ld-kb, kb)
				for p := 0; p < kb; p++ {
					for j := 0; j < nr; j++ {
						want := float32(0)
						if j0+j < n {
							want = BF16ToFloat32(h[(j0+j)*ld+ld-kb+p])
						}
						if got[p*nr+j] != want {
							t.Fatalf("nr=%d kb=%d j0=%d: panel[%d][%d] = %v, want %v", nr, kb, j0, p, j, got[p*nr+j], want)
						}
					}
				}
			}
		}
	}
}

// TestRoundBF16 checks round-to-nearest-even against a float64 reference:
// the nearest of the two bf16 neighbours, the even one on a tie.
func TestRoundBF16(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	vals := []float32{0, 1, -1, 1.00390625, 1.01171875, 3.4e38, float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40}
	for i := 0; i < 100000; i++ {
		vals = append(vals, math.Float32frombits(r.Uint32()))
	}
	for _, x := range vals {
		got := RoundBF16(x)
		if x != x {
			if g := BF16ToFloat32(got); g == g {
				t.Fatalf("RoundBF16(NaN) = %v", g)
			}
			continue
		}
		b := math.Float32bits(x)
		lo := b &^ 0xffff
		hi := lo + 0x10000
		want := lo
		if !math.IsInf(float64(x), 0) {
			lv := float64(math.Float32frombits(lo))
			hv := float64(math.Float32frombits(hi))
			if math.IsInf(hv, 0) { // rounding up overflows: compare with 2^128
				hv = math.Copysign(math.Ldexp(1, 128), lv)
			}
			dl, dh := math.Abs(float64(x)-lv), math.Abs(hv-float64(x))
			if dh < dl || (dh == dl && (lo>>16)&1 == 1) {
				want = hi
			}
		}
		if uint32(got)<<16 != want {
			t.Fatalf("RoundBF16(%v = %#x) = %#x, want %#x", x, b, got, want>>16)
		}
	}
}

func TestPackHalfPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"k=0":        func() { PackBF16(0, make([]uint16, 4)) },
		"ragged":     func() { PackBF16(3, make([]uint16, 4)) },
		"ragged f16": func() { PackF16(3, make([]uint16, 5)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func ExamplePackBF16() {
	// A 2×3 weight matrix in bfloat16 (1, 2, 3; 4, 5, 6), as a bf16
	// safetensors file holds it, used in place.
	w := []uint16{0x3f80, 0x4000, 0x4040, 0x4080, 0x40a0, 0x40c0}
	p := PackBF16(3, w)
	a := []float32{1, 1, 1}
	c := make([]float32, 2)
	p.Mul(c, a, 1, Epilogue{})
	fmt.Println(c)
	// Output: [6 15]
}

// BenchmarkMulHalf compares a product with bf16 weights (converted per
// panel) with the same product on float32 panels, at a Qwen3-0.6B shape.
func BenchmarkMulHalf(b *testing.B) {
	r := rand.New(rand.NewSource(18))
	m, n, k := 256, 3072, 1024
	h, f := randHalf(r, n*k, kindBF16)
	a := randMat(r, m*k)
	c := make([]float32, m*n)
	for _, bc := range []struct {
		name string
		p    *Packed
	}{{"f32", Pack(f, n, k)}, {"bf16", PackBF16(k, h)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(2 * m * n * k)) // "bytes" = FLOP
			for i := 0; i < b.N; i++ {
				bc.p.Mul(c, a, m, Epilogue{})
			}
		})
	}
}
