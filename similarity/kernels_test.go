// This file runs every implementation available on this machine (AVX-512,
// AVX2 and portable Go on amd64; portable Go with the purego tag) through
// the same table: every kernel, every length 0..1100, every value kind,
// against the float64 reference.

package similarity

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

const maxTestLen = 1100

// testLengths is every length 0..maxTestLen, or under the race detector
// (which makes each access ~10x slower and adds nothing to single-threaded
// kernels) every length up to 130 and every 7th above it.
func testLengths() []int {
	var ns []int
	for n := 0; n <= maxTestLen; n++ {
		if !raceEnabled || n <= 130 || n%7 == 0 || n == maxTestLen {
			ns = append(ns, n)
		}
	}
	return ns
}

func TestImplementations(t *testing.T) {
	ks := available()
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.name
	}
	t.Logf("implementations tested: %v; in use: %s", names, Implementation())
	if ks[0].name != "generic" {
		t.Fatalf("first implementation is %q, want generic", ks[0].name)
	}
}

// forKernels runs f as a subtest for each available implementation.
func forKernels(t *testing.T, f func(t *testing.T, k kernels)) {
	for _, k := range available() {
		t.Run(k.name, func(t *testing.T) { f(t, k) })
	}
}

func TestDotKernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(1))
		buf := make([]float32, 2*(maxTestLen+1))
		for _, vk := range valueKinds {
			for _, n := range testLengths() {
				// Offset by n%3 elements so the data is not always aligned.
				off := n % 3
				a, b := buf[off:off+n], buf[maxTestLen+1:][:n]
				vk.fill(r, a, b)
				want, sumAbs := refDot(a, b)
				got := k.dot(a, b)
				if d := math.Abs(float64(got) - want); !(d <= dotBound(n, sumAbs)) {
					t.Fatalf("%s n=%d: dot = %g, want %g (err %g > bound %g)", vk.name, n, got, want, d, dotBound(n, sumAbs))
				}
			}
		}
	})
}

func TestSquaredL2Kernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(2))
		for _, vk := range valueKinds {
			for _, n := range testLengths() {
				a, b := make([]float32, n), make([]float32, n)
				vk.fill(r, a, b)
				want := refSquaredL2(a, b)
				got := k.squaredL2(a, b)
				if d := math.Abs(float64(got) - want); !(d <= l2Bound(n, want)) {
					t.Fatalf("%s n=%d: squaredL2 = %g, want %g (err %g)", vk.name, n, got, want, d)
				}
				if n > 0 && k.squaredL2(a, a) != 0 {
					t.Fatalf("%s n=%d: squaredL2(a, a) = %g, want 0", vk.name, n, k.squaredL2(a, a))
				}
			}
		}
	})
}

func TestCosineKernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(3))
		for _, vk := range valueKinds {
			for _, n := range testLengths() {
				a, b := make([]float32, n), make([]float32, n)
				vk.fill(r, a, b)
				ab, aa, bb, c := k.cosine(a, b)
				wab, sab := refDot(a, b)
				waa, _ := refDot(a, a)
				wbb, _ := refDot(b, b)
				if safeSquares(aa) && safeSquares(bb) {
					wc := wab / math.Sqrt(waa*wbb)
					if d := math.Abs(float64(c) - wc); !(d <= 3*dotBound(n, 1)+1e-7) || c > 1 || c < -1 {
						t.Fatalf("%s n=%d: c = %g, want %g (err %g)", vk.name, n, c, wc, d)
					}
				}
				for _, c := range []struct {
					name      string
					got       float32
					want, abs float64
				}{{"a·b", ab, wab, sab}, {"a·a", aa, waa, waa}, {"b·b", bb, wbb, wbb}} {
					if d := math.Abs(float64(c.got) - c.want); !(d <= dotBound(n, c.abs)) {
						t.Fatalf("%s n=%d: %s = %g, want %g (err %g)", vk.name, n, c.name, c.got, c.want, d)
					}
				}
			}
		}
	})
}

func TestScaleKernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(4))
		for _, n := range testLengths() {
			buf := make([]float32, n+20)
			for i := range buf {
				buf[i] = float32(r.NormFloat64())
			}
			orig := append([]float32(nil), buf...)
			s := float32(r.NormFloat64())
			v := buf[3 : 3+n]
			k.scale(v, s)
			for i := range buf {
				want := orig[i]
				if i >= 3 && i < 3+n {
					want = orig[i] * s
				}
				if buf[i] != want {
					t.Fatalf("n=%d: element %d = %g, want %g (writes outside v?)", n, i-3, buf[i], want)
				}
			}
		}
	})
}

