// This file tests the exported functions on every implementation level:
// argument checks (panics), Normalize's errors, and the float64 fallbacks
// of Norm, Cosine and Normalize.

package similarity

import (
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", name)
		}
	}()
	f()
}

func TestLengthMismatchPanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	mustPanic(t, "Dot", func() { Dot(a, b) })
	mustPanic(t, "SquaredL2", func() { SquaredL2(a, b) })
	mustPanic(t, "Cosine", func() { Cosine(a, b) })
	mustPanic(t, "DotInt8", func() { DotInt8(make([]int8, 1), nil) })
	mustPanic(t, "Hamming", func() { Hamming(make([]uint64, 2), make([]uint64, 1)) })
	q := make([]float32, 4)
	mustPanic(t, "DotBatch rows not a multiple", func() { DotBatch(make([]float32, 2), q, make([]float32, 9)) })
	mustPanic(t, "DotBatch dst short", func() { DotBatch(make([]float32, 1), q, make([]float32, 8)) })
	mustPanic(t, "DotBatch empty query", func() { DotBatch(nil, nil, make([]float32, 8)) })
	mustPanic(t, "SquaredL2Batch dst short", func() { SquaredL2Batch(nil, q, make([]float32, 4)) })
}

func TestExportedMatchReference(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(9))
		for _, n := range []int{0, 1, 5, 31, 128, 384, 385, 1024} {
			a, b := make([]float32, n), make([]float32, n)
			valueKinds[0].fill(r, a, b)
			want, sumAbs := refDot(a, b)
			if got := Dot(a, b); math.Abs(float64(got)-want) > dotBound(n, sumAbs) {
				t.Errorf("n=%d: Dot = %g, want %g", n, got, want)
			}
			wl2 := refSquaredL2(a, b)
			if got := SquaredL2(a, b); math.Abs(float64(got)-wl2) > l2Bound(n, wl2) {
				t.Errorf("n=%d: SquaredL2 = %g, want %g", n, got, wl2)
			}
			aa, _ := refDot(a, a)
			bb, _ := refDot(b, b)
			if got, w := Norm(a), math.Sqrt(aa); math.Abs(float64(got)-w) > 1e-6*w {
				t.Errorf("n=%d: Norm = %g, want %g", n, got, w)
			}
			wc := 0.0
			if n > 0 {
				wc = want / math.Sqrt(aa*bb)
			}
			// |error| <= (ε_ab + ε_aa/2 + ε_bb/2)(1+|cos|) with ε the
			// relative dot bound, by Cauchy-Schwarz.
			if got := Cosine(a, b); math.Abs(float64(got)-wc) > 3*dotBound(n, 1)+1e-7 {
				t.Errorf("n=%d: Cosine = %g, want %g", n, got, wc)
			}
			// dst longer than the number of rows: the rest is untouched.
			rows := append(append([]float32(nil), a...), b...)
			dst := []float32{7, 7, 7}
			DotBatch(dst, a, rows)
			if n > 0 && (math.Abs(float64(dst[0])-aa) > dotBound(n, aa) || math.Abs(float64(dst[1])-want) > dotBound(n, sumAbs) || dst[2] != 7) {
				t.Errorf("n=%d: DotBatch = %v, want [%g %g 7]", n, dst, aa, want)
			}
			SquaredL2Batch(dst, a, rows)
			if n > 0 && (dst[0] != 0 || math.Abs(float64(dst[1])-wl2) > l2Bound(n, wl2) || dst[2] != 7) {
				t.Errorf("n=%d: SquaredL2Batch = %v, want [0 %g 7]", n, dst, wl2)
			}
		}
		if got := DotInt8([]int8{-128, 127, 3}, []int8{-128, 2, -5}); got != 16384+254-15 {
			t.Errorf("DotInt8 = %d", got)
		}
		if got := Hamming([]uint64{0xff, 1}, []uint64{0x0f, 0}); got != 5 {
			t.Errorf("Hamming = %d, want 5", got)
		}
	})
}

