// This file holds the blocked product loop shared by every entry point:
// k blocks of kc, row blocks of mc (read in place by the assembly kernels,
// packed into mr-row panels for the pure-Go one), then B panels × row
// tiles through the micro-kernel, and the epilogue on each finished row
// block while it is in cache (L2).

package gemm

import "sync"

// scratch is the per-goroutine working memory of the blocked loop.
type scratch struct {
	a    []float32 // packed A block, mc·kc (kernels that read A in place need none)
	b    []float32 // packed B for the unpacked products, grown on demand
	tile []float32 // one mr×nr tile for partial column panels
	qa   []uint8   // quantised, packed A block of the int8 path
	hb   []float32 // one B panel converted from 16-bit weights, nr·kc
	sa   [qmc]float32
}

func (s *scratch) fit(impl *kernelImpl) {
	if impl.direct == nil && len(s.a) < impl.mc*impl.kc {
		s.a = make([]float32, impl.mc*impl.kc)
	}
	if len(s.tile) < impl.mr*impl.nr {
		s.tile = make([]float32, impl.mr*impl.nr)
	}
}

func (s *scratch) bbuf(n int) []float32 {
	if len(s.b) < n {
		s.b = make([]float32, n)
	}
	return s.b[:n]
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// product is one C = A·B with B already in panels.
type product struct {
	impl *kernelImpl
	b    []float32 // panels of B, nr·k floats each
	half *halfSrc  // or 16-bit weights, converted panel by panel
	m    int
	n, k int
	a    []float32
	lda  int
	c    []float32
	ldc  int
	ep   Epilogue
	// inPlace: ep.Residual is dst itself (and Act is None), so the product
	// is accumulated into dst and only the bias is left for the epilogue.
	inPlace bool
	mParts  int // row chunks (in multiples of mr) for parallel runs
	nParts  int // panel chunks for parallel runs
}

// rowRange returns chunk i of mParts over m rows, aligned to mr.
func (p *product) rowRange(i int) (int, int) {
	units := (p.m + p.impl.mr - 1) / p.impl.mr
	lo := units * i / p.mParts * p.impl.mr
	hi := units * (i + 1) / p.mParts * p.impl.mr
	return min(lo, p.m), min(hi, p.m)
}

// panelRange returns chunk j of nParts over the B panels.
func (p *product) panelRange(j int) (int, int) {
	np := panels(p.n, p.impl.nr)
	return np * j / p.nParts, np * (j + 1) / p.nParts
}

// part runs chunk `part` of mParts×nParts.
func (p *product) part(s *scratch, part int) {
	// Panel chunk outermost: consecutive parts (taken by the workers at
	// about the same time) share their panels of B, which stay in cache
	// while the row chunks go by.
	i0, i1 := p.rowRange(part % p.mParts)
	j0, j1 := p.panelRange(part / p.mParts)
	p.run(s, i0, i1, j0, j1)
}

// run computes rows [i0,i1) and panels [j0,j1) of C.
func (p *product) run(s *scratch, i0, i1, j0, j1 int) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	impl := p.impl
	nr := impl.nr
	s.fit(impl)
	if p.k == 0 {
		c1 := min(j1*nr, p.n)
		for i := i0; i < i1 && !p.inPlace; i++ {
			clear(p.c[i*p.ldc+j0*nr : i*p.ldc+c1])
		}
		p.ep.apply(p.c, p.ldc, i0, i1, j0*nr, c1)
		return
	}
	// Column blocks of nc panels outermost (all of them when nc is 0): the
	// kc×nc block of B then stays in L2 while the row blocks go by.
	ncp := j1 - j0
	if impl.nc > 0 {
		ncp = max(impl.nc/nr, 1)
	}
	for jc := j0; jc < j1; jc += ncp {
		p.block(s, i0, i1, jc, min(jc+ncp, j1))
	}
}

