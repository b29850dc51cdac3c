// This file stress-tests the Workers hand-off: random jobs (Mul, MulABt,
// For with any number of parts) on 1–4 workers, GOMAXPROCS below and above
// the worker count, a goroutine burning CPU beside them, and random
// yields and short sleeps injected at every hand-off point. A lost or
// stale wake-up shows as a job that never returns (the watchdog prints
// every goroutine's stack and fails), a part that runs twice or not at
// all, two parts running at once on one worker index, or a wrong product.

package gemm

import (
	"bytes"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stressDuration is how long TestWorkersStress runs: GANADA_STRESS (a
// time.Duration) overrides it for long runs.
func stressDuration(t *testing.T) time.Duration {
	if s := os.Getenv("GANADA_STRESS"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("GANADA_STRESS=%q: %v", s, err)
		}
		return d
	}
	if testing.Short() {
		return 2 * time.Second
	}
	return 5 * time.Second
}

// burnCPU keeps one goroutine busy until stop is closed, so that helpers
// lose their core at random moments. It yields every few microseconds:
// with GOMAXPROCS 1 it would otherwise hold the only P for a whole
// preemption slice (10 ms) at a time, which slows the test without
// finding more.
func burnCPU(stop <-chan struct{}) {
	x := uint64(1)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 1e4; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		runtime.Gosched()
	}
}

// jitter is a hand-off hook that yields or sleeps at random.
type jitter struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (j *jitter) hook(handOffPoint) {
	j.mu.Lock()
	v := j.r.Intn(16)
	j.mu.Unlock()
	switch {
	case v < 6: // nothing
	case v < 12:
		runtime.Gosched()
	case v < 15:
		time.Sleep(time.Duration(v-11) * time.Microsecond)
	default:
		time.Sleep(2 * spinWait) // past the polling: the waiter parks
	}
}

func TestWorkersStress(t *testing.T) {
	d := stressDuration(t)
	j := &jitter{r: rand.New(rand.NewSource(time.Now().UnixNano()))}
	hook := j.hook
	testHandOff.Store(&hook)
	defer testHandOff.Store(nil)
	stop := make(chan struct{})
	defer close(stop)
	go burnCPU(stop)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	r := rand.New(rand.NewSource(1))
	m, n, k := 37, 70, 24
	p := Pack(randMat(r, n*k), n, k)
	a := randMat(r, m*k)
	want := make([][]float32, m+1) // serial products of the first rows of a
	for rows := 1; rows <= m; rows++ {
		want[rows] = make([]float32, rows*n)
		p.Mul(want[rows], a[:rows*k], rows, Epilogue{})
	}
	wantABt := make([]float32, m*m)
	MulABt(m, m, k, a, k, a, k, wantABt, m)

	var progress atomic.Int64 // jobs completed, watched for stalls
	done := make(chan struct{})
	go func() {
		defer close(done)
		deadline := time.Now().Add(d)
		rr := rand.New(rand.NewSource(2))
		dst := make([]float32, m*m+m*n)
		for round := 0; time.Now().Before(deadline); round++ {
			runtime.GOMAXPROCS([]int{1, 2, 3, 4, 8}[rr.Intn(5)])
			w := NewWorkers(1 + rr.Intn(4))
			busy := make([]atomic.Int32, w.N())
			var counts [64]atomic.Int32
			for job := 0; job < 50; job++ {
				switch rr.Intn(3) {
				case 0:
					rows := 1 + rr.Intn(m)
					clear(dst)
					w.Mul(p, dst[:rows*n], a[:rows*k], rows, Epilogue{})
					if i := firstDiff(dst[:rows*n], want[rows]); i >= 0 {
						t.Errorf("Mul on %d workers, %d rows: element %d is %v, want %v", w.N(), rows, i, dst[i], want[rows][i])
						return
					}
				case 1:
					w.MulABt(m, m, k, a, k, a, k, dst[:m*m], m)
					if i := firstDiff(dst[:m*m], wantABt); i >= 0 {
						t.Errorf("MulABt on %d workers: element %d differs", w.N(), i)
						return
					}
				default:
					parts := 1 + rr.Intn(len(counts))
					w.For(parts, func(worker, i int) {
						if busy[worker].Add(1) != 1 {
							t.Errorf("worker %d runs two parts at once", worker)
						}
						counts[i].Add(1)
						if i%7 == 3 {
							runtime.Gosched()
						}
						busy[worker].Add(-1)
					})
					for i := 0; i < parts; i++ {
						if c := counts[i].Swap(0); c != 1 {
							t.Errorf("For(%d) on %d workers: part %d ran %d times", parts, w.N(), i, c)
							return
						}
					}
				}
				progress.Add(1)
			}
			w.Close()
		}
	}()

	// The watchdog: no job may take seconds.
	last, stalled := progress.Load(), 0
	for {
		select {
		case <-done:
			t.Logf("%d jobs in %v", progress.Load(), d)
			return
		case <-time.After(time.Second):
		}
		if now := progress.Load(); now != last {
			last, stalled = now, 0
			continue
		}
		if stalled++; stalled == 10 {
			var buf bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&buf, 2)
			t.Fatalf("no job finished for 10 s after %d jobs: hand-off deadlock\n%s", last, buf.String())
		}
	}
}

func firstDiff(got, want []float32) int {
	for i := range got {
		if got[i] != want[i] {
			return i
		}
	}
	return -1
}