func TestNormalize(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(10))
		cases := map[string]func(n int) []float32{
			"uniform": func(n int) []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				return v
			},
			// Squares overflow float32: the float64 path must take over.
			"huge": func(n int) []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = signed(r, math.MaxFloat32*(0.5+r.Float64()/2))
				}
				return v
			},
			// Squares underflow to zero in float32.
			"subnormal": func(n int) []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = signed(r, math.Ldexp(1+r.Float64(), -140))
				}
				return v
			},
			"one": func(n int) []float32 {
				v := make([]float32, n)
				v[n-1] = -3
				return v
			},
		}
		for name, gen := range cases {
			for _, n := range []int{1, 2, 17, 384, 1100} {
				v := gen(n)
				orig := append([]float32(nil), v...)
				if err := Normalize(v); err != nil {
					t.Fatalf("%s n=%d: %v", name, n, err)
				}
				var ss float64
				for _, x := range v {
					ss += float64(x) * float64(x)
				}
				if math.Abs(math.Sqrt(ss)-1) > 1e-6 {
					t.Errorf("%s n=%d: norm after Normalize = %.9f", name, n, math.Sqrt(ss))
				}
				// Direction is kept: every ratio v[i]/orig[i] is the same.
				k := float64(v[0]) / float64(orig[0])
				for i := range v {
					if orig[i] != 0 && math.Abs(float64(v[i])/float64(orig[i])/k-1) > 1e-6 {
						t.Fatalf("%s n=%d: component %d changed direction", name, n, i)
					}
				}
				// Norm agrees with the scale Normalize applied, where the
				// norm itself fits float32 (else it is +Inf); a subnormal
				// norm is only good to its last place.
				wantNorm := float64(orig[0]) / float64(v[0])
				if got := Norm(orig); wantNorm > math.MaxFloat32 && !math.IsInf(float64(got), 1) ||
					wantNorm <= math.MaxFloat32 && math.Abs(float64(got)-wantNorm) > math.Max(1e-6*wantNorm, 0x1p-149) {
					t.Errorf("%s n=%d: Norm = %g, inconsistent with Normalize", name, n, got)
				}
			}
		}
	})
}

func TestNormalizeErrors(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	forEachLevel(t, func(t *testing.T) {
		for _, c := range []struct {
			name string
			v    []float32
			want string
		}{
			{"empty", []float32{}, "zero vector"},
			{"zero", make([]float32, 384), "zero vector"},
			{"negative zero", []float32{float32(math.Copysign(0, -1)), 0}, "zero vector"},
			{"NaN", []float32{1, nan, 2}, "NaN or Inf"},
			{"NaN first", append([]float32{nan}, make([]float32, 40)...), "NaN or Inf"},
			{"+Inf", []float32{1, inf}, "NaN or Inf"},
			{"-Inf", []float32{-inf, 0, 0}, "NaN or Inf"},
			{"Inf and NaN", []float32{inf, nan}, "NaN or Inf"},
		} {
			orig := append([]float32(nil), c.v...)
			err := Normalize(c.v)
			if !errors.Is(err, errs.ErrInvalidVector) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: Normalize error = %v, want ErrInvalidVector saying %q", c.name, err, c.want)
			}
			for i := range orig {
				if math.Float32bits(orig[i]) != math.Float32bits(c.v[i]) {
					t.Errorf("%s: Normalize changed v on error", c.name)
					break
				}
			}
		}
	})
}

func TestCosineEdgeCases(t *testing.T) {
	nan := float32(math.NaN())
	forEachLevel(t, func(t *testing.T) {
		big := float32(1e30)
		for _, c := range []struct {
			name string
			a, b []float32
			want float64 // NaN means NaN
		}{
			{"empty", nil, nil, 0},
			{"zero a", []float32{0, 0}, []float32{1, 2}, 0},
			{"zero b", []float32{1, 2}, []float32{0, 0}, 0},
			{"parallel", []float32{1, 2, 3}, []float32{2, 4, 6}, 1},
			{"antiparallel", []float32{1, 2, 3}, []float32{-3, -6, -9}, -1},
			{"orthogonal", []float32{1, 0}, []float32{0, 5}, 0},
			{"huge", []float32{big, big}, []float32{big, -big / 2}, 0.5 / math.Sqrt(2*1.25)},
			{"tiny", []float32{1e-40, 1e-40}, []float32{3e-41, 3e-41}, 1},
			{"NaN", []float32{nan, 1}, []float32{1, 1}, math.NaN()},
		} {
			got := float64(Cosine(c.a, c.b))
			if math.IsNaN(c.want) {
				if !math.IsNaN(got) {
					t.Errorf("%s: Cosine = %g, want NaN", c.name, got)
				}
				continue
			}
			if math.Abs(got-c.want) > 1e-6 {
				t.Errorf("%s: Cosine = %g, want %g", c.name, got, c.want)
			}
		}
		// A vector with itself is clamped to exactly 1, never above.
		r := rand.New(rand.NewSource(11))
		for n := 1; n < 300; n++ {
			a := make([]float32, n)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			if c := Cosine(a, a); c > 1 || c < 0.999999 {
				t.Fatalf("n=%d: Cosine(a, a) = %.9f", n, c)
			}
		}
	})
}

func TestNormHugeAndTiny(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		if got, want := Norm([]float32{3e30, 4e30}), float32(5e30); math.Abs(float64(got-want)) > 1e24 {
			t.Errorf("Norm huge = %g, want %g", got, want)
		}
		if got, want := Norm([]float32{3e-40, 4e-40}), 5e-40; math.Abs(float64(got)-want) > 1e-44 {
			t.Errorf("Norm subnormal = %g, want %g", got, want)
		}
		if got := Norm([]float32{math.MaxFloat32, math.MaxFloat32}); !math.IsInf(float64(got), 1) {
			t.Errorf("Norm beyond float32 = %g, want +Inf", got)
		}
		if got := Norm(nil); got != 0 {
			t.Errorf("Norm(nil) = %g", got)
		}
	})
}
