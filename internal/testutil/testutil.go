// Package testutil holds the helpers the module's tests share: CPU-time
// clocks for benchmarks, a CPU burner for stress tests, float comparisons
// and the reader of golden arrays (ganada-golden-v1 files). It is imported
// only by _test.go files.
package testutil

import (
	"math"
	"sync"
	"sync/atomic"
	"testing"
)

// BurnCPU starts a goroutine of pure arithmetic (no calls, no
// runtime.Gosched, no blocking) so that the test's goroutines compete for
// the processors and are preempted mid-operation. It runs until the
// returned stop is called or the test ends, whichever comes first; stop
// waits for the goroutine and may be called more than once.
func BurnCPU(t testing.TB) (stop func()) {
	var quit atomic.Bool
	done := make(chan uint64)
	go func() {
		x := uint64(1)
		for !quit.Load() {
			for i := 0; i < 1<<12; i++ {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		done <- x
	}()
	var once sync.Once
	stop = func() { once.Do(func() { quit.Store(true); <-done }) }
	t.Cleanup(stop)
	return stop
}

// MaxAbsDiff returns the largest |a[i]-b[i]|: +Inf when the lengths
// differ, NaN when any difference is NaN.
func MaxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var m float64
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d > m || math.IsNaN(d) {
			m = d
		}
		if math.IsNaN(m) {
			return m
		}
	}
	return m
}

// Unit returns v scaled to unit Euclidean length (a new slice; NaNs for a
// zero vector).
func Unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / math.Sqrt(s))
	}
	return out
}
