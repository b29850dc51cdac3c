// This file holds Workers, a small persistent set of goroutines that
// splits products (and any caller loop) across cores without starting a
// goroutine or allocating per call.

package gemm

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Workers is a fixed set of goroutines that run the parts of a product in
// parallel: the calling goroutine is worker 0 and n-1 helpers wait for
// work. Each worker owns its scratch memory, so a steady stream of calls
// allocates nothing. A Workers is driven by one goroutine at a time (it is
// not safe for concurrent use); give each concurrent user its own. Close
// stops the helpers. After each job the helpers poll for the next one for
// a short while (spinWait) before they block, so a tight sequence of
// parallel steps does not pay a thread wake-up per step.
type Workers struct {
	n       int
	scratch []*scratch
	next    atomic.Int64
	parts   int
	job     runner
	prod    product // the product being run, kept here so Mul does not allocate
	qprod   qproduct
	qa      []uint8   // A quantised once for a split int8 product
	sa      []float32 // its row scales
	fn      funcRunner
	closed  bool

	// Hand-off (see run): epoch counts jobs, pending the helpers still on
	// the current one. A helper waits for the next epoch spinning for a
	// while, then parked on its wake channel; the caller waits for pending
	// to reach zero the same way, parked on done.
	epoch       atomic.Uint64
	pending     atomic.Int32
	stop        atomic.Bool
	parked      []atomic.Bool // helper i is (about to be) blocked on wake[i]
	wake        []chan struct{}
	callerWaits atomic.Uint64 // the epoch of the job the caller is blocked on, or 0
	done        chan struct{}
}

// testHookCountedDown, when set by a test, runs in a helper between its
// count-down of pending (last reports whether it reached zero) and its
// check whether the caller waits, to widen that window.
var testHookCountedDown atomic.Pointer[func(last bool)]

// spinWait is how long a waiting goroutine polls before it blocks: long
// enough to cover the gap between the steps of one forward pass (tens of
// microseconds), so that consecutive products hand work over without
// waking a sleeping thread, short enough not to hold a core that other
// work wants.
const spinWait = 100 * time.Microsecond

// runner is one parallel job split into parts.
type runner interface {
	runPart(w *Workers, worker, part int)
}

// NewWorkers starts a Workers with n workers (n ≤ 0 means
// runtime.GOMAXPROCS(0)).
func NewWorkers(n int) *Workers {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	w := &Workers{n: n, scratch: make([]*scratch, n), wake: make([]chan struct{}, n),
		parked: make([]atomic.Bool, n), done: make(chan struct{}, 1)}
	for i := range w.scratch {
		w.scratch[i] = new(scratch)
	}
	for i := 1; i < n; i++ {
		w.wake[i] = make(chan struct{}, 1)
		go w.loop(i)
	}
	return w
}

// N returns the number of workers, including the calling goroutine.
func (w *Workers) N() int { return w.n }

// Close stops the helper goroutines. The Workers must not be used after.
func (w *Workers) Close() {
	if w.closed {
		return
	}
	w.closed = true
	w.stop.Store(true)
	w.epoch.Add(1)
	for i := 1; i < w.n; i++ {
		close(w.wake[i])
	}
}

// loop is helper i: it takes part in every job until Close.
func (w *Workers) loop(i int) {
	var seen uint64
	for {
		e := w.epoch.Load()
		if e == seen {
			e = w.waitJob(i, seen)
		}
		if w.stop.Load() {
			return
		}
		seen = e
		w.work(i)
		last := w.pending.Add(-1) == 0
		if hook := testHookCountedDown.Load(); hook != nil {
			(*hook)(last)
		}
		// Wake the caller only if it is blocked on this very job: a helper
		// delayed here after finishing one job must not wake the caller
		// from the next, which other helpers may still be working on.
		if last && w.callerWaits.Load() == seen && w.callerWaits.CompareAndSwap(seen, 0) {
			w.done <- struct{}{}
		}
	}
}

// waitJob waits until the epoch differs from seen and returns it: polling
// for spinWait, then blocked on the helper's wake channel.
func (w *Workers) waitJob(i int, seen uint64) uint64 {
	if spin(func() bool { return w.epoch.Load() != seen }) {
		return w.epoch.Load()
	}
	w.parked[i].Store(true)
	if e := w.epoch.Load(); e != seen {
		if w.parked[i].CompareAndSwap(true, false) {
			return e
		}
		// The caller saw us parked and is sending: take its wake-up.
	}
	<-w.wake[i]
	return w.epoch.Load()
}

