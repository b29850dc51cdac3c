// This file tests every product against a float64 reference, for every
// micro-kernel family this machine runs (the pure-Go one always).

package gemm

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func randMat(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// refABt returns the float64 product a·bᵀ and, per element, Σ|a||b| (the
// scale of its rounding error).
func refABt(m, n, k int, a []float32, lda int, b []float32, ldb int) (c, mag []float64) {
	c = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, t float64
			for p := 0; p < k; p++ {
				x := float64(a[i*lda+p]) * float64(b[j*ldb+p])
				s += x
				t += math.Abs(x)
			}
			c[i*n+j], mag[i*n+j] = s, t
		}
	}
	return c, mag
}

func refAct(act Activation, x float64) float64 {
	switch act {
	case GELU:
		return 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
	case GELUTanh:
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
	case ReLU:
		return math.Max(x, 0)
	case SiLU:
		return x / (1 + math.Exp(-x))
	}
	return x
}

// check compares got (row stride ldc) with want (row stride n).
func check(t *testing.T, what string, got []float32, ldc int, want, mag []float64, m, n int) {
	t.Helper()
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			g := float64(got[i*ldc+j])
			w := want[i*n+j]
			tol := 4e-6*mag[i*n+j] + 1e-6
			if math.IsNaN(g) || math.Abs(g-w) > tol {
				t.Fatalf("%s: c[%d][%d] = %v, want %v (tol %g)", what, i, j, g, w, tol)
			}
		}
	}
}

// testImpls returns the kernel families to test: each one this machine
// runs, and each again with tiny cache blocks so that k blocking, row
// blocking, column blocking and partial blocks are exercised on small
// shapes.
func testImpls() []*kernelImpl {
	var out []*kernelImpl
	for _, im := range impls {
		out = append(out, im)
		small := *im
		small.name += "-smallblocks"
		small.kc = 5
		small.mc = 2 * im.mr
		small.nc = 0
		out = append(out, &small)
		cols := small
		cols.name = im.name + "-smallcolumns"
		cols.nc = 2 * im.nr
		out = append(out, &cols)
	}
	return out
}

func TestKernelsAvailable(t *testing.T) {
	var names []string
	for _, im := range impls {
		names = append(names, im.name)
	}
	t.Logf("kernels: %v, Pack uses %s", names, KernelName())
	if impls[0] != genericImpl {
		t.Fatal("the pure-Go kernel must always be tested")
	}
}

func TestMulRandomShapes(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, im := range testImpls() {
		for trial := 0; trial < 150; trial++ {
			m, n, k := 1+r.Intn(70), 1+r.Intn(70), 1+r.Intn(70)
			if trial < 3 {
				k = 0 + trial // k = 0, 1, 2
			}
			a := randMat(r, m*k)
			w := randMat(r, n*k)
			ep := Epilogue{Act: Activation(trial % 5)}
			if trial%3 != 0 {
				ep.Bias = randMat(r, n)
			}
			if trial%5 != 0 {
				ep.Residual = randMat(r, m*n)
			}
			want, mag := refABt(m, n, k, a, k, w, k)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					x := want[i*n+j]
					if ep.Bias != nil {
						x += float64(ep.Bias[j])
						mag[i*n+j] += math.Abs(float64(ep.Bias[j]))
					}
					x = refAct(ep.Act, x)
					if ep.Residual != nil {
						x += float64(ep.Residual[i*n+j])
					}
					want[i*n+j] = x
				}
			}
			p := packWith(im, w, n, k)
			dst := randMat(r, m*n) // garbage that must be overwritten
			p.Mul(dst, a, m, ep)
			check(t, fmt.Sprintf("%s m=%d n=%d k=%d ep=%+v", im.name, m, n, k, ep.Act), dst, n, want, mag, m, n)
		}
	}
}

func TestMulRealShapes(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	dims := []int{384, 768, 1024, 1152, 1536, 3072, 4096}
	for _, im := range impls {
		for i, k := range dims {
			n := dims[(i+3)%len(dims)]
			if testing.Short() && k*n > 1536*1536 {
				continue
			}
			m := []int{1, 7, 29}[i%3]
			a := randMat(r, m*k)
			w := randMat(r, n*k)
			want, mag := refABt(m, n, k, a, k, w, k)
			dst := make([]float32, m*n)
			packWith(im, w, n, k).Mul(dst, a, m, Epilogue{})
			check(t, fmt.Sprintf("%s m=%d n=%d k=%d", im.name, m, n, k), dst, n, want, mag, m, n)
		}
	}
}