// batchCase checks one batch kernel on n rows of dimension d, with sentinels
// around dst to catch stray writes.
func batchCase(t *testing.T, r *rand.Rand, k kernels, l2 bool, d, n int, vk valueKind) {
	t.Helper()
	q := make([]float32, d)
	rows := make([]float32, n*d)
	tmp := make([]float32, d)
	for i := 0; i < n; i++ {
		vk.fill(r, q, tmp) // q is refilled; keep the last one
		copy(rows[i*d:], tmp)
	}
	vk.fill(r, q, tmp)
	const sentinel = float32(-12345.5)
	dstBuf := make([]float32, n+8)
	for i := range dstBuf {
		dstBuf[i] = sentinel
	}
	dst := dstBuf[4 : 4+n]
	name := "dotBatch"
	if l2 {
		name = "squaredL2Batch"
		k.squaredL2Batch(dst, q, rows)
	} else {
		k.dotBatch(dst, q, rows)
	}
	for i := 0; i < n; i++ {
		row := rows[i*d : (i+1)*d]
		var want, bound float64
		if l2 {
			want = refSquaredL2(q, row)
			bound = l2Bound(d, want)
		} else {
			var sumAbs float64
			want, sumAbs = refDot(q, row)
			bound = dotBound(d, sumAbs)
		}
		if e := math.Abs(float64(dst[i]) - want); !(e <= bound) {
			t.Fatalf("%s %s d=%d n=%d row %d: got %g, want %g (err %g)", name, vk.name, d, n, i, dst[i], want, e)
		}
	}
	for i := range dstBuf {
		if (i < 4 || i >= 4+n) && dstBuf[i] != sentinel {
			t.Fatalf("%s d=%d n=%d: wrote outside dst at %d", name, d, n, i-4)
		}
	}
}

func TestBatchKernels(t *testing.T) {
	streamVariants(t, testBatchKernels)
}

func testBatchKernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(5))
		for _, l2 := range []bool{false, true} {
			// Every dimension 0..1100, with 1..9 rows (groups of four plus
			// every leftover count).
			for _, d := range testLengths() {
				vk := valueKinds[d%len(valueKinds)]
				batchCase(t, r, k, l2, d, 1+d%9, vk)
			}
			// Every row count 0..13 on a few dimensions.
			for _, d := range []int{1, 15, 16, 17, 33, 384} {
				for n := 0; n <= 13; n++ {
					batchCase(t, r, k, l2, d, n, valueKinds[0])
				}
			}
		}
	})
}

func TestDotInt8Kernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(6))
		fills := []struct {
			name string
			f    func() int8
		}{
			{"random", func() int8 { return int8(r.Intn(256) - 128) }},
			{"min", func() int8 { return -128 }},
			{"max", func() int8 { return 127 }},
			{"extremes", func() int8 { return []int8{-128, 127, -1, 1, 0}[r.Intn(5)] }},
		}
		for _, fl := range fills {
			for _, n := range testLengths() {
				a, b := make([]int8, n), make([]int8, n)
				for i := range a {
					a[i], b[i] = fl.f(), fl.f()
				}
				if got, want := k.dotInt8(a, b), refDotInt8(a, b); got != want {
					t.Fatalf("%s n=%d: dotInt8 = %d, want %d", fl.name, n, got, want)
				}
			}
		}
		// Past 2^17 elements of -128·-128 the sum wraps; every
		// implementation must wrap the same way.
		n := 1<<17 + 37
		a, b := make([]int8, n), make([]int8, n)
		for i := range a {
			a[i], b[i] = -128, -128
		}
		if got, want := k.dotInt8(a, b), refDotInt8(a, b); got != want {
			t.Fatalf("overflowing n=%d: dotInt8 = %d, want %d", n, got, want)
		}
	})
}

func TestHammingKernels(t *testing.T) {
	forKernels(t, func(t *testing.T, k kernels) {
		r := rand.New(rand.NewSource(7))
		for _, n := range testLengths() {
			a, b := make([]uint64, n), make([]uint64, n)
			for i := range a {
				a[i], b[i] = r.Uint64(), r.Uint64()
				if i%5 == 0 {
					b[i] = ^a[i] // all 64 bits differ
				}
			}
			if got, want := k.hamming(a, b), refHamming(a, b); got != want {
				t.Fatalf("n=%d: hamming = %d, want %d", n, got, want)
			}
			if got := k.hamming(a, a); got != 0 {
				t.Fatalf("n=%d: hamming(a, a) = %d", n, got)
			}
		}
	})
}

// TestKernelsAgreeOnSpecialValues checks NaN and Inf propagation, which the
// error bound does not cover.
func TestKernelsAgreeOnSpecialValues(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	forKernels(t, func(t *testing.T, k kernels) {
		for _, n := range []int{1, 7, 16, 33, 100} {
			for _, pos := range []int{0, n / 2, n - 1} {
				a, b := make([]float32, n), make([]float32, n)
				for i := range a {
					a[i], b[i] = 1, 1
				}
				a[pos] = nan
				if got := k.dot(a, b); !math.IsNaN(float64(got)) {
					t.Errorf("n=%d pos=%d: dot with NaN = %g", n, pos, got)
				}
				a[pos] = inf
				if got := k.dot(a, b); !math.IsInf(float64(got), 1) {
					t.Errorf("n=%d pos=%d: dot with +Inf = %g", n, pos, got)
				}
				if got := k.squaredL2(a, b); !math.IsInf(float64(got), 1) {
					t.Errorf("n=%d pos=%d: squaredL2 with +Inf = %g", n, pos, got)
				}
			}
		}
	})
}

func ExampleImplementation() {
	impl := Implementation()
	fmt.Println(impl == "avx512" || impl == "avx2" || impl == "dotprod" || impl == "neon" || impl == "generic")
	// Output: true
}
