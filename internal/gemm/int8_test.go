// This file tests the int8 path: every int8 kernel against an exact
// reference of the quantised arithmetic, the kernels against each other
// (bit for bit), and the int8 product against the float64 product.

package gemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// refInt8 recomputes C from the definition of the quantisation: w per
// output channel (round to nearest, scale max|w|/127), a per row (scale
// max|a|/127, zero point 128, round half up).
func refInt8(m, n, k int, a, w []float32) []float64 {
	qw := make([]float64, n*k)
	sw := make([]float64, n)
	for j := 0; j < n; j++ {
		var amax float64
		for p := 0; p < k; p++ {
			amax = math.Max(amax, math.Abs(float64(w[j*k+p])))
		}
		if amax == 0 {
			continue
		}
		s := float32(amax) / 127
		sw[j] = float64(s)
		for p := 0; p < k; p++ {
			qw[j*k+p] = math.Round(float64(w[j*k+p] * (1 / s)))
		}
	}
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		var amax float32
		for p := 0; p < k; p++ {
			amax = max(amax, float32(math.Abs(float64(a[i*k+p]))))
		}
		if amax == 0 {
			continue
		}
		sa := float64(amax / 127)
		inv := 127 / amax
		qa := make([]float64, k)
		for p := 0; p < k; p++ {
			qa[p] = math.Floor(float64(float32(a[i*k+p]*inv)+128.5)) - 128
		}
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += qa[p] * qw[j*k+p]
			}
			c[i*n+j] = s * sa * sw[j]
		}
	}
	return c
}

func TestInt8(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	t.Logf("int8 kernels: %d, accelerated: %v", len(qkernels), Int8Accelerated())
	shapes := [][3]int{{1, 1, 1}, {3, 5, 0}, {14, 32, 4}, {15, 33, 5}, {130, 70, 70}, {29, 1536, 384}, {7, 384, 1536}}
	for trial := 0; trial < 60; trial++ {
		shapes = append(shapes, [3]int{1 + r.Intn(70), 1 + r.Intn(70), 1 + r.Intn(70)})
	}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		a := randMat(r, m*k)
		w := randMat(r, n*k)
		if m > 2 {
			for p := 0; p < k; p++ {
				a[k+p] = 0 // an all-zero row
			}
		}
		q := PackInt8(w, n, k)
		want := refInt8(m, n, k, a, w)
		var first []float32
		for ki, kern := range qkernels {
			dst := randMat(r, m*n)
			p := q.product(kern, dst, a, m, Epilogue{})
			p.run(new(scratch), 0, m, 0, panels(n, qnr))
			for i := range want {
				tol := 1e-5 * math.Max(1, math.Abs(want[i])) * math.Sqrt(float64(k+1))
				if math.Abs(float64(dst[i])-want[i]) > tol {
					t.Fatalf("kernel %d m=%d n=%d k=%d: [%d] = %v, want %v", ki, m, n, k, i, dst[i], want[i])
				}
			}
			if first == nil {
				first = dst
			} else {
				for i := range dst {
					if dst[i] != first[i] {
						t.Fatalf("kernel %d differs from the pure-Go one at %d (m=%d n=%d k=%d)", ki, i, m, n, k)
					}
				}
			}
		}
	}
}

