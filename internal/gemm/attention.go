// This file holds the unpacked products of attention, C = A·Bᵀ (scores =
// Q·Kᵀ) and C = A·B (context = P·V), on strided operands so per-head
// column slices of a [tokens × hidden] buffer are used without copying.
// B is packed per call into scratch memory.

package gemm

// MulABt computes c[m×n] = a[m×k]·b[n×k]ᵀ on the calling goroutine. Row
// strides are lda, ldb, ldc (in elements): a per-head slice of a
// [tokens×hidden] buffer is q[h*d:] with lda = hidden. c must not overlap
// a or b. It allocates nothing in steady state.
func MulABt(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	s := scratchPool.Get().(*scratch)
	pr := prepABt(best, s, m, n, k, a, lda, b, ldb, c, ldc)
	pr.run(s, 0, m, 0, panels(n, best.nr))
	scratchPool.Put(s)
}

// MulAB computes c[m×n] = a[m×k]·b[k×n] on the calling goroutine, with row
// strides lda, ldb, ldc. c must not overlap a or b. It allocates nothing
// in steady state.
func MulAB(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	s := scratchPool.Get().(*scratch)
	pr := prepAB(best, s, m, n, k, a, lda, b, ldb, c, ldc)
	pr.run(s, 0, m, 0, panels(n, best.nr))
	scratchPool.Put(s)
}

// MulABt is the package-level MulABt split across the workers.
func (w *Workers) MulABt(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	w.prod = prepABt(best, w.scratch[0], m, n, k, a, lda, b, ldb, c, ldc)
	w.do(&w.prod)
}

// MulAB is the package-level MulAB split across the workers.
func (w *Workers) MulAB(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	w.prod = prepAB(best, w.scratch[0], m, n, k, a, lda, b, ldb, c, ldc)
	w.do(&w.prod)
}

// WorkerMulABt is MulABt on the calling goroutine with the scratch memory
// of worker, for use inside a For callback: fn(worker, i) may call the
// Worker* methods of w with its own worker index (and no other method of
// w), since each worker index runs on one goroutine at a time. Unlike the
// package-level MulABt, whose scratch comes from a sync.Pool that the
// garbage collector empties, it never allocates once the worker's scratch
// has grown.
func (w *Workers) WorkerMulABt(worker, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	s := w.scratch[worker]
	pr := prepABt(best, s, m, n, k, a, lda, b, ldb, c, ldc)
	pr.run(s, 0, m, 0, panels(n, best.nr))
}

// WorkerMulAB is MulAB with the scratch memory of worker; see
// WorkerMulABt.
func (w *Workers) WorkerMulAB(worker, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	s := w.scratch[worker]
	pr := prepAB(best, s, m, n, k, a, lda, b, ldb, c, ldc)
	pr.run(s, 0, m, 0, panels(n, best.nr))
}

// prepABt checks the operands and packs b (n×k, used transposed) into the
// scratch B buffer of s.
func prepABt(impl *kernelImpl, s *scratch, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) product {
	checkMatrix("a", a, m, k, lda)
	checkMatrix("b", b, n, k, ldb)
	checkMatrix("c", c, m, n, ldc)
	bp := s.bbuf(panels(n, impl.nr) * impl.nr * k)
	packBt(bp, b, ldb, n, k, impl.nr)
	return product{impl: impl, b: bp, m: m, n: n, k: k, a: a, lda: lda, c: c, ldc: ldc, mParts: 1, nParts: 1}
}

// prepAB checks the operands and packs b (k×n) into the scratch B buffer
// of s.
func prepAB(impl *kernelImpl, s *scratch, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) product {
	checkMatrix("a", a, m, k, lda)
	checkMatrix("b", b, k, n, ldb)
	checkMatrix("c", c, m, n, ldc)
	bp := s.bbuf(panels(n, impl.nr) * impl.nr * k)
	packB(bp, b, ldb, n, k, impl.nr)
	return product{impl: impl, b: bp, m: m, n: n, k: k, a: a, lda: lda, c: c, ldc: ldc, mParts: 1, nParts: 1}
}
