// This file holds micro-benchmarks of build and search for profiling; the
// peer comparison lives in bench/index.

package hnsw

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/synth"
)

var (
	benchOnce sync.Once
	benchData dataset
	benchIdx  *Index
)

func benchSetup(b *testing.B) {
	benchOnce.Do(func() {
		all := synth.Clustered(20000+500, 384, 100, 77)
		ids := make([]uint64, 20000)
		for i := range ids {
			ids[i] = uint64(i)
		}
		benchData = dataset{base: all[:20000], queries: all[20000:], ids: ids}
		benchIdx = buildHNSW(b, benchData, index.Cosine, WithCapacity(20000))
	})
}

func BenchmarkBuild5k(b *testing.B) {
	benchSetup(b)
	for i := 0; i < b.N; i++ {
		h, _ := New(384, index.Cosine, WithCapacity(5000))
		for j := 0; j < 5000; j++ {
			h.Add(ctx, uint64(j), benchData.base[j])
		}
	}
}

// threadCPU returns the calling thread's CPU time, which a busy machine
// disturbs far less than wall time.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkSearchEf64(b *testing.B) {
	benchSetup(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	c0 := threadCPU()
	for i := 0; i < b.N; i++ {
		benchIdx.Search(ctx, benchData.queries[i%len(benchData.queries)], 10, index.WithEf(64))
	}
	b.ReportMetric(float64(threadCPU()-c0)/float64(b.N), "cpu-ns/op")
}