// TestInt8Accuracy compares the int8 product with the exact one at a
// transformer shape: the cosine of each output row must stay above 0.999.
func TestInt8Accuracy(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	m, n, k := 20, 384, 384
	a := randMat(r, m*k)
	w := randMat(r, n*k)
	bias := randMat(r, n)
	exact, _ := refABt(m, n, k, a, k, w, k)
	dst := make([]float32, m*n)
	PackInt8(w, n, k).Mul(dst, a, m, Epilogue{})
	worst := 1.0
	for i := 0; i < m; i++ {
		var d, na, nb float64
		for j := 0; j < n; j++ {
			x, y := float64(dst[i*n+j]), exact[i*n+j]
			d += x * y
			na += x * x
			nb += y * y
		}
		worst = math.Min(worst, d/math.Sqrt(na*nb))
	}
	t.Logf("int8 vs exact, worst row cosine %.6f", worst)
	if worst < 0.999 {
		t.Errorf("int8 product row cosine %v < 0.999", worst)
	}
	// Epilogue and workers.
	w2 := NewWorkers(2)
	defer w2.Close()
	par := make([]float32, m*n)
	res := randMat(r, m*n)
	q := PackInt8(w, n, k)
	q.Mul(dst, a, m, Epilogue{Bias: bias, Act: GELU, Residual: res})
	w2.MulInt8(q, par, a, m, Epilogue{Bias: bias, Act: GELU, Residual: res})
	for i := range dst {
		if dst[i] != par[i] {
			t.Fatalf("parallel int8 differs at %d", i)
		}
	}
}

func BenchmarkInt8(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, shape := range [][3]int{{256, 1536, 384}, {256, 384, 1536}, {20, 1536, 384}} {
		m, n, k := shape[0], shape[1], shape[2]
		a := randMat(r, m*k)
		q := PackInt8(randMat(r, n*k), n, k)
		dst := make([]float32, m*n)
		for ki, kern := range qkernels {
			b.Run(fmt.Sprintf("kernel%d/%dx%dx%d", ki, m, k, n), func(b *testing.B) {
				timed(b, 2*float64(m*n*k), func() {
					p := q.product(kern, dst, a, m, Epilogue{})
					s := scratchPool.Get().(*scratch)
					p.run(s, 0, m, 0, panels(n, qnr))
					scratchPool.Put(s)
				})
			})
		}
	}
}

// TestQuantRow checks the quantisation helpers in use against the pure-Go
// ones at every length up to 100 (tails included).
func TestQuantRow(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for n := 1; n <= 100; n++ {
		x := randMat(r, n)
		if got, want := maxAbs(x), maxAbsGeneric(x); got != want {
			t.Fatalf("n=%d: maxAbs %v, want %v", n, got, want)
		}
		inv := 127 / maxAbsGeneric(x)
		size := ((n+3)/4-1)*qmr*4 + 4
		got, want := make([]uint8, size+8), make([]uint8, size+8)
		quantRow(got, x, inv)
		quantRowGeneric(want, x, inv)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("n=%d: byte %d = %d, want %d", n, i, got[i], want[i])
			}
		}
	}
}

// TestInt8Workers checks Workers.MulInt8 against QPacked.Mul bit for bit
// for splits by rows only, by panels only and by both.
func TestInt8Workers(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	w := NewWorkers(3)
	defer w.Close()
	for _, sh := range [][3]int{{1000, 40, 20}, {5, 700, 33}, {300, 100, 64}, {0, 10, 10}, {2000, 70, 24}} {
		m, n, k := sh[0], sh[1], sh[2]
		a := randMat(r, m*k)
		q := PackInt8(randMat(r, n*k), n, k)
		bias := randMat(r, n)
		want := make([]float32, m*n)
		got := make([]float32, m*n)
		q.Mul(want, a, m, Epilogue{Bias: bias, Act: ReLU})
		for rep := 0; rep < 2; rep++ {
			w.MulInt8(q, got, a, m, Epilogue{Bias: bias, Act: ReLU})
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d: [%d] = %v, want %v", m, n, k, i, got[i], want[i])
				}
			}
		}
	}
	m, n, k := 14, 384, 384
	a := randMat(r, m*k)
	q := PackInt8(randMat(r, n*k), n, k)
	dst := make([]float32, m*n)
	w.MulInt8(q, dst, a, m, Epilogue{})
	if got := testing.AllocsPerRun(10, func() { w.MulInt8(q, dst, a, m, Epilogue{}) }); got != 0 {
		t.Errorf("Workers.MulInt8 allocates %v times per call", got)
	}
}