// spin polls cond for up to spinWait, yielding the processor between
// rounds so that a goroutine waiting for it (with GOMAXPROCS below the
// number of workers) can run. It reports whether cond became true.
func spin(cond func() bool) bool {
	var deadline time.Time
	for round := 0; ; round++ {
		for j := 0; j < 64; j++ {
			if cond() {
				return true
			}
		}
		if round == 0 {
			deadline = time.Now().Add(spinWait)
		} else if time.Now().After(deadline) {
			return cond()
		}
		runtime.Gosched()
	}
}

func (w *Workers) work(worker int) {
	for {
		part := int(w.next.Add(1) - 1)
		if part >= w.parts {
			return
		}
		w.job.runPart(w, worker, part)
	}
}

// run executes parts 0..parts-1 of job across the workers and returns when
// all are done. Every helper takes part (one that finds no part left is
// done at once): the job is published by bumping the epoch, which spinning
// helpers see, and parked helpers are woken through their channels.
func (w *Workers) run(job runner, parts int) {
	if w.closed {
		panic("gemm: Workers used after Close")
	}
	w.job, w.parts = job, parts
	w.next.Store(0)
	w.pending.Store(int32(w.n - 1))
	e := w.epoch.Add(1)
	for i := 1; i < w.n; i++ {
		if w.parked[i].Load() && w.parked[i].CompareAndSwap(true, false) {
			w.wake[i] <- struct{}{}
		}
	}
	w.work(0)
	if w.pending.Load() != 0 && !spin(func() bool { return w.pending.Load() == 0 }) {
		w.callerWaits.Store(e)
		if w.pending.Load() == 0 && w.callerWaits.CompareAndSwap(e, 0) {
			// Done while we were parking.
		} else {
			<-w.done
		}
	}
	w.job = nil
}

// funcRunner adapts For's callback to runner.
type funcRunner struct{ fn func(worker, i int) }

func (f *funcRunner) runPart(_ *Workers, worker, part int) { f.fn(worker, part) }

// For calls fn(worker, i) for i in [0, n), spreading the calls over the
// workers and returning when all are done. worker (0 ≤ worker < N())
// identifies the goroutine, so fn can use per-worker buffers. Calls are
// handed out dynamically, so uneven parts balance. fn must not call
// methods of w other than the Worker* ones (WorkerMul, WorkerMulInt8,
// WorkerMulABt, WorkerMulAB) with its own worker index.
func (w *Workers) For(n int, fn func(worker, i int)) {
	if n <= 0 {
		return
	}
	w.fn.fn = fn
	w.run(&w.fn, n)
	w.fn.fn = nil
}

func (p *product) runPart(w *Workers, worker, part int) {
	p.part(w.scratch[worker], part)
}

// split chooses how a product of m rows and np panels is cut: row chunks
// of about one cache block, times two panel chunks when there are enough
// row chunks (so that the half of B a worker is on stays in its cache
// while the row chunks go by; parts are ordered panel chunk first),
// otherwise more panel chunks, aiming at four parts per worker: parts are
// handed out dynamically, so a worker that loses its core to another
// process holds up at most a small part.
func (p *product) split(workers int) int {
	p.mParts, p.nParts = splitParts(workers, p.m, panels(p.n, p.impl.nr), p.impl.mr, p.impl.mc)
	return p.mParts * p.nParts
}

// splitParts returns the row and panel chunk counts for m rows and np
// panels.
func splitParts(workers, m, np, mr, mc int) (mParts, nParts int) {
	if workers <= 1 {
		return 1, 1
	}
	units := (m + mr - 1) / mr
	want := 4 * workers
	mChunks := (m + mc - 1) / mc
	if mChunks >= want {
		// Many row chunks: also split the panels in two, so that a
		// worker's share of B stays in its cache across row chunks.
		return mChunks, min(np, 2)
	}
	mParts = max(1, min(mChunks, units))
	return mParts, max(1, min(np, (want+mParts-1)/mParts))
}

// WorkerMul is Packed.Mul on the calling goroutine with the scratch
// memory of worker, for use inside a For callback (see WorkerMulABt): a
// caller that splits its own work across the workers (for example whole
// texts of a batch) runs each part's products with it.
func (w *Workers) WorkerMul(worker int, p *Packed, dst, a []float32, m int, ep Epilogue) {
	pr := p.product(dst, a, m, ep)
	pr.run(w.scratch[worker], 0, m, 0, panels(p.n, p.impl.nr))
}

// Mul is Packed.Mul split across the workers.
func (w *Workers) Mul(p *Packed, dst, a []float32, m int, ep Epilogue) {
	w.prod = p.product(dst, a, m, ep)
	w.do(&w.prod)
}

func (w *Workers) do(pr *product) {
	parts := pr.split(w.n)
	if parts == 1 {
		pr.run(w.scratch[0], 0, pr.m, 0, panels(pr.n, pr.impl.nr))
	} else {
		w.run(pr, parts)
	}
	*pr = product{}
}
