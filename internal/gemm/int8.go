// This file holds the optional int8 path: weights quantised once per
// output channel (symmetric int8), activations quantised per row at each
// call (uint8 with zero point 128), u8×s8 dot products accumulated in
// int32 (AVX-512 VNNI VPDPBUSD where present), and the result scaled back
// to float32 before the usual epilogue.

package gemm

import "math"

// Int8 tile shape: the layout of QPacked does not depend on the kernel.
const (
	qmr = 14 // rows per A panel
	qnr = 32 // columns per B panel
	qmc = 112
)

// QPacked is a weight matrix w[n][k] quantised to int8 with one scale per
// output channel (row of w): w ≈ scale[j]·q[j][·], q ∈ [-127, 127]. It is
// stored in panels of 32 output columns, each holding groups of 4
// consecutive inputs per column (the VPDPBUSD layout). Immutable after
// PackInt8 and safe for concurrent use.
type QPacked struct {
	n, k, kg int
	data     []int8    // ⌈n/32⌉ panels × kg groups × 32 columns × 4 inputs
	scale    []float32 // per output column, padded to the panels
	corr     []float32 // 128·Σ_k q[j][k]: the zero point's contribution
}

// qKernel computes rows×32 of C = ((Σ_g a·b) − corr[j])·sw[j]·sa[i] from an
// A panel (qmr rows of uint8, 4 inputs per group) and a B panel.
type qKernel func(rows, kg int, a []uint8, b []int8, c []float32, ldc int, corr, sw, sa []float32)

// qkernel is the int8 micro-kernel in use: the VNNI or SDOT one when the
// processor has it (set by dispatch_amd64.go, dispatch_arm64.go), else the
// pure-Go one.
var (
	maxAbs            = maxAbsGeneric
	quantRow          = quantRowGeneric
	qkernel   qKernel = qkernelGo
	qkernels          = []qKernel{qkernelGo}
	int8Accel         = false
)

// Int8Accelerated reports whether QPacked products run on int8 hardware
// instructions (AVX-512 VNNI, or SDOT on arm64's dotprod level). Without them they run in pure Go, correct
// but several times slower than the float32 path: use Pack instead.
func Int8Accelerated() bool { return int8Accel }

