// This file benchmarks the row operations at transformer sizes.

package nn

import (
	"fmt"
	"math/rand"
	"runtime"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

// timed runs f b.N times on one locked OS thread and reports ns per
// element by the thread's CPU time (stable on a busy machine).
func timed(b *testing.B, elems int, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.SetBytes(int64(4 * elems))
	b.ResetTimer()
	c0 := testutil.ThreadCPUSeconds()
	for i := 0; i < b.N; i++ {
		f()
	}
	if cpu := testutil.ThreadCPUSeconds() - c0; cpu > 0 {
		b.ReportMetric(cpu*1e9/float64(b.N)/float64(elems), "cpu-ns/elem")
	}
}

func benchRow(n int) []float32 {
	r := rand.New(rand.NewSource(1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 2)
	}
	return x
}

func BenchmarkGELU1536(b *testing.B) {
	x := benchRow(1536)
	dst := make([]float32, len(x))
	timed(b, len(x), func() { GELU(dst, x) })
}

func BenchmarkSoftmax128(b *testing.B) {
	x := benchRow(128)
	y := make([]float32, len(x))
	timed(b, len(x), func() {
		copy(y, x)
		Softmax(y, 0.125)
	})
}

func BenchmarkLayerNorm384(b *testing.B) {
	x := benchRow(384 * 16)
	g, be := benchRow(384), benchRow(384)
	dst := make([]float32, len(x))
	timed(b, len(x), func() { LayerNorm(dst, x, g, be, 1e-12) })
}

func BenchmarkAdd1536(b *testing.B) {
	x := benchRow(1536)
	y := benchRow(1536)
	timed(b, len(x), func() { Add(x, x, y) })
}

// BenchmarkSoftmaxRows measures one head's score matrix of a short text
// (n×n), through SoftmaxRows and row by row through Softmax.
func BenchmarkSoftmaxRows(b *testing.B) {
	for _, n := range []int{14, 40} {
		x := make([]float32, n*n)
		for i := range x {
			x[i] = float32(i%7) * 0.3
		}
		b.Run(fmt.Sprintf("rows/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				SoftmaxRows(x, n, n, n, 0.17)
			}
		})
		b.Run(fmt.Sprintf("each/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for r := 0; r < n; r++ {
					Softmax(x[r*n:r*n+n], 0.17)
				}
			}
		})
	}
}

// BenchmarkElementwise1536 times each elementwise kernel of every kernel
// set this machine runs on a 1536-float row (an FFN row of a small model).
func BenchmarkElementwise1536(b *testing.B) {
	x := benchRow(1536)
	dst := make([]float32, len(x))
	for _, ks := range kernelSets() {
		for _, k := range unaryKernels(ks) {
			b.Run(ks.name+"/"+k.name, func(b *testing.B) { timed(b, len(x), func() { k.vec(dst, x) }) })
		}
	}
}