func TestAttentionProducts(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, im := range testImpls() {
		for trial := 0; trial < 60; trial++ {
			m, n, k := 1+r.Intn(70), 1+r.Intn(70), 1+r.Intn(70)
			lda, ldb, ldc := k+r.Intn(9), k+r.Intn(9), n+r.Intn(9)
			a := randMat(r, (m-1)*lda+k)
			b := randMat(r, (n-1)*ldb+k)
			c := randMat(r, (m-1)*ldc+n)
			s := new(scratch)
			pr := prepABt(im, s, m, n, k, a, lda, b, ldb, c, ldc)
			pr.run(s, 0, m, 0, panels(n, im.nr))
			want, mag := refABt(m, n, k, a, lda, b, ldb)
			check(t, fmt.Sprintf("%s ABt m=%d n=%d k=%d", im.name, m, n, k), c, ldc, want, mag, m, n)

			// A·B with B = the transpose of b, stored k×n with stride ldbt.
			ldbt := n + r.Intn(9)
			bt := make([]float32, (k-1)*ldbt+n)
			for j := 0; j < n; j++ {
				for p := 0; p < k; p++ {
					bt[p*ldbt+j] = b[j*ldb+p]
				}
			}
			c2 := randMat(r, (m-1)*ldc+n)
			pr = prepAB(im, s, m, n, k, a, lda, bt, ldbt, c2, ldc)
			pr.run(s, 0, m, 0, panels(n, im.nr))
			check(t, fmt.Sprintf("%s AB m=%d n=%d k=%d", im.name, m, n, k), c2, ldc, want, mag, m, n)
		}
	}
	// The exported entry points use the best kernel.
	m, n, k := 13, 40, 32
	a := randMat(r, m*64)
	b := randMat(r, n*64)
	c := make([]float32, m*n)
	MulABt(m, n, k, a[8:], 64, b[8:], 64, c, n)
	want, mag := refABt(m, n, k, a[8:], 64, b[8:], 64)
	check(t, "MulABt", c, n, want, mag, m, n)
}

func TestWorkers(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	w := NewWorkers(3)
	defer w.Close()
	for _, shape := range [][3]int{{1, 1536, 384}, {5, 384, 1536}, {300, 96, 40}, {64, 1536, 384}, {17, 33, 9}, {2000, 70, 24}} {
		m, n, k := shape[0], shape[1], shape[2]
		a := randMat(r, m*k)
		wt := randMat(r, n*k)
		bias := randMat(r, n)
		p := Pack(wt, n, k)
		serial := make([]float32, m*n)
		par := make([]float32, m*n)
		p.Mul(serial, a, m, Epilogue{Bias: bias, Act: GELU})
		w.Mul(p, par, a, m, Epilogue{Bias: bias, Act: GELU})
		for i := range serial {
			if serial[i] != par[i] {
				t.Fatalf("m=%d n=%d k=%d: parallel result differs at %d: %v vs %v", m, n, k, i, par[i], serial[i])
			}
		}
		c1 := make([]float32, m*m)
		c2 := make([]float32, m*m)
		MulABt(m, m, k, a, k, a, k, c1, m)
		w.MulABt(m, m, k, a, k, a, k, c2, m)
		for i := range c1 {
			if c1[i] != c2[i] {
				t.Fatalf("parallel MulABt differs")
			}
		}
		o1 := make([]float32, m*k)
		o2 := make([]float32, m*k)
		MulAB(m, k, m, c1, m, a, k, o1, k)
		w.MulAB(m, k, m, c1, m, a, k, o2, k)
		for i := range o1 {
			if o1[i] != o2[i] {
				t.Fatalf("parallel MulAB differs")
			}
		}
	}
	hits := make([]int, 100)
	w.For(100, func(worker, i int) { hits[i]++ })
	for i, h := range hits {
		if h != 1 {
			t.Fatalf("For ran index %d %d times", i, h)
		}
	}
}

