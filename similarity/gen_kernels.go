// This program writes avx2_amd64.s, avx512_amd64.s and kernels_amd64.go:
// the amd64 assembly kernels of this package and their Go declarations
// (with gen_common.go, the scaffolding it shares with gen_kernels_neon.go).
// The AVX2+FMA and AVX-512 float kernels come from the same templates
// (register width, tail masks and horizontal sums differ); the int8 and
// Hamming kernels, which use different instructions on each level, are
// written out per level. Run it with `go generate` in this directory.

//go:build ignore

package main

import (
	"fmt"
	"strings"
)

// isa is one vector instruction set: AVX2 (Y registers, a VMASKMOVPS tail
// mask in Y15) or AVX-512 (Z registers, an opmask tail in K1).
type isa struct {
	suffix string // function name suffix: "AVX2", "AVX512"
	r      string // vector register prefix: "Y", "Z"
	lanes  int    // float32 lanes per register
	zeroOp string // instruction zeroing a register
	// The batch kernels' registers: the row stride in bytes, and the ends
	// (in bytes) of the two-register and one-register blocks of a row.
	stride, end2, end1 string
	// bq is the first of the two registers holding the query block in the
	// batch kernels; bt(r, h) the temporary for half h of row r's
	// difference in the squared-L2 batch kernel's two-register step, l2Rows
	// the rows whose differences are taken before their FMAs; b1t(r) the
	// temporary of row r in the one-register step; btail(r, l2) the
	// register of row r's masked tail.
	bq     int
	bt     func(r, h int) int
	l2Rows int
	b1t    func(r int) int
	btail  func(r int, l2 bool) int
	// prefetch is the number of cache lines prefetched per two-register
	// step of the four-row batch loop.
	prefetch int
	// stream: the batch kernels take a stream flag and have a sequential
	// path for scans streamed from memory.
	stream bool
	// wideCosine: Cosine has a four-register loop with twelve accumulators.
	wideCosine bool
}

var avx2 = isa{
	suffix: "AVX2", r: "Y", lanes: 8, zeroOp: "VXORPS",
	stride: "R13", end2: "AX", end1: "DX",
	bq:       8,
	bt:       func(r, h int) int { return 10 + 2*(r%2) + h },
	l2Rows:   2,
	b1t:      func(r int) int { return 10 + r },
	btail:    func(r int, l2 bool) int { return 9 + r + b2i(l2) },
	prefetch: 4, stream: true, wideCosine: true,
}

