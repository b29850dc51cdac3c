// This file holds Workers, a small persistent set of goroutines that
// splits products (and any caller loop) across cores without starting a
// goroutine or allocating per call.

package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Workers is a fixed set of goroutines that run the parts of a product in
// parallel: the calling goroutine is worker 0 and n-1 helpers wait for
// work. Each worker owns its scratch memory, so a steady stream of calls
// allocates nothing. A Workers is driven by one goroutine at a time (it is
// not safe for concurrent use); give each concurrent user its own. Close
// stops the helpers.
//
// The hand-off between the caller and the helpers is a monitor (mu with
// two condition variables) over two job numbers, with polling in front of
// it as a shortcut:
//
//   - published is the number of the latest job. Only the caller changes
//     it, by one, holding mu, after it has written the job's description
//     (job, parts, next, pending) and before anyone works on it; it then
//     broadcasts jobReady.
//   - finished is the number of the latest job whose every part has run.
//     Only the worker whose count-down of pending (which starts at n, the
//     caller included) reaches zero changes it, to that job's number,
//     holding mu; it then signals jobDone. Exactly one worker brings a
//     job's count to zero, since each worker counts down once per job.
//
// Every wait is "for the number is not there yet { cond.Wait() }" under
// mu, and every change of a number happens under mu before the broadcast,
// so a waiter either sees the new number when it checks or is already
// waiting when the broadcast comes: no wake-up is lost and none is stale.
// A helper waits for published to pass the last job it took part in; the
// caller waits for finished to reach the job it published. Job n+1 is
// published only after finished reached n, that is after every worker's
// count-down of job n, so a helper can never act on a job it did not
// count: pending, next and the job fields belong to one job at a time.
//
// Before taking mu, a waiter polls the same number for up to spinWait:
// the steps of one forward pass follow each other within microseconds,
// and a helper that is still polling takes the next job without a thread
// wake-up. Polling reads an atomic copy of the number and decides nothing
// the monitor does not decide again.
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

	// The hand-off; see above. published, finished and stop are atomic so
	// that polling may read them without mu; they change only under mu.
	mu        sync.Mutex
	jobReady  sync.Cond // published changed, or stop
	jobDone   sync.Cond // finished changed
	published atomic.Uint64
	finished  atomic.Uint64
	stop      atomic.Bool
	pending   atomic.Int32 // workers, the caller included, still on the current job
}

// spinWait is how long a waiting goroutine polls before it blocks: long
// enough to cover the gap between the steps of one forward pass (tens of
// microseconds), so that consecutive products hand work over without
// waking a sleeping thread, short enough not to hold a core that other
// work wants.
const spinWait = 100 * time.Microsecond

// handOffPoint names a step of the hand-off, for testHandOff.
type handOffPoint int

const (
	hoPublish    handOffPoint = iota // caller: job written, about to publish it
	hoPublished                      // caller: job published, about to work
	hoHelperTook                     // helper: saw a new job, about to work
	hoCountDown                      // any worker: about to count down pending
	hoFinish                         // last worker: about to record finished
	hoCallerWait                     // caller: its part done, about to wait
	hoHelperWait                     // helper: about to wait for the next job
)

// testHandOff, when set by a test, runs at every hand-off point so that
// the test can delay goroutines there. It is nil in normal use (one atomic
// load per point).
var testHandOff atomic.Pointer[func(handOffPoint)]

func handOff(p handOffPoint) {
	if f := testHandOff.Load(); f != nil {
		(*f)(p)
	}
}

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
	w := &Workers{n: n, scratch: make([]*scratch, n)}
	w.jobReady.L = &w.mu
	w.jobDone.L = &w.mu
	for i := range w.scratch {
		w.scratch[i] = new(scratch)
	}
	for i := 1; i < n; i++ {
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
	w.mu.Lock()
	w.stop.Store(true)
	w.jobReady.Broadcast()
	w.mu.Unlock()
}

// loop is helper i: it takes part in every job until Close.
func (w *Workers) loop(i int) {
	var seen uint64 // the last job this helper took part in
	for {
		handOff(hoHelperWait)
		job, ok := w.awaitJob(seen)
		if !ok {
			return
		}
		handOff(hoHelperTook)
		seen = job
		w.work(i)
		w.countDown(job)
	}
}

// awaitJob waits until a job after seen is published and returns its
// number, or reports false once the Workers is closed.
func (w *Workers) awaitJob(seen uint64) (uint64, bool) {
	ready := func() bool { return w.published.Load() != seen || w.stop.Load() }
	if !spin(ready) {
		w.mu.Lock()
		for !ready() {
			w.jobReady.Wait()
		}
		w.mu.Unlock()
	}
	if w.stop.Load() {
		return 0, false
	}
	return w.published.Load(), true
}

// countDown records that one worker is done with job; the last one records
// the job as finished and wakes the caller if it waits.
func (w *Workers) countDown(job uint64) {
	handOff(hoCountDown)
	if w.pending.Add(-1) != 0 {
		return
	}
	handOff(hoFinish)
	w.mu.Lock()
	w.finished.Store(job)
	w.jobDone.Signal()
	w.mu.Unlock()
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
// done at once); see Workers for the hand-off.
func (w *Workers) run(job runner, parts int) {
	if w.closed {
		panic("gemm: Workers used after Close")
	}
	w.job, w.parts = job, parts
	w.next.Store(0)
	w.pending.Store(int32(w.n))
	handOff(hoPublish)
	w.mu.Lock()
	id := w.published.Add(1)
	w.jobReady.Broadcast()
	w.mu.Unlock()
	handOff(hoPublished)
	w.work(0)
	w.countDown(id)
	handOff(hoCallerWait)
	done := func() bool { return w.finished.Load() == id }
	if !spin(done) {
		w.mu.Lock()
		for !done() {
			w.jobDone.Wait()
		}
		w.mu.Unlock()
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