// TestConcurrentUse runs several goroutines, each with its own Workers,
// over one shared Packed (run with -race).
func TestConcurrentUse(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	m, n, k := 40, 200, 96
	wt := randMat(r, n*k)
	p := Pack(wt, n, k)
	a := randMat(r, m*k)
	want := make([]float32, m*n)
	p.Mul(want, a, m, Epilogue{})
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			w := NewWorkers(2)
			defer w.Close()
			dst := make([]float32, m*n)
			for it := 0; it < 5; it++ {
				if g%2 == 0 {
					w.Mul(p, dst, a, m, Epilogue{})
				} else {
					p.Mul(dst, a, m, Epilogue{})
				}
				for i := range dst {
					if dst[i] != want[i] {
						errs <- fmt.Sprintf("goroutine %d: result differs at %d", g, i)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func TestSteadyStateAllocs(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	m, n, k := 20, 384, 384
	p := Pack(randMat(r, n*k), n, k)
	a := randMat(r, m*k)
	dst := make([]float32, m*n)
	bias := randMat(r, n)
	w := NewWorkers(2)
	defer w.Close()
	w.Mul(p, dst, a, m, Epilogue{Bias: bias, Act: GELU})
	w.MulABt(m, m, 32, a, k, a, k, dst, m)
	if got := testing.AllocsPerRun(20, func() {
		w.Mul(p, dst, a, m, Epilogue{Bias: bias, Act: GELU})
		w.MulABt(m, m, 32, a, k, a, k, dst, m)
	}); got != 0 {
		t.Errorf("Workers.Mul allocates %v times per call", got)
	}
}

func TestPanicsOnBadShapes(t *testing.T) {
	p := Pack(make([]float32, 6), 2, 3)
	for name, f := range map[string]func(){
		"short a":    func() { p.Mul(make([]float32, 4), make([]float32, 5), 2, Epilogue{}) },
		"short dst":  func() { p.Mul(make([]float32, 3), make([]float32, 6), 2, Epilogue{}) },
		"short bias": func() { p.Mul(make([]float32, 4), make([]float32, 6), 2, Epilogue{Bias: []float32{1}}) },
		"short w":    func() { Pack(make([]float32, 5), 2, 3) },
		"bad ld":     func() { MulABt(2, 2, 3, make([]float32, 6), 2, make([]float32, 6), 3, make([]float32, 4), 2) },
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

// TestMulInPlaceResidual checks dst += a·wᵀ + bias with Residual = dst,
// for every kernel family (small blocks included, so k is split).
func TestMulInPlaceResidual(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	for _, im := range testImpls() {
		for trial := 0; trial < 30; trial++ {
			m, n, k := 1+r.Intn(40), 1+r.Intn(70), r.Intn(40) // k = 0 too
			a := randMat(r, m*k)
			w := randMat(r, n*k)
			bias := randMat(r, n)
			h := randMat(r, m*n)
			want, mag := refABt(m, n, k, a, k, w, k)
			for i := range want {
				want[i] += float64(bias[i%n]) + float64(h[i])
				mag[i] += math.Abs(float64(bias[i%n])) + math.Abs(float64(h[i]))
			}
			packWith(im, w, n, k).Mul(h, a, m, Epilogue{Bias: bias, Residual: h})
			check(t, fmt.Sprintf("%s in place m=%d n=%d k=%d", im.name, m, n, k), h, n, want, mag, m, n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("in-place residual with an activation did not panic")
		}
	}()
	h := make([]float32, 4)
	Pack(make([]float32, 4), 2, 2).Mul(h, make([]float32, 4), 2, Epilogue{Act: GELU, Residual: h})
}

// TestPackBt compares the packBt in use (gathers on AVX-512) with the
// pure-Go one, including partial last panels and row strides > k.
func TestPackBt(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for trial := 0; trial < 200; trial++ {
		n, k := 1+r.Intn(80), r.Intn(50)
		ldb := k + r.Intn(5)
		if ldb == 0 {
			ldb = 1
		}
		b := randMat(r, (n-1)*ldb+k)
		size := panels(n, 32) * 32 * k
		got, want := randMat(r, size), randMat(r, size)
		packBt(got, b, ldb, n, k, 32)
		packBtGeneric(want, b, ldb, n, k, 32)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("n=%d k=%d ldb=%d: [%d] = %v, want %v", n, k, ldb, i, got[i], want[i])
			}
		}
	}
}

// TestWorkerProducts runs per-head attention products inside For with each
// worker's scratch: the results equal the package-level products, and a
// warm Workers allocates nothing.
func TestWorkerProducts(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	const heads, d, seq = 6, 32, 23
	hidden := heads * d
	q, k := randMat(r, seq*hidden), randMat(r, seq*hidden)
	for _, n := range []int{1, 2, 3} {
		w := NewWorkers(n)
		scores := make([][]float32, n)
		for i := range scores {
			scores[i] = make([]float32, seq*seq)
		}
		got, want := make([]float32, seq*hidden), make([]float32, seq*hidden)
		for h := 0; h < heads; h++ {
			s := make([]float32, seq*seq)
			MulABt(seq, seq, d, q[h*d:], hidden, k[h*d:], hidden, s, seq)
			MulAB(seq, d, seq, s, seq, k[h*d:], hidden, want[h*d:], hidden)
		}
		run := func() {
			w.For(heads, func(worker, h int) {
				s := scores[worker]
				w.WorkerMulABt(worker, seq, seq, d, q[h*d:], hidden, k[h*d:], hidden, s, seq)
				w.WorkerMulAB(worker, seq, d, seq, s, seq, k[h*d:], hidden, got[h*d:], hidden)
			})
		}
		run()
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%d workers: element %d: %v, want %v", n, i, got[i], want[i])
			}
		}
		if a := testing.AllocsPerRun(10, run); a > 1 { // the closure passed to For
			t.Errorf("%d workers: %v allocations per run", n, a)
		}
		// Whole products per part, as a caller splitting texts does.
		wt, bias := randMat(r, hidden*hidden), randMat(r, hidden)
		p, qp := Pack(wt, hidden, hidden), PackInt8(wt, hidden, hidden)
		const parts = 3
		rows := seq / parts
		f32, i8 := make([]float32, seq*hidden), make([]float32, seq*hidden)
		w.For(parts, func(worker, i int) {
			a := q[i*rows*hidden : (i+1)*rows*hidden]
			w.WorkerMul(worker, p, f32[i*rows*hidden:(i+1)*rows*hidden], a, rows, Epilogue{Bias: bias, Act: GELU})
			w.WorkerMulInt8(worker, qp, i8[i*rows*hidden:(i+1)*rows*hidden], a, rows, Epilogue{Bias: bias})
		})
		// Each part equals the serial product of its own rows (not the
		// rows of one product of all parts: a row's result may depend on
		// its place in the micro-kernel's tile, as with AVX2's 6-row tiles
		// and accumulator sets for 1–3 rows).
		wantF, wantI := make([]float32, parts*rows*hidden), make([]float32, parts*rows*hidden)
		for i := 0; i < parts; i++ {
			span := q[i*rows*hidden : (i+1)*rows*hidden]
			p.Mul(wantF[i*rows*hidden:(i+1)*rows*hidden], span, rows, Epilogue{Bias: bias, Act: GELU})
			qp.Mul(wantI[i*rows*hidden:(i+1)*rows*hidden], span, rows, Epilogue{Bias: bias})
		}
		for i := range wantF {
			if f32[i] != wantF[i] || i8[i] != wantI[i] {
				t.Fatalf("%d workers: WorkerMul/WorkerMulInt8 element %d: %v / %v, want %v / %v", n, i, f32[i], i8[i], wantF[i], wantI[i])
			}
		}
		w.Close()
	}
}

// TestWorkersHandOff drives jobs through both hand-off paths: back to back
// (helpers still polling) and after pauses longer than spinWait (helpers
// parked), with fewer parts than workers, and with GOMAXPROCS 1 (a polling
// helper must yield to the caller). Every part runs exactly once.
func TestWorkersHandOff(t *testing.T) {
	for _, procs := range []int{1, runtime.GOMAXPROCS(0)} {
		old := runtime.GOMAXPROCS(procs)
		w := NewWorkers(3)
		counts := make([]atomic.Int32, 8)
		for job := 0; job < 60; job++ {
			parts := 1 + job%8
			if job%10 == 9 {
				time.Sleep(3 * spinWait)
			}
			w.For(parts, func(_, i int) { counts[i].Add(1) })
			for i := 0; i < parts; i++ {
				if c := counts[i].Swap(0); c != 1 {
					t.Fatalf("GOMAXPROCS %d, job %d: part %d ran %d times", procs, job, i, c)
				}
			}
		}
		w.Close()
		w.Close()
		runtime.GOMAXPROCS(old)
	}
}

// TestWorkersStaleWakeUp holds back the worker that finishes a job between
// its count-down and recording the job as finished, while the next job's caller parks
// and another helper is still on a slow part of it: that helper's wake-up
// belongs to the finished job and must not end the caller's wait for the
// next. Each job must return only after all its parts have run.
func TestWorkersStaleWakeUp(t *testing.T) {
	w := NewWorkers(3)
	defer w.Close()
	var hold atomic.Bool
	hook := func(p handOffPoint) {
		if p == hoFinish && hold.CompareAndSwap(true, false) {
			time.Sleep(30 * spinWait)
		}
	}
	testHandOff.Store(&hook)
	defer testHandOff.Store(nil)
	var running, ran atomic.Int32
	for job := 0; job < 20; job++ {
		hold.Store(true)
		w.For(3, func(_, i int) {}) // its last helper is held back
		ran.Store(0)
		w.For(6, func(worker, i int) {
			running.Add(1)
			if worker != 0 {
				time.Sleep(100 * spinWait) // the caller parks meanwhile
			} else {
				time.Sleep(spinWait / 5) // leaves a part to the free helper
			}
			ran.Add(1)
			running.Add(-1)
		})
		if r, n := running.Load(), ran.Load(); r != 0 || n != 6 {
			t.Fatalf("job %d: For returned with %d parts still running and %d of 6 done", job, r, n)
		}
	}
}