// PackInt8 quantises w, a row-major [n][k] matrix (n outputs, k inputs),
// per output channel and stores it in the int8 kernels' layout.
func PackInt8(w []float32, n, k int) *QPacked {
	if n < 0 || k < 0 || len(w) < n*k {
		panic("gemm: PackInt8: len(w) < n*k")
	}
	kg := (k + 3) / 4
	np := panels(n, qnr)
	q := &QPacked{n: n, k: k, kg: kg,
		data:  make([]int8, np*kg*qnr*4),
		scale: make([]float32, np*qnr),
		corr:  make([]float32, np*qnr),
	}
	for j := 0; j < n; j++ {
		row := w[j*k : j*k+k]
		var amax float32
		for _, v := range row {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		if amax == 0 {
			continue
		}
		s := amax / 127
		q.scale[j] = s
		inv := 1 / s
		panel := q.data[(j/qnr)*kg*qnr*4:]
		col := j % qnr
		var sum int32
		for p, v := range row {
			x := int8(math.Round(float64(v * inv)))
			panel[(p/4)*qnr*4+col*4+p%4] = x
			sum += int32(x)
		}
		q.corr[j] = 128 * float32(sum)
	}
	return q
}

// N returns the number of output columns.
func (q *QPacked) N() int { return q.n }

// K returns the number of inputs.
func (q *QPacked) K() int { return q.k }

// quantA quantises rows [0, mb) of a (row stride lda, k inputs) to uint8
// with zero point 128 and one scale per row (sa), packed in qmr-row panels
// of kg groups of 4.
func quantA(dst []uint8, sa []float32, a []float32, lda, mb, k, kg int) {
	for i0 := 0; i0 < mb; i0 += qmr {
		panel := dst[i0*kg*4 : (i0+qmr)*kg*4]
		clear(panel)
		for i := 0; i < min(qmr, mb-i0); i++ {
			row := a[(i0+i)*lda : (i0+i)*lda+k]
			amax := maxAbs(row)
			if amax == 0 {
				sa[i0+i] = 0
				continue
			}
			sa[i0+i] = amax / 127
			quantRow(panel[i*4:], row, 127/amax)
		}
	}
}

// maxAbsGeneric returns max |x|.
func maxAbsGeneric(x []float32) float32 {
	var m float32
	for _, v := range x {
		m = max(m, float32(math.Abs(float64(v))))
	}
	return m
}

// quantRowGeneric writes uint8(x[p]·inv + 128.5) (round half up of x·inv,
// shifted by 128) to dst[(p/4)·qmr·4 + p%4]: row i of an A panel when dst
// starts at the panel's byte i·4.
func quantRowGeneric(dst []uint8, x []float32, inv float32) {
	for p, v := range x {
		dst[(p/4)*qmr*4+p%4] = uint8(int32(float32(v*inv) + 128.5)) // float32(): no FMA
	}
}

// qkernelGo is the pure-Go int8 micro-kernel.
func qkernelGo(rows, kg int, a []uint8, b []int8, c []float32, ldc int, corr, sw, sa []float32) {
	var acc [qmr][qnr]int32
	for g := 0; g < kg; g++ {
		bg := b[g*qnr*4 : (g+1)*qnr*4]
		ag := a[g*qmr*4 : (g+1)*qmr*4]
		for i := 0; i < rows; i++ {
			a0, a1, a2, a3 := int32(ag[i*4]), int32(ag[i*4+1]), int32(ag[i*4+2]), int32(ag[i*4+3])
			for j := 0; j < qnr; j++ {
				acc[i][j] += a0*int32(bg[j*4]) + a1*int32(bg[j*4+1]) + a2*int32(bg[j*4+2]) + a3*int32(bg[j*4+3])
			}
		}
	}
	for i := 0; i < rows; i++ {
		out := c[i*ldc : i*ldc+qnr]
		for j := range out {
			out[j] = (float32(acc[i][j]) - corr[j]) * sw[j] * sa[i]
		}
	}
}

// qproduct is one int8 product, split like product.
type qproduct struct {
	q              *QPacked
	kern           qKernel
	m              int
	a, c           []float32
	ep             Epilogue
	mParts, nParts int
	// qa, sa: A quantised once for all rows (set when several parts share
	// rows, so that each does not quantise them again); nil: each row
	// block is quantised into the scratch as it is reached.
	qa []uint8
	sa []float32
}

func (p *qproduct) run(s *scratch, i0, i1, j0, j1 int) {
	q := p.q
	if i0 >= i1 || j0 >= j1 {
		return
	}
	if len(s.qa) < qmc*q.kg*4 {
		s.qa = make([]uint8, qmc*q.kg*4)
	}
	if len(s.tile) < qmr*qnr {
		s.tile = make([]float32, qmr*qnr)
	}
	if q.kg == 0 {
		c1 := min(j1*qnr, q.n)
		for i := i0; i < i1; i++ {
			clear(p.c[i*q.n+j0*qnr : i*q.n+c1])
		}
		p.ep.apply(p.c, q.n, i0, i1, j0*qnr, c1)
		return
	}
	for ic := i0; ic < i1; ic += qmc {
		mb := min(qmc, i1-ic)
		qa, sa := s.qa, s.sa[:qmc]
		if p.qa != nil {
			qa, sa = p.qa[ic*q.kg*4:], p.sa[ic:]
		} else {
			quantA(qa, sa, p.a[ic*q.k:], q.k, mb, q.k, q.kg)
		}
		for jp := j0; jp < j1; jp++ {
			bp := q.data[jp*q.kg*qnr*4 : (jp+1)*q.kg*qnr*4]
			col := jp * qnr
			cols := min(qnr, q.n-col)
			corr, sw := q.corr[col:col+qnr], q.scale[col:col+qnr]
			for ir := 0; ir < mb; ir += qmr {
				rows := min(qmr, mb-ir)
				ap := qa[ir*q.kg*4 : (ir+qmr)*q.kg*4]
				if cols == qnr {
					p.kern(rows, q.kg, ap, bp, p.c[(ic+ir)*q.n+col:], q.n, corr, sw, sa[ir:ir+rows])
					continue
				}
				p.kern(rows, q.kg, ap, bp, s.tile, qnr, corr, sw, sa[ir:ir+rows])
				for i := 0; i < rows; i++ {
					copy(p.c[(ic+ir+i)*q.n+col:(ic+ir+i)*q.n+col+cols], s.tile[i*qnr:])
				}
			}
		}
		p.ep.apply(p.c, q.n, ic, ic+mb, j0*qnr, min(j1*qnr, q.n))
	}
}

func (q *QPacked) product(kern qKernel, dst, a []float32, m int, ep Epilogue) qproduct {
	checkMatrix("a", a, m, q.k, q.k)
	checkMatrix("dst", dst, m, q.n, q.n)
	if ep.Bias != nil && len(ep.Bias) < q.n {
		panic("gemm: bias shorter than n")
	}
	if ep.Residual != nil {
		checkMatrix("residual", ep.Residual, m, q.n, q.n)
		if m > 0 && q.n > 0 && &ep.Residual[0] == &dst[0] {
			panic("gemm: the int8 path cannot take Residual = dst; use a separate buffer")
		}
	}
	return qproduct{q: q, kern: kern, m: m, a: a, c: dst, ep: ep, mParts: 1, nParts: 1}
}

// Mul computes dst[m×n] ≈ a[m×k]·wᵀ with int8 arithmetic (a quantised per
// row, w per output channel), then applies ep, on the calling goroutine.
// The same contract as Packed.Mul.
func (q *QPacked) Mul(dst, a []float32, m int, ep Epilogue) {
	p := q.product(qkernel, dst, a, m, ep)
	s := scratchPool.Get().(*scratch)
	p.run(s, 0, m, 0, panels(q.n, qnr))
	scratchPool.Put(s)
}

// WorkerMulInt8 is QPacked.Mul on the calling goroutine with the scratch
// memory of worker, for use inside a For callback (see WorkerMul).
func (w *Workers) WorkerMulInt8(worker int, q *QPacked, dst, a []float32, m int, ep Epilogue) {
	p := q.product(qkernel, dst, a, m, ep)
	p.run(w.scratch[worker], 0, m, 0, panels(q.n, qnr))
}

// MulInt8 is QPacked.Mul split across the workers.
func (w *Workers) MulInt8(q *QPacked, dst, a []float32, m int, ep Epilogue) {
	w.qprod = q.product(qkernel, dst, a, m, ep)
	p := &w.qprod
	p.mParts, p.nParts = splitParts(w.n, m, panels(q.n, qnr), qmr, qmc)
	if p.nParts > 1 && q.kg > 0 && m > 0 {
		// Parts share rows: quantise A once for all of them.
		units := (m + qmr - 1) / qmr
		if len(w.qa) < units*qmr*q.kg*4 {
			w.qa = make([]uint8, units*qmr*q.kg*4)
		}
		if len(w.sa) < units*qmr {
			w.sa = make([]float32, units*qmr)
		}
		p.qa, p.sa = w.qa[:units*qmr*q.kg*4], w.sa[:units*qmr]
		quantA(p.qa, p.sa, a, q.k, m, q.k, q.kg)
	}
	if parts := p.mParts * p.nParts; parts == 1 {
		p.run(w.scratch[0], 0, m, 0, panels(q.n, qnr))
	} else {
		w.run(p, parts)
	}
	w.qprod = qproduct{}
}

func (p *qproduct) runPart(w *Workers, worker, part int) {
	units := (p.m + qmr - 1) / qmr
	mi, nj := part%p.mParts, part/p.mParts // panel chunk outermost, as product.part
	i0 := min(units*mi/p.mParts*qmr, p.m)
	i1 := min(units*(mi+1)/p.mParts*qmr, p.m)
	np := panels(p.q.n, qnr)
	p.run(w.scratch[worker], i0, i1, np*nj/p.nParts, np*(nj+1)/p.nParts)
}
