// This file benchmarks the products at transformer shapes for every
// kernel family (GFLOP/s are reported as a custom metric).

package gemm

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

// timed runs f b.N times on one locked OS thread and reports GFLOP/s by
// wall time and by the thread's CPU time (stable on a busy machine).
func timed(b *testing.B, flops float64, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	c0 := testutil.ThreadCPUSeconds()
	for i := 0; i < b.N; i++ {
		f()
	}
	cpu := testutil.ThreadCPUSeconds() - c0
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu/1e9, "cpuGFLOP/s")
	}
}

func BenchmarkMul(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, shape := range [][3]int{{256, 1536, 384}, {256, 384, 384}, {256, 384, 1536}, {1, 1536, 384}, {20, 1536, 384}, {4096, 1536, 384}} {
		m, n, k := shape[0], shape[1], shape[2]
		a := randMat(r, m*k)
		w := randMat(r, n*k)
		dst := make([]float32, m*n)
		for _, im := range impls {
			p := packWith(im, w, n, k)
			b.Run(fmt.Sprintf("%s/%dx%dx%d", im.name, m, k, n), func(b *testing.B) {
				timed(b, 2*float64(m*n*k), func() { p.Mul(dst, a, m, Epilogue{}) })
			})
		}
	}
}

func BenchmarkMulEpilogue(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	m, n, k := 256, 1536, 384
	a := randMat(r, m*k)
	w := randMat(r, n*k)
	bias := randMat(r, n)
	res := randMat(r, m*n)
	dst := make([]float32, m*n)
	p := Pack(w, n, k)
	for _, c := range []struct {
		name string
		ep   Epilogue
	}{{"none", Epilogue{}}, {"bias", Epilogue{Bias: bias}}, {"bias+gelu", Epilogue{Bias: bias, Act: GELU}}, {"bias+residual", Epilogue{Bias: bias, Residual: res}}} {
		b.Run(c.name, func(b *testing.B) {
			timed(b, 2*float64(m*n*k), func() { p.Mul(dst, a, m, c.ep) })
		})
	}
}

// BenchmarkAttention times one head's products, scores = Q·Kᵀ and
// context = P·V, on per-head slices of [seq × 384] buffers (d = 32).
func BenchmarkAttention(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	const hidden, d = 384, 32
	for _, seq := range []int{16, 64, 256} {
		q := randMat(r, seq*hidden)
		k := randMat(r, seq*hidden)
		s := make([]float32, seq*seq)
		out := make([]float32, seq*hidden)
		b.Run(fmt.Sprintf("QKt/seq%d", seq), func(b *testing.B) {
			timed(b, 2*float64(seq*seq*d), func() { MulABt(seq, seq, d, q[d:], hidden, k[d:], hidden, s, seq) })
		})
		b.Run(fmt.Sprintf("PV/seq%d", seq), func(b *testing.B) {
			timed(b, 2*float64(seq*seq*d), func() { MulAB(seq, d, seq, s, seq, k[d:], hidden, out[d:], hidden) })
		})
	}
}

// BenchmarkForBarrier measures the round trip of handing trivial parts to
// the workers and waiting for them: the fixed cost of one parallel step.
func BenchmarkForBarrier(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			w := NewWorkers(n)
			defer w.Close()
			var sink [2]int
			fn := func(worker, i int) { sink[worker]++ }
			for i := 0; i < b.N; i++ {
				w.For(2, fn)
			}
		})
	}
}

// BenchmarkForBarrierAfterWork is BenchmarkForBarrier with about 50 µs of
// work for each worker per step, as between the products of one text.
func BenchmarkForBarrierAfterWork(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			w := NewWorkers(n)
			defer w.Close()
			var sink [2]float64
			fn := func(worker, i int) {
				x := sink[worker]
				for j := 0; j < 50000; j++ {
					x = x*0.999999 + 1
				}
				sink[worker] = x
			}
			for i := 0; i < b.N; i++ {
				w.For(2, fn)
			}
		})
	}
}
