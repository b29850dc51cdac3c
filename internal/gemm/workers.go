// This file holds Workers, a small persistent set of goroutines that
// splits products (and any caller loop) across cores without starting a
// goroutine or allocating per call.

package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is a fixed set of goroutines that run the parts of a product in
// parallel: the calling goroutine is worker 0 and n-1 helpers wait for
// work. Each worker owns its scratch memory, so a steady stream of calls
// allocates nothing. A Workers is driven by one goroutine at a time (it is
// not safe for concurrent use); give each concurrent user its own. Close
// stops the helpers.
type Workers struct {
	n       int
	scratch []*scratch
	wake    []chan struct{}
	done    sync.WaitGroup
	next    atomic.Int64
	parts   int
	job     runner
	prod    product // the product being run, kept here so Mul does not allocate
	qprod   qproduct
	qa      []uint8   // A quantised once for a split int8 product
	sa      []float32 // its row scales
	fn      funcRunner
	closed  bool
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
	w := &Workers{n: n, scratch: make([]*scratch, n), wake: make([]chan struct{}, n)}
	for i := range w.scratch {
		w.scratch[i] = new(scratch)
	}
	for i := 1; i < n; i++ {
		w.wake[i] = make(chan struct{})
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
	for i := 1; i < w.n; i++ {
		close(w.wake[i])
	}
}

func (w *Workers) loop(i int) {
	for range w.wake[i] {
		w.work(i)
		w.done.Done()
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
// all are done.
func (w *Workers) run(job runner, parts int) {
	if w.closed {
		panic("gemm: Workers used after Close")
	}
	w.job, w.parts = job, parts
	w.next.Store(0)
	helpers := min(parts, w.n) - 1
	w.done.Add(helpers)
	for i := 1; i <= helpers; i++ {
		w.wake[i] <- struct{}{}
	}
	w.work(0)
	w.done.Wait()
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
// of about one cache block when there are enough of them, otherwise the
// panels too, aiming at four parts per worker: parts are handed out
// dynamically, so a worker that loses its core to another process holds
// up at most a small part.
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
		return mChunks, 1
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