// block computes rows [i0,i1) and panels [j0,j1) of C: k blocks of kc,
// row blocks of mc, then every panel × row tile through the micro-kernel.
func (p *product) block(s *scratch, i0, i1, j0, j1 int) {
	impl := p.impl
	mr, nr := impl.mr, impl.nr
	for pc := 0; pc < p.k; pc += impl.kc {
		kb := min(impl.kc, p.k-pc)
		acc := pc > 0 || p.inPlace
		last := pc+kb == p.k
		for ic := i0; ic < i1; ic += impl.mc {
			mb := min(impl.mc, i1-ic)
			if impl.direct == nil {
				packA(s.a, p.a[ic*p.lda+pc:], p.lda, mb, kb, mr)
			}
			for jp := j0; jp < j1; jp++ {
				var bp []float32
				if p.half != nil {
					if len(s.hb) < nr*kb {
						s.hb = make([]float32, nr*impl.kc)
					}
					bp = s.hb[:nr*kb]
					p.half.panel(bp, jp*nr, nr, pc, kb)
				} else {
					bp = p.b[jp*nr*p.k+pc*nr : (jp+1)*nr*p.k]
				}
				col := jp * nr
				cols := min(nr, p.n-col)
				ir0 := 0
				if cols == nr && impl.directN != nil && mb >= mr {
					// Whole tiles of full panels in one call.
					tiles := mb / mr
					impl.directN(tiles, kb, p.a[ic*p.lda+pc:], p.lda, bp, p.c[ic*p.ldc+col:], p.ldc, acc)
					ir0 = tiles * mr
				}
				for ir := ir0; ir < mb; ir += mr {
					rows := min(mr, mb-ir)
					var ap, ad []float32
					if impl.direct == nil {
						ap = s.a[ir*kb : (ir+mr)*kb]
					} else {
						ad = p.a[(ic+ir)*p.lda+pc:]
					}
					if cols == nr {
						if ad != nil {
							impl.direct(rows, kb, ad, p.lda, bp, p.c[(ic+ir)*p.ldc+col:], p.ldc, acc)
						} else {
							impl.kernel(rows, kb, ap, bp, p.c[(ic+ir)*p.ldc+col:], p.ldc, acc)
						}
						continue
					}
					t := s.tile[:mr*nr]
					if acc {
						for i := 0; i < rows; i++ {
							copy(t[i*nr:i*nr+cols], p.c[(ic+ir+i)*p.ldc+col:])
						}
					}
					if ad != nil {
						impl.direct(rows, kb, ad, p.lda, bp, t, nr, acc)
					} else {
						impl.kernel(rows, kb, ap, bp, t, nr, acc)
					}
					for i := 0; i < rows; i++ {
						copy(p.c[(ic+ir+i)*p.ldc+col:(ic+ir+i)*p.ldc+col+cols], t[i*nr:])
					}
				}
			}
			if last {
				p.ep.apply(p.c, p.ldc, ic, ic+mb, j0*nr, min(j1*nr, p.n))
			}
		}
	}
}

func checkMatrix(name string, s []float32, rows, cols, ld int) {
	if rows < 0 || cols < 0 {
		panic("gemm: negative dimension")
	}
	if ld < cols {
		panic("gemm: leading dimension of " + name + " smaller than its row length")
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic("gemm: " + name + " too short for its dimensions")
	}
}

// Mul computes dst[m×n] = a[m×k]·wᵀ, then applies ep (bias, activation,
// residual) to each block of rows while it is in cache, on the calling
// goroutine. a and dst are row-major and contiguous (row strides k and n).
// dst must not overlap a. ep.Residual must either not overlap dst or be
// dst itself with Act None: then dst += a·wᵀ + bias in place (the residual
// stream of a transformer, updated without a second buffer). Mul allocates
// nothing in steady state.
func (p *Packed) Mul(dst, a []float32, m int, ep Epilogue) {
	pr := p.product(dst, a, m, ep)
	s := scratchPool.Get().(*scratch)
	pr.run(s, 0, m, 0, panels(p.n, p.impl.nr))
	scratchPool.Put(s)
}

func (p *Packed) product(dst, a []float32, m int, ep Epilogue) product {
	checkMatrix("a", a, m, p.k, p.k)
	checkMatrix("dst", dst, m, p.n, p.n)
	if ep.Bias != nil && len(ep.Bias) < p.n {
		panic("gemm: bias shorter than n")
	}
	inPlace := false
	if ep.Residual != nil {
		checkMatrix("residual", ep.Residual, m, p.n, p.n)
		if m > 0 && p.n > 0 && &ep.Residual[0] == &dst[0] {
			if ep.Act != None {
				panic("gemm: Residual is dst but an activation is set (dst = Act(a·wᵀ+b) + dst cannot be computed in place)")
			}
			inPlace = true
			ep.Residual = nil
		}
	}
	return product{impl: p.impl, b: p.data, half: p.half, m: m, n: p.n, k: p.k, a: a, lda: p.k, c: dst, ldc: p.n, ep: ep, inPlace: inPlace, mParts: 1, nParts: 1}
}