var avx512 = isa{
	suffix: "AVX512", r: "Z", lanes: 16, zeroOp: "VPXORD",
	stride: "DX", end2: "R13", end1: "AX",
	bq:       16,
	bt:       func(r, h int) int { return 18 + 2*r + h },
	l2Rows:   4,
	b1t:      func(r int) int { return 18 + 2*r },
	btail:    func(r int, l2 bool) int { return 18 + r },
	prefetch: 8,
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mem is the operand off(base), or (base) at offset 0.
func mem(off int, base string) string {
	if off == 0 {
		return "(" + base + ")"
	}
	return fmt.Sprintf("%d(%s)", off, base)
}

// memCX is the operand off(base)(CX*1).
func memCX(off int, base string) string { return mem(off, base) + "(CX*1)" }

func (s isa) v(i int) string { return fmt.Sprintf("%s%d", s.r, i) }
func (s isa) vb() int        { return 4 * s.lanes }

// zero clears the vector registers regs.
func (s isa) zero(regs ...int) {
	for _, r := range regs {
		p("%s %s, %s, %s", s.zeroOp, s.v(r), s.v(r), s.v(r))
	}
}

// tailMask sets the mask of the first CX lanes (0 <= CX < lanes): Y15 from
// the tailmask<> table (clobbers AX, DX), or K1 (clobbers AX).
func (s isa) tailMask() {
	if s.r == "Y" {
		p("LEAQ tailmask<>(SB), AX")
		p("MOVQ $8, DX")
		p("SUBQ CX, DX")
		p("VMOVDQU (AX)(DX*4), Y15")
		return
	}
	p("MOVL $1, AX")
	p("SHLL CX, AX")
	p("DECL AX")
	p("KMOVW AX, K1")
}

// maskLoad loads the masked lanes of src into register dst, zeroing the
// others; maskStore stores the masked lanes of register src.
func (s isa) maskLoad(src string, dst int) {
	if s.r == "Y" {
		p("VMASKMOVPS %s, Y15, %s", src, s.v(dst))
		return
	}
	p("VMOVUPS.Z %s, K1, %s", src, s.v(dst))
}

func (s isa) maskStore(src int, dst string) {
	if s.r == "Y" {
		p("VMASKMOVPS %s, Y15, %s", s.v(src), dst)
		return
	}
	p("VMOVUPS %s, K1, %s", s.v(src), dst)
}

// hsum sets X0 to the sum of the lanes of register 0 (clobbers register 1).
func (s isa) hsum() {
	if s.r == "Z" {
		p("VEXTRACTF64X4 $1, Z0, Y1")
		p("VADDPS Y1, Y0, Y0")
	}
	p("VEXTRACTF128 $1, Y0, X1")
	p("VADDPS X1, X0, X0")
	p("VPERMILPD $1, X0, X1")
	p("VADDPS X1, X0, X0")
	p("VMOVSHDUP X0, X1")
	p("VADDSS X1, X0, X0")
}

// hsum4 sets X0 to the sums of registers 0-3 (clobbers 1-3, and Y8-Y11 on
// AVX-512).
func (s isa) hsum4() {
	if s.r == "Z" {
		for i := 0; i < 4; i++ {
			p("VEXTRACTF64X4 $1, Z%d, Y%d", i, 8+i)
		}
		for i := 0; i < 4; i++ {
			p("VADDPS Y%d, Y%d, Y%d", 8+i, i, i)
		}
	}
	p("VHADDPS Y1, Y0, Y0")
	p("VHADDPS Y3, Y2, Y2")
	p("VHADDPS Y2, Y0, Y0")
	p("VEXTRACTF128 $1, Y0, X1")
	p("VADDPS X1, X0, X0")
}

// reduce writes dot (l2 false) or squaredL2 (l2 true): four accumulators
// over four registers per step, then one register per step, then a masked
// tail.
func reduce(s isa, l2 bool) {
	name, lbl := "dot", "dot"
	if l2 {
		name, lbl = "squaredL2", "l2"
	}
	name += s.suffix
	L, vb := s.lanes, s.vb()
	text(fmt.Sprintf("func %s(a, b []float32) float32", name), name, 52)
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	s.zero(0, 1, 2, 3)
	p("CMPQ CX, $%d", 4*L)
	p("JLT %s_%d", lbl, L)

	label(fmt.Sprintf("%s_%d", lbl, 4*L))
	for i := 0; i < 4; i++ {
		p("VMOVUPS %s, %s", mem(i*vb, "SI"), s.v(4+i))
	}
	if l2 {
		for i := 0; i < 4; i++ {
			p("VSUBPS %s, %s, %s", mem(i*vb, "DI"), s.v(4+i), s.v(4+i))
		}
		for i := 0; i < 4; i++ {
			p("VFMADD231PS %s, %s, %s", s.v(4+i), s.v(4+i), s.v(i))
		}
	} else {
		for i := 0; i < 4; i++ {
			p("VFMADD231PS %s, %s, %s", mem(i*vb, "DI"), s.v(4+i), s.v(i))
		}
	}
	p("ADDQ $%d, SI", 4*vb)
	p("ADDQ $%d, DI", 4*vb)
	p("SUBQ $%d, CX", 4*L)
	p("CMPQ CX, $%d", 4*L)
	p("JGE %s_%d", lbl, 4*L)

	label(fmt.Sprintf("%s_%d", lbl, L))
	p("CMPQ CX, $%d", L)
	p("JLT %s_tail", lbl)
	p("VMOVUPS (SI), %s", s.v(4))
	if l2 {
		p("VSUBPS (DI), %s, %s", s.v(4), s.v(4))
		p("VFMADD231PS %s, %s, %s", s.v(4), s.v(4), s.v(0))
	} else {
		p("VFMADD231PS (DI), %s, %s", s.v(4), s.v(0))
	}
	p("ADDQ $%d, SI", vb)
	p("ADDQ $%d, DI", vb)
	p("SUBQ $%d, CX", L)
	p("JMP %s_%d", lbl, L)

	label(lbl + "_tail")
	p("TESTQ CX, CX")
	p("JZ %s_sum", lbl)
	s.tailMask()
	s.maskLoad("(SI)", 4)
	s.maskLoad("(DI)", 5)
	if l2 {
		p("VSUBPS %s, %s, %s", s.v(5), s.v(4), s.v(4))
		p("VFMADD231PS %s, %s, %s", s.v(4), s.v(4), s.v(1))
	} else {
		p("VFMADD231PS %s, %s, %s", s.v(5), s.v(4), s.v(1))
	}

	label(lbl + "_sum")
	p("VADDPS %s, %s, %s", s.v(1), s.v(0), s.v(0))
	p("VADDPS %s, %s, %s", s.v(3), s.v(2), s.v(2))
	p("VADDPS %s, %s, %s", s.v(2), s.v(0), s.v(0))
	s.hsum()
	p("VZEROUPPER")
	p("MOVSS X0, ret+48(FP)")
	p("RET")
}

// cosine writes cosine: a·b, a·a and b·b in one pass (two accumulators
// each), then c = ab/(sqrt(aa)·sqrt(bb)) clamped to [-1, 1].
func cosine(s isa) {
	name := "cosine" + s.suffix
	L, vb := s.lanes, s.vb()
	text(fmt.Sprintf(`func %s(a, b []float32) (ab, aa, bb, c float32)

c = ab / (sqrt(aa)·sqrt(bb)) clamped to [-1, 1]; the caller uses it only
when aa and bb are in range. Exact square roots and division, not an
approximate reciprocal square root: about 3 ns slower than vek's
VRSQRTSS-and-one-Newton-step finish, as accurate, and the same on every
machine (see the package doc, "Accuracy").`, name), name, 64)
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	p("%s %s, %s, %s // a·b", s.zeroOp, s.v(0), s.v(0), s.v(0))
	s.zero(1)
	p("%s %s, %s, %s // a·a", s.zeroOp, s.v(2), s.v(2), s.v(2))
	s.zero(3)
	p("%s %s, %s, %s // b·b", s.zeroOp, s.v(4), s.v(4), s.v(4))
	s.zero(5)

	// pair adds two registers of a and b at off into the accumulators
	// acc..acc+5 (a·b, a·b, a·a, a·a, b·b, b·b).
	pair := func(off, acc int) {
		p("VMOVUPS %s, %s", mem(off, "SI"), s.v(6))
		p("VMOVUPS %s, %s", mem(off+vb, "SI"), s.v(7))
		p("VMOVUPS %s, %s", mem(off, "DI"), s.v(8))
		p("VMOVUPS %s, %s", mem(off+vb, "DI"), s.v(9))
		for i, src := range [][2]int{{8, 6}, {9, 7}, {6, 6}, {7, 7}, {8, 8}, {9, 9}} {
			p("VFMADD231PS %s, %s, %s", s.v(src[0]), s.v(src[1]), s.v(acc+i))
		}
	}
	advance := func(floats int) {
		p("ADDQ $%d, SI", 4*floats)
		p("ADDQ $%d, DI", 4*floats)
		p("SUBQ $%d, CX", floats)
	}
	if s.wideCosine {
		p("CMPQ CX, $%d", 4*L)
		p("JLT cos_%d", 2*L)
		w.WriteString("\n")
		comment(true, `32 floats per step into twelve accumulators (Y0-Y5 and Y10-Y15): with
two per sum the loop waited on FMA latency; four keep both FMA pipes
busy. Y10-Y15 are folded into Y0-Y5 before the tails, which need Y15.`)
		s.zero(10, 11, 12, 13, 14, 15)
		label(fmt.Sprintf("cos_%d", 4*L))
		pair(0, 0)
		pair(2*vb, 10)
		advance(4 * L)
		p("CMPQ CX, $%d", 4*L)
		p("JGE cos_%d", 4*L)
		for i := 0; i < 6; i++ {
			p("VADDPS %s, %s, %s", s.v(10+i), s.v(i), s.v(i))
		}
		label(fmt.Sprintf("cos_%d", 2*L))
		p("CMPQ CX, $%d", 2*L)
		p("JLT cos_%d", L)
		pair(0, 0)
		advance(2 * L)
	} else {
		p("CMPQ CX, $%d", 2*L)
		p("JLT cos_%d", L)
		label(fmt.Sprintf("cos_%d", 2*L))
		pair(0, 0)
		advance(2 * L)
		p("CMPQ CX, $%d", 2*L)
		p("JGE cos_%d", 2*L)
	}

	label(fmt.Sprintf("cos_%d", L))
	p("CMPQ CX, $%d", L)
	p("JLT cos_tail")
	p("VMOVUPS (SI), %s", s.v(6))
	p("VMOVUPS (DI), %s", s.v(8))
	p("VFMADD231PS %s, %s, %s", s.v(8), s.v(6), s.v(0))
	p("VFMADD231PS %s, %s, %s", s.v(6), s.v(6), s.v(2))
	p("VFMADD231PS %s, %s, %s", s.v(8), s.v(8), s.v(4))
	advance(L)

	label("cos_tail")
	p("TESTQ CX, CX")
	p("JZ cos_sum")
	s.tailMask()
	s.maskLoad("(SI)", 7)
	s.maskLoad("(DI)", 9)
	p("VFMADD231PS %s, %s, %s", s.v(9), s.v(7), s.v(1))
	p("VFMADD231PS %s, %s, %s", s.v(7), s.v(7), s.v(3))
	p("VFMADD231PS %s, %s, %s", s.v(9), s.v(9), s.v(5))

	label("cos_sum")
	comment(true, "One transposing reduction for all three: X0 = [a·b, a·a, b·b, 0].")
	p("VADDPS %s, %s, %s", s.v(1), s.v(0), s.v(0))
	p("VADDPS %s, %s, %s", s.v(3), s.v(2), s.v(1))
	p("VADDPS %s, %s, %s", s.v(5), s.v(4), s.v(2))
	s.zero(3)
	s.hsum4()
	p("VMOVSHDUP X0, X1 // X1[0] = a·a")
	p("VPERMILPD $1, X0, X2 // X2[0] = b·b")
	p("VSQRTSS X1, X1, X3")
	p("VSQRTSS X2, X2, X4")
	p("VMULSS X4, X3, X3")
	p("VDIVSS X3, X0, X3")
	p("MOVL $0x3f800000, AX // 1.0")
	p("VMOVD AX, X4")
	p("VMINSS X4, X3, X3")
	p("MOVL $0xbf800000, AX // -1.0")
	p("VMOVD AX, X4")
	p("VMAXSS X4, X3, X3")
	p("VZEROUPPER")
	p("MOVSS X0, ab+48(FP)")
	p("MOVSS X1, aa+52(FP)")
	p("MOVSS X2, bb+56(FP)")
	p("MOVSS X3, c+60(FP)")
	p("RET")
}

// scale writes scale: v[i] *= s, four registers per step, then one, then
// a masked tail.
func scale(s isa) {
	name := "scale" + s.suffix
	L, vb := s.lanes, s.vb()
	text(fmt.Sprintf("func %s(v []float32, s float32)", name), name, 28)
	p("MOVQ v_base+0(FP), SI")
	p("MOVQ v_len+8(FP), CX")
	p("VBROADCASTSS s+24(FP), %s", s.v(0))
	p("CMPQ CX, $%d", 4*L)
	p("JLT scale_%d", L)

	label(fmt.Sprintf("scale_%d", 4*L))
	for i := 0; i < 4; i++ {
		p("VMULPS %s, %s, %s", mem(i*vb, "SI"), s.v(0), s.v(4+i))
	}
	for i := 0; i < 4; i++ {
		p("VMOVUPS %s, %s", s.v(4+i), mem(i*vb, "SI"))
	}
	p("ADDQ $%d, SI", 4*vb)
	p("SUBQ $%d, CX", 4*L)
	p("CMPQ CX, $%d", 4*L)
	p("JGE scale_%d", 4*L)

	label(fmt.Sprintf("scale_%d", L))
	p("CMPQ CX, $%d", L)
	p("JLT scale_tail")
	p("VMULPS (SI), %s, %s", s.v(0), s.v(4))
	p("VMOVUPS %s, (SI)", s.v(4))
	p("ADDQ $%d, SI", vb)
	p("SUBQ $%d, CX", L)
	p("JMP scale_%d", L)

	label("scale_tail")
	p("TESTQ CX, CX")
	p("JZ scale_done")
	s.tailMask()
	s.maskLoad("(SI)", 4)
	p("VMULPS %s, %s, %s", s.v(4), s.v(0), s.v(4))
	s.maskStore(4, "(SI)")

	label("scale_done")
	p("VZEROUPPER")
	p("RET")
}

// The four rows of a batch group.
var rowRegs = [4]string{"R8", "R9", "R10", "R11"}

// batchDoc is the register comment of the batch kernels.
func batchDoc(s isa) string {
	if s.stream {
		return `Batch kernels (the setup expects DI=dst, R12=len(dst), SI=q,
BX=len(q), R8=rows). Registers:
  SI query, BX d (floats), R13 row stride in bytes, DI dst, R12 rows left,
  R8-R11 the four rows of a group, CX byte offset within a row,
  AX end of the 16-float blocks (bytes), DX end of the 8-float
  blocks, Y15 mask of the last d%8 floats, BX prefetch pointer: the group two
  groups ahead (rows +8..+11) is prefetched linearly, 4 lines per 16-float
  step (the hardware prefetcher alone trains poorly on 4 short streams).
  With stream set (scans from memory, see streamMinFloats) the kernels
  read the rows in memory order instead (the _seq blocks), with no
  software prefetch.`
	}
	return `Batch kernels (the setup expects DI=dst, R12=len(dst), SI=q,
BX=len(q), R8=rows). Registers:
  SI query, BX d (floats), DX row stride in bytes, DI dst, R12 rows left,
  R8-R11 the four rows of a group, CX byte offset within a row,
  R13 end of the 32-float blocks (bytes), AX end of the 16-float blocks,
  K1 mask of the last d%16 floats, BX prefetch pointer: the group two
  groups ahead (rows +8..+11) is prefetched linearly, 8 lines per 32-float
  step (the hardware prefetcher alone trains poorly on 4 short streams).
  Scans streamed from L3 or memory never come here: they run the AVX2
  kernels' sequential path (see batchDispatchAVX512).`
}

// batch writes dotBatch (l2 false) or squaredL2Batch (l2 true): the rows
// four at a time (two registers per row and step, then one, then a masked
// tail; four sums reduced together), then one at a time.
func batch(s isa, l2 bool) {
	name, lbl := "dotBatch", "db"
	if l2 {
		name, lbl = "squaredL2Batch", "lb"
	}
	name += s.suffix
	L, vb := s.lanes, s.vb()
	q0, q1 := s.v(s.bq), s.v(s.bq+1)
	doc := fmt.Sprintf("func %s(dst, q, rows []float32)", name)
	frame := 72
	if s.stream {
		doc = fmt.Sprintf("func %s(dst, q, rows []float32, stream bool)", name)
		frame = 73
	} else {
		doc += fmt.Sprintf("\n(Streamed scans run %sAVX2 instead: see batchDispatchAVX512.)", strings.TrimSuffix(name, s.suffix))
	}
	text(doc, name, frame)
	p("MOVQ dst_base+0(FP), DI")
	p("MOVQ dst_len+8(FP), R12")
	p("MOVQ q_base+24(FP), SI")
	p("MOVQ q_len+32(FP), BX")
	p("MOVQ rows_base+48(FP), R8")
	// Setup: tail mask, row stride and block ends.
	p("MOVQ BX, CX")
	p("ANDQ $%d, CX", L-1)
	s.tailMask()
	p("LEAQ (BX*4), %s", s.stride)
	p("MOVQ BX, %s", s.end2)
	p("ANDQ $-%d, %s", 2*L, s.end2)
	p("SHLQ $2, %s", s.end2)
	p("MOVQ BX, %s", s.end1)
	p("ANDQ $-%d, %s", L, s.end1)
	p("SHLQ $2, %s", s.end1)

	// tailSkip jumps to to when the rows have no tail.
	tailSkip := func(to string) {
		if s.r == "Y" {
			p("CMPQ CX, %s", s.stride)
			p("JGE %s", to)
			return
		}
		p("KORTESTW K1, K1")
		p("JZ %s", to)
	}

	label(lbl + "_group")
	p("CMPQ R12, $4")
	p("JLT %s_single", lbl)
	p("LEAQ (R8)(%s*1), R9", s.stride)
	p("LEAQ (R9)(%s*1), R10", s.stride)
	p("LEAQ (R10)(%s*1), R11", s.stride)
	p("LEAQ (R8)(%s*8), BX // prefetch pointer: two groups ahead", s.stride)
	s.zero(0, 1, 2, 3, 4, 5, 6, 7)
	if s.stream {
		p("CMPB stream+72(FP), $0")
		p("JNE %s_seq", lbl)
	}
	p("XORQ CX, CX")
	p("CMPQ CX, %s", s.end2)
	p("JGE %s_group%d", lbl, L)

	label(fmt.Sprintf("%s_group%d", lbl, 2*L))
	p("VMOVUPS (SI)(CX*1), %s", q0)
	p("VMOVUPS %d(SI)(CX*1), %s", vb, q1)
	if l2 {
		for r0 := 0; r0 < 4; r0 += s.l2Rows {
			for r := r0; r < r0+s.l2Rows; r++ {
				p("VSUBPS %s, %s, %s", memCX(0, rowRegs[r]), q0, s.v(s.bt(r, 0)))
				p("VSUBPS %s, %s, %s", memCX(vb, rowRegs[r]), q1, s.v(s.bt(r, 1)))
			}
			for r := r0; r < r0+s.l2Rows; r++ {
				p("VFMADD231PS %s, %s, %s", s.v(s.bt(r, 0)), s.v(s.bt(r, 0)), s.v(r))
				p("VFMADD231PS %s, %s, %s", s.v(s.bt(r, 1)), s.v(s.bt(r, 1)), s.v(4+r))
			}
		}
	} else {
		for r := 0; r < 4; r++ {
			p("VFMADD231PS %s, %s, %s", memCX(0, rowRegs[r]), q0, s.v(r))
			p("VFMADD231PS %s, %s, %s", memCX(vb, rowRegs[r]), q1, s.v(4+r))
		}
	}
	for i := 0; i < s.prefetch; i++ {
		p("PREFETCHT0 %d(BX)", 64*i)
	}
	p("ADDQ $%d, BX", 64*s.prefetch)
	p("ADDQ $%d, CX", 2*vb)
	p("CMPQ CX, %s", s.end2)
	p("JLT %s_group%d", lbl, 2*L)

	if s.stream {
		p("JMP %s_group%d", lbl, L)
		label(lbl + "_seq")
		if l2 {
			comment(true, "Streamed rows in memory order, as in dotBatchAVX2.")
		} else {
			comment(true, `Streamed rows are read in memory order, one row after another
(four rows' sums still reduced together): a single sequential
stream that the hardware prefetcher follows, measured 14% (384
floats) to 40% (96 floats) faster than four interleaved rows with
software prefetch on an AMD EPYC (Zen 4).`)
		}
		for r := 0; r < 4; r++ {
			seqRow(s, l2, rowRegs[r], s.v(r), s.v(4+r), fmt.Sprintf("%ss%d", lbl, r))
		}
		p("JMP %s_groupsum", lbl)
	}

	label(fmt.Sprintf("%s_group%d", lbl, L))
	p("CMPQ CX, %s", s.end1)
	p("JGE %s_grouptail", lbl)
	p("VMOVUPS (SI)(CX*1), %s", q0)
	if l2 {
		for r := 0; r < 4; r++ {
			p("VSUBPS %s, %s, %s", memCX(0, rowRegs[r]), q0, s.v(s.b1t(r)))
		}
		for r := 0; r < 4; r++ {
			p("VFMADD231PS %s, %s, %s", s.v(s.b1t(r)), s.v(s.b1t(r)), s.v(r))
		}
	} else {
		for r := 0; r < 4; r++ {
			p("VFMADD231PS %s, %s, %s", memCX(0, rowRegs[r]), q0, s.v(r))
		}
	}
	p("ADDQ $%d, CX", vb)

	label(lbl + "_grouptail")
	tailSkip(lbl + "_groupsum")
	s.maskLoad("(SI)(CX*1)", s.bq)
	for r := 0; r < 4; r++ {
		s.maskLoad(memCX(0, rowRegs[r]), s.btail(r, l2))
	}
	if l2 {
		for r := 0; r < 4; r++ {
			t := s.v(s.btail(r, l2))
			p("VSUBPS %s, %s, %s", t, q0, t)
		}
		for r := 0; r < 4; r++ {
			t := s.v(s.btail(r, l2))
			p("VFMADD231PS %s, %s, %s", t, t, s.v(4+r))
		}
	} else {
		for r := 0; r < 4; r++ {
			p("VFMADD231PS %s, %s, %s", s.v(s.btail(r, l2)), q0, s.v(4+r))
		}
	}

	label(lbl + "_groupsum")
	for r := 0; r < 4; r++ {
		p("VADDPS %s, %s, %s", s.v(4+r), s.v(r), s.v(r))
	}
	s.hsum4()
	p("VMOVUPS X0, (DI)")
	p("ADDQ $16, DI")
	p("LEAQ (R11)(%s*1), R8", s.stride)
	p("SUBQ $4, R12")
	p("JMP %s_group", lbl)

	label(lbl + "_single")
	p("TESTQ R12, R12")
	p("JZ %s_done", lbl)
	s.zero(0, 4)
	p("XORQ CX, CX")
	p("CMPQ CX, %s", s.end2)
	p("JGE %s_single%d", lbl, L)

	label(fmt.Sprintf("%s_single%d", lbl, 2*L))
	p("VMOVUPS (SI)(CX*1), %s", q0)
	p("VMOVUPS %d(SI)(CX*1), %s", vb, q1)
	if l2 {
		t0, t1 := s.v(s.bt(0, 0)), s.v(s.bt(0, 1))
		p("VSUBPS (R8)(CX*1), %s, %s", q0, t0)
		p("VSUBPS %d(R8)(CX*1), %s, %s", vb, q1, t1)
		p("VFMADD231PS %s, %s, %s", t0, t0, s.v(0))
		p("VFMADD231PS %s, %s, %s", t1, t1, s.v(4))
	} else {
		p("VFMADD231PS (R8)(CX*1), %s, %s", q0, s.v(0))
		p("VFMADD231PS %d(R8)(CX*1), %s, %s", vb, q1, s.v(4))
	}
	p("ADDQ $%d, CX", 2*vb)
	p("CMPQ CX, %s", s.end2)
	p("JLT %s_single%d", lbl, 2*L)

	label(fmt.Sprintf("%s_single%d", lbl, L))
	p("CMPQ CX, %s", s.end1)
	p("JGE %s_singletail", lbl)
	p("VMOVUPS (SI)(CX*1), %s", q0)
	if l2 {
		t := s.v(s.b1t(0))
		p("VSUBPS (R8)(CX*1), %s, %s", q0, t)
		p("VFMADD231PS %s, %s, %s", t, t, s.v(0))
	} else {
		p("VFMADD231PS (R8)(CX*1), %s, %s", q0, s.v(0))
	}
	p("ADDQ $%d, CX", vb)

	label(lbl + "_singletail")
	tailSkip(lbl + "_singlesum")
	s.maskLoad("(SI)(CX*1)", s.bq)
	t := s.v(s.btail(0, l2))
	s.maskLoad("(R8)(CX*1)", s.btail(0, l2))
	if l2 {
		p("VSUBPS %s, %s, %s", t, q0, t)
		p("VFMADD231PS %s, %s, %s", t, t, s.v(4))
	} else {
		p("VFMADD231PS %s, %s, %s", t, q0, s.v(4))
	}

	label(lbl + "_singlesum")
	p("VADDPS %s, %s, %s", s.v(4), s.v(0), s.v(0))
	s.hsum()
	p("MOVSS X0, (DI)")
	p("ADDQ $4, DI")
	p("ADDQ %s, R8", s.stride)
	p("DECQ R12")
	p("JMP %s_single", lbl)

	label(lbl + "_done")
	p("VZEROUPPER")
	p("RET")
}

// seqRow adds row's dot product with the query (or squared distance) into
// the accumulators a and b (AVX2 batch registers; clobbers CX, Y8, Y9),
// reading the row in memory order; pfx names its labels.
func seqRow(s isa, l2 bool, row, a, b, pfx string) {
	p("XORQ CX, CX")
	p("CMPQ CX, AX")
	p("JGE %s_8", pfx)
	fmt.Fprintf(w, "%s_16:\n", pfx)
	p("VMOVUPS (SI)(CX*1), Y8")
	p("VMOVUPS 32(SI)(CX*1), Y9")
	if l2 {
		p("VSUBPS (%s)(CX*1), Y8, Y8", row)
		p("VSUBPS 32(%s)(CX*1), Y9, Y9", row)
		p("VFMADD231PS Y8, Y8, %s", a)
		p("VFMADD231PS Y9, Y9, %s", b)
	} else {
		p("VFMADD231PS (%s)(CX*1), Y8, %s", row, a)
		p("VFMADD231PS 32(%s)(CX*1), Y9, %s", row, b)
	}
	p("ADDQ $64, CX")
	p("CMPQ CX, AX")
	p("JLT %s_16", pfx)
	fmt.Fprintf(w, "%s_8:\n", pfx)
	p("CMPQ CX, DX")
	p("JGE %s_t", pfx)
	p("VMOVUPS (SI)(CX*1), Y8")
	if l2 {
		p("VSUBPS (%s)(CX*1), Y8, Y8", row)
		p("VFMADD231PS Y8, Y8, %s", a)
	} else {
		p("VFMADD231PS (%s)(CX*1), Y8, %s", row, a)
	}
	p("ADDQ $32, CX")
	fmt.Fprintf(w, "%s_t:\n", pfx)
	p("CMPQ CX, R13")
	p("JGE %s_e", pfx)
	p("VMASKMOVPS (SI)(CX*1), Y15, Y8")
	p("VMASKMOVPS (%s)(CX*1), Y15, Y9", row)
	if l2 {
		p("VSUBPS Y9, Y8, Y8")
		p("VFMADD231PS Y8, Y8, %s", b)
	} else {
		p("VFMADD231PS Y9, Y8, %s", b)
	}
	fmt.Fprintf(w, "%s_e:\n", pfx)
}

// dotInt8AVX2 sign-extends bytes to 16 bits and multiplies them pairwise
// into 32-bit sums.
func dotInt8AVX2() {
	text(`func dotInt8AVX2(a, b []int8) int32

Bytes are sign-extended to 16 bits and multiplied pairwise into 32-bit
sums with VPMADDWD; the last len%16 bytes are done one at a time.`, "dotInt8AVX2", 52)
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	for i := 0; i < 4; i++ {
		p("VPXOR Y%d, Y%d, Y%d", i, i, i)
	}
	p("CMPQ CX, $64")
	p("JLT i8_16")

	label("i8_64")
	for i := 0; i < 4; i++ {
		p("VPMOVSXBW %s, Y%d", mem(16*i, "SI"), 4+i)
	}
	for i := 0; i < 4; i++ {
		p("VPMOVSXBW %s, Y%d", mem(16*i, "DI"), 8+i)
	}
	for i := 0; i < 4; i++ {
		p("VPMADDWD Y%d, Y%d, Y%d", 8+i, 4+i, 4+i)
	}
	for i := 0; i < 4; i++ {
		p("VPADDD Y%d, Y%d, Y%d", 4+i, i, i)
	}
	p("ADDQ $64, SI")
	p("ADDQ $64, DI")
	p("SUBQ $64, CX")
	p("CMPQ CX, $64")
	p("JGE i8_64")

	label("i8_16")
	p("CMPQ CX, $16")
	p("JLT i8_sum")
	p("VPMOVSXBW (SI), Y4")
	p("VPMOVSXBW (DI), Y8")
	p("VPMADDWD Y8, Y4, Y4")
	p("VPADDD Y4, Y0, Y0")
	p("ADDQ $16, SI")
	p("ADDQ $16, DI")
	p("SUBQ $16, CX")
	p("JMP i8_16")

	label("i8_sum")
	p("VPADDD Y1, Y0, Y0")
	p("VPADDD Y3, Y2, Y2")
	p("VPADDD Y2, Y0, Y0")
	hsumD("VPADDD", "VEXTRACTI128", "Y0", "X0", "X1")
	p("VMOVD X0, AX")
	p("VZEROUPPER")
	p("TESTQ CX, CX")
	p("JZ i8_done")

	label("i8_tail")
	p("MOVBLSX (SI), DX")
	p("MOVBLSX (DI), BX")
	p("IMULL BX, DX")
	p("ADDL DX, AX")
	p("INCQ SI")
	p("INCQ DI")
	p("DECQ CX")
	p("JNZ i8_tail")

	label("i8_done")
	p("MOVL AX, ret+48(FP)")
	p("RET")
}

// hsumD adds the upper 128 bits of y into x (through tmp) and then the
// 32-bit lanes of x into lane 0, with add.
func hsumD(add, extract, y, x, tmp string) {
	p("%s $1, %s, %s", extract, y, tmp)
	p("%s %s, %s, %s", add, tmp, x, x)
	p("VPSHUFD $0x4e, %s, %s", x, tmp)
	p("%s %s, %s, %s", add, tmp, x, x)
	p("VPSHUFD $0xb1, %s, %s", x, tmp)
	p("%s %s, %s, %s", add, tmp, x, x)
}

// hammingPOPCNT counts with scalar POPCNTQ, four words at a time.
func hammingPOPCNT() {
	text(`func hammingPOPCNT(a, b []uint64) int

Scalar POPCNTQ over four independent counts (a plain Go loop measured
~3.5 cycles a word here: one serial sum plus Go's POPCNT feature check on
every call). POPCNTQ r, r avoids the false output dependency of some
Intel cores.`, "hammingPOPCNT", 56)
	sums := []string{"AX", "BX", "DX", "R8"}
	words := []string{"R9", "R10", "R11", "R12"}
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	for _, r := range sums {
		p("XORQ %s, %s", r, r)
	}
	p("CMPQ CX, $4")
	p("JLT pop_tail")

	label("pop_4")
	for i, r := range words {
		p("MOVQ %s, %s", mem(8*i, "SI"), r)
	}
	for i, r := range words {
		p("XORQ %s, %s", mem(8*i, "DI"), r)
	}
	for _, r := range words {
		p("POPCNTQ %s, %s", r, r)
	}
	for i, r := range words {
		p("ADDQ %s, %s", r, sums[i])
	}
	p("ADDQ $32, SI")
	p("ADDQ $32, DI")
	p("SUBQ $4, CX")
	p("CMPQ CX, $4")
	p("JGE pop_4")

	label("pop_tail")
	p("TESTQ CX, CX")
	p("JZ pop_done")

	label("pop_1")
	p("MOVQ (SI), R9")
	p("XORQ (DI), R9")
	p("POPCNTQ R9, R9")
	p("ADDQ R9, AX")
	p("ADDQ $8, SI")
	p("ADDQ $8, DI")
	p("DECQ CX")
	p("JNZ pop_1")

	label("pop_done")
	p("ADDQ BX, AX")
	p("ADDQ R8, DX")
	p("ADDQ DX, AX")
	p("MOVQ AX, ret+48(FP)")
	p("RET")
}

// dotInt8VNNI multiplies a+128 (unsigned) by b (signed) with VPDPBUSD and
// subtracts 128·Σb.
func dotInt8VNNI() {
	text(`func dotInt8VNNI(a, b []int8) int32

VPDPBUSD multiplies unsigned by signed bytes, so a is biased to a+128
(a XOR 0x80) and 128·Σb, itself a VPDPBUSD of ones by b, is subtracted.
All arithmetic wraps modulo 2^32 exactly like the portable kernel.`, "dotInt8VNNI", 52)
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	p("MOVL $0x80808080, AX")
	p("VPBROADCASTD AX, Z31")
	p("MOVL $0x01010101, AX")
	p("VPBROADCASTD AX, Z30")
	p("VPXORD Z0, Z0, Z0 // Σ (a+128)·b")
	p("VPXORD Z1, Z1, Z1")
	p("VPXORD Z2, Z2, Z2 // Σ b")
	p("VPXORD Z3, Z3, Z3")
	p("CMPQ CX, $128")
	p("JLT i8_64")

	label("i8_128")
	p("VMOVDQU64 (SI), Z4")
	p("VMOVDQU64 64(SI), Z5")
	p("VMOVDQU64 (DI), Z6")
	p("VMOVDQU64 64(DI), Z7")
	p("VPXORD Z31, Z4, Z4")
	p("VPXORD Z31, Z5, Z5")
	p("VPDPBUSD Z6, Z4, Z0")
	p("VPDPBUSD Z7, Z5, Z1")
	p("VPDPBUSD Z6, Z30, Z2")
	p("VPDPBUSD Z7, Z30, Z3")
	p("ADDQ $128, SI")
	p("ADDQ $128, DI")
	p("SUBQ $128, CX")
	p("CMPQ CX, $128")
	p("JGE i8_128")

	label("i8_64")
	p("CMPQ CX, $64")
	p("JLT i8_tail")
	p("VMOVDQU64 (SI), Z4")
	p("VMOVDQU64 (DI), Z6")
	p("VPXORD Z31, Z4, Z4")
	p("VPDPBUSD Z6, Z4, Z0")
	p("VPDPBUSD Z6, Z30, Z2")
	p("ADDQ $64, SI")
	p("ADDQ $64, DI")
	p("SUBQ $64, CX")

	label("i8_tail")
	p("TESTQ CX, CX")
	p("JZ i8_sum")
	p("MOVQ $1, AX")
	p("SHLQ CX, AX")
	p("DECQ AX")
	p("KMOVQ AX, K1")
	p("VMOVDQU8.Z (SI), K1, Z4")
	p("VMOVDQU8.Z (DI), K1, Z6")
	p("VPXORD Z31, Z4, Z4")
	p("VPDPBUSD Z6, Z4, Z1")
	p("VPDPBUSD Z6, Z30, Z3")

	label("i8_sum")
	p("VPADDD Z1, Z0, Z0")
	p("VPADDD Z3, Z2, Z2")
	p("VPSLLD $7, Z2, Z2")
	p("VPSUBD Z2, Z0, Z0")
	p("VEXTRACTI64X4 $1, Z0, Y1")
	p("VPADDD Y1, Y0, Y0")
	hsumD("VPADDD", "VEXTRACTI128", "Y0", "X0", "X1")
	p("VMOVD X0, AX")
	p("VZEROUPPER")
	p("MOVL AX, ret+48(FP)")
	p("RET")
}

// hammingAVX512 counts with VPOPCNTQ, sixteen words at a time.
func hammingAVX512() {
	text("func hammingAVX512(a, b []uint64) int", "hammingAVX512", 56)
	p("MOVQ a_base+0(FP), SI")
	p("MOVQ a_len+8(FP), CX")
	p("MOVQ b_base+24(FP), DI")
	p("VPXORQ Z0, Z0, Z0")
	p("VPXORQ Z1, Z1, Z1")
	p("CMPQ CX, $16")
	p("JLT ham_8")

	label("ham_16")
	p("VMOVDQU64 (SI), Z2")
	p("VMOVDQU64 64(SI), Z3")
	p("VPXORQ (DI), Z2, Z2")
	p("VPXORQ 64(DI), Z3, Z3")
	p("VPOPCNTQ Z2, Z2")
	p("VPOPCNTQ Z3, Z3")
	p("VPADDQ Z2, Z0, Z0")
	p("VPADDQ Z3, Z1, Z1")
	p("ADDQ $128, SI")
	p("ADDQ $128, DI")
	p("SUBQ $16, CX")
	p("CMPQ CX, $16")
	p("JGE ham_16")

	label("ham_8")
	p("CMPQ CX, $8")
	p("JLT ham_tail")
	p("VMOVDQU64 (SI), Z2")
	p("VPXORQ (DI), Z2, Z2")
	p("VPOPCNTQ Z2, Z2")
	p("VPADDQ Z2, Z0, Z0")
	p("ADDQ $64, SI")
	p("ADDQ $64, DI")
	p("SUBQ $8, CX")

	label("ham_tail")
	p("TESTQ CX, CX")
	p("JZ ham_sum")
	avx512.tailMask()
	p("VMOVDQU64.Z (SI), K1, Z2")
	p("VMOVDQU64.Z (DI), K1, Z3")
	p("VPXORQ Z3, Z2, Z2")
	p("VPOPCNTQ Z2, Z2")
	p("VPADDQ Z2, Z1, Z1")

	label("ham_sum")
	p("VPADDQ Z1, Z0, Z0")
	p("VEXTRACTI64X4 $1, Z0, Y1")
	p("VPADDQ Y1, Y0, Y0")
	p("VEXTRACTI128 $1, Y0, X1")
	p("VPADDQ X1, X0, X0")
	p("VPSHUFD $0x4e, X0, X1")
	p("VPADDQ X1, X0, X0")
	p("VMOVQ X0, AX")
	p("VZEROUPPER")
	p("MOVQ AX, ret+48(FP)")
	p("RET")
}

// header starts an assembly file.
func header(doc string) { startAsm("gen_kernels.go", doc, "amd64 && !purego") }

func main() {
	var decls []decl
	for _, s := range []isa{avx2, avx512} {
		if s.r == "Y" {
			header(`This file holds the AVX2+FMA kernels. Loops keep several independent
accumulators to hide FMA latency; float tails shorter than one register
use VMASKMOVPS with a mask from tailmask<>, so no kernel reads or writes
outside its slices.`)
			w.WriteString("\n")
			comment(false, `8 lanes of -1 followed by 8 lanes of 0: the 8 dwords at byte offset
4·(8-r) select the first r lanes.`)
			for i := 0; i < 8; i++ {
				v := "$0xffffffffffffffff"
				if i >= 4 {
					v = "$0"
				}
				fmt.Fprintf(w, "DATA tailmask<>+0x%02x(SB)/8, %s\n", 8*i, v)
			}
			w.WriteString("GLOBL tailmask<>(SB), RODATA|NOPTR, $64\n")
		} else {
			header(`This file holds the AVX-512 kernels (F, VL, BW, DQ; VNNI for the int8 dot
product and VPOPCNTDQ for Hamming distance). Loops keep several
independent accumulators to hide FMA latency, and every tail shorter than
one register is handled with a masked load, so no kernel reads outside
its slices.`)
		}
		reduce(s, false)
		reduce(s, true)
		cosine(s)
		scale(s)
		w.WriteString("\n")
		comment(false, batchDoc(s))
		batch(s, false)
		batch(s, true)
		sfx := s.suffix
		decls = append(decls,
			decl{"dot" + sfx, "(a, b []float32) float32"},
			decl{"squaredL2" + sfx, "(a, b []float32) float32"},
			decl{"cosine" + sfx, "(a, b []float32) (ab, aa, bb, c float32)"},
			decl{"scale" + sfx, "(v []float32, s float32)"})
		if s.stream {
			decls = append(decls,
				decl{"dotBatch" + sfx, "(dst, q, rows []float32, stream bool)"},
				decl{"squaredL2Batch" + sfx, "(dst, q, rows []float32, stream bool)"})
		} else {
			decls = append(decls,
				decl{"dotBatch" + sfx, "(dst, q, rows []float32)"},
				decl{"squaredL2Batch" + sfx, "(dst, q, rows []float32)"})
		}
		if s.r == "Y" {
			dotInt8AVX2()
			hammingPOPCNT()
			decls = append(decls, decl{"dotInt8AVX2", "(a, b []int8) int32"}, decl{"hammingPOPCNT", "(a, b []uint64) int"})
			writeFile("avx2_amd64.s", w.Bytes())
		} else {
			dotInt8VNNI()
			hammingAVX512()
			decls = append(decls, decl{"dotInt8VNNI", "(a, b []int8) int32"}, decl{"hammingAVX512", "(a, b []uint64) int"})
			writeFile("avx512_amd64.s", w.Bytes())
		}
	}

	writeDecls("kernels_amd64.go", "gen_kernels.go", `This file declares the amd64 assembly kernels (avx2_amd64.s and
avx512_amd64.s). Each assumes validated arguments, like the portable
kernels in generic.go. The AVX2 batch kernels' stream flag selects the
sequential path for scans too large for the caches (see streamMinFloats);
AVX-512 machines run it for those scans too.`, "amd64 && !purego", decls)
}
