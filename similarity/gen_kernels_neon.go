// This program writes neon_arm64.s and kernels_arm64.go: the arm64 NEON
// (Advanced SIMD) assembly kernels of this package and their Go
// declarations (with gen_common.go, the scaffolding it shares with
// gen_kernels.go). The float kernels (dot, squared L2, cosine, scale and the
// batch scans) run at both arm64 levels; the int8 dot product has one
// kernel per level (SMULL/SADALP at neon, SDOT at dotprod). Run it with
// `go generate` in this directory.
//
// The Go assembler lacks the vector floating-point arithmetic of A64
// (FADD, FSUB, FMUL, FADDP), SDOT, SMULL, SADALP, UADDLP and UADALP: those
// are written as WORD directives from the encodings below (Arm
// Architecture Reference Manual, A64 "Advanced SIMD three same", "three
// different", "two-register miscellaneous" and "vector x indexed element"
// classes; each was checked against llvm-mc -triple=aarch64
// -mattr=+dotprod -show-encoding), with the instruction in a comment
// beside it.

//go:build ignore

package main

import (
	"fmt"
	"strings"
)

// word writes a hand-encoded instruction: base with Rd in bits 0-4, Rn in
// 5-9 and Rm in 16-20, and its assembly in a comment.
func word(base uint32, d, n, m int, asm string) {
	p("WORD $0x%08x // %s", base|uint32(m)<<16|uint32(n)<<5|uint32(d), asm)
}

// The hand-encoded instructions (d, n, m are vector register numbers).
func fadd(d, n, m int) {
	word(0x4e20d400, d, n, m, fmt.Sprintf("FADD V%d.4S, V%d.4S, V%d.4S", d, n, m))
}
func fsub(d, n, m int) {
	word(0x4ea0d400, d, n, m, fmt.Sprintf("FSUB V%d.4S, V%d.4S, V%d.4S", d, n, m))
}

// fmulElem0 is FMUL Vd.4S, Vn.4S, Vm.S[0].
func fmulElem0(d, n, m int) {
	word(0x4f809000, d, n, m, fmt.Sprintf("FMUL V%d.4S, V%d.4S, V%d.S[0]", d, n, m))
}
func faddp(d, n, m int) {
	word(0x6e20d400, d, n, m, fmt.Sprintf("FADDP V%d.4S, V%d.4S, V%d.4S", d, n, m))
}

// faddpScalar is FADDP Sd, Vn.2S: the sum of lanes 0 and 1.
func faddpScalar(d, n int) { word(0x7e30d800, d, n, 0, fmt.Sprintf("FADDP S%d, V%d.2S", d, n)) }
func sdot(d, n, m int) {
	word(0x4e809400, d, n, m, fmt.Sprintf("SDOT V%d.4S, V%d.16B, V%d.16B", d, n, m))
}
func smull(d, n, m int) {
	word(0x0e20c000, d, n, m, fmt.Sprintf("SMULL V%d.8H, V%d.8B, V%d.8B", d, n, m))
}
func smull2(d, n, m int) {
	word(0x4e20c000, d, n, m, fmt.Sprintf("SMULL2 V%d.8H, V%d.16B, V%d.16B", d, n, m))
}
func sadalp4s(d, n int) { word(0x4e606800, d, n, 0, fmt.Sprintf("SADALP V%d.4S, V%d.8H", d, n)) }
func uaddlp8h(d, n int) { word(0x6e202800, d, n, 0, fmt.Sprintf("UADDLP V%d.8H, V%d.16B", d, n)) }
func uaddlp4s(d, n int) { word(0x6e602800, d, n, 0, fmt.Sprintf("UADDLP V%d.4S, V%d.8H", d, n)) }
func uadalp2d(d, n int) { word(0x6ea06800, d, n, 0, fmt.Sprintf("UADALP V%d.2D, V%d.4S", d, n)) }

// fmla is Vd.4S += Vn.4S·Vm.4S (the Go assembler's VFMLA).
func fmla(d, n, m int) { p("VFMLA V%d.S4, V%d.S4, V%d.S4", m, n, d) }

// zero clears vector registers.
func zero(regs ...int) {
	for _, r := range regs {
		p("VEOR V%d.B16, V%d.B16, V%d.B16", r, r, r)
	}
}

// regs lists n vector registers from first with arrangement arr, for VLD1.
func regs(first, n int, arr string) string {
	var s []string
	for i := 0; i < n; i++ {
		s = append(s, fmt.Sprintf("V%d.%s", first+i, arr))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// hsum sets Sd to the sum of the four lanes of Vn (clobbers Vn):
// (v0+v1)+(v2+v3).
func hsum(d, n int) {
	faddp(n, n, n)
	faddpScalar(d, n)
}

// reduce writes dotNEON (l2 false) or squaredL2NEON (l2 true): eight
// accumulators over eight registers (32 floats) per step, then four
// registers, then one, then single elements loaded into lane 0 (the other
// lanes are zero, so the vector FMA adds the product to lane 0 only).
func reduce(l2 bool) {
	name, doc := "dotNEON", "dotNEON returns a·b."
	if l2 {
		name, doc = "squaredL2NEON", "squaredL2NEON returns Σ(aᵢ-bᵢ)²."
	}
	// body multiplies registers a..a+k-1 with b..b+k-1 into acc..acc+k-1.
	body := func(a, b, acc, k int) {
		for i := 0; i < k; i++ {
			if l2 {
				fsub(a+i, a+i, b+i)
			}
		}
		for i := 0; i < k; i++ {
			if l2 {
				fmla(acc+i, a+i, a+i)
			} else {
				fmla(acc+i, a+i, b+i)
			}
		}
	}
	text(doc, name, 52)
	p("MOVD a_base+0(FP), R0")
	p("MOVD a_len+8(FP), R2")
	p("MOVD b_base+24(FP), R1")
	zero(16, 17, 18, 19, 20, 21, 22, 23)
	p("CMP $32, R2")
	p("BLT %s_16", name)
	label(name + "_loop32")
	p("VLD1.P 64(R0), %s", regs(0, 4, "S4"))
	p("VLD1.P 64(R0), %s", regs(4, 4, "S4"))
	p("VLD1.P 64(R1), %s", regs(8, 4, "S4"))
	p("VLD1.P 64(R1), %s", regs(12, 4, "S4"))
	body(0, 8, 16, 8)
	p("SUB $32, R2")
	p("CMP $32, R2")
	p("BGE %s_loop32", name)
	label(name + "_16")
	p("CMP $16, R2")
	p("BLT %s_4", name)
	p("VLD1.P 64(R0), %s", regs(0, 4, "S4"))
	p("VLD1.P 64(R1), %s", regs(8, 4, "S4"))
	body(0, 8, 16, 4)
	p("SUB $16, R2")
	label(name + "_4")
	p("CMP $4, R2")
	p("BLT %s_1", name)
	p("VLD1.P 16(R0), [V0.S4]")
	p("VLD1.P 16(R1), [V8.S4]")
	body(0, 8, 16, 1)
	p("SUB $4, R2")
	p("B %s_4", name)
	label(name + "_1")
	p("CBZ R2, %s_done", name)
	p("FMOVS.P 4(R0), F0")
	p("FMOVS.P 4(R1), F8")
	body(0, 8, 17, 1)
	p("SUB $1, R2")
	p("B %s_1", name)
	label(name + "_done")
	fadd(16, 16, 17)
	fadd(18, 18, 19)
	fadd(20, 20, 21)
	fadd(22, 22, 23)
	fadd(16, 16, 18)
	fadd(20, 20, 22)
	fadd(16, 16, 20)
	hsum(0, 16)
	p("FMOVS F0, ret+48(FP)")
	p("RET")
}

// cosine writes cosineNEON: a·b, a·a and b·b in one pass, four
// accumulators each over four registers (16 floats) per step, then one
// register, then single elements. The Go side computes the cosine.
func cosine() {
	text("cosineNEON returns a·b, a·a and b·b.", "cosineNEON", 60)
	p("MOVD a_base+0(FP), R0")
	p("MOVD a_len+8(FP), R2")
	p("MOVD b_base+24(FP), R1")
	for r := 16; r < 28; r++ {
		zero(r)
	}
	// body: a in V0+i, b in V4+i, sums ab in V16+acc, aa in V20+acc, bb
	// in V24+acc.
	body := func(k, acc int) {
		for i := 0; i < k; i++ {
			fmla(16+acc+i, i, 4+i)
			fmla(20+acc+i, i, i)
			fmla(24+acc+i, 4+i, 4+i)
		}
	}
	label("cosineNEON_loop16")
	p("CMP $16, R2")
	p("BLT cosineNEON_4")
	p("VLD1.P 64(R0), %s", regs(0, 4, "S4"))
	p("VLD1.P 64(R1), %s", regs(4, 4, "S4"))
	body(4, 0)
	p("SUB $16, R2")
	p("B cosineNEON_loop16")
	label("cosineNEON_4")
	p("CMP $4, R2")
	p("BLT cosineNEON_1")
	p("VLD1.P 16(R0), [V0.S4]")
	p("VLD1.P 16(R1), [V4.S4]")
	body(1, 0)
	p("SUB $4, R2")
	p("B cosineNEON_4")
	label("cosineNEON_1")
	p("CBZ R2, cosineNEON_done")
	p("FMOVS.P 4(R0), F0")
	p("FMOVS.P 4(R1), F4")
	body(1, 1)
	p("SUB $1, R2")
	p("B cosineNEON_1")
	label("cosineNEON_done")
	for i, out := range []string{"ab+48(FP)", "aa+52(FP)", "bb+56(FP)"} {
		b := 16 + 4*i
		fadd(b, b, b+1)
		fadd(b+2, b+2, b+3)
		fadd(b, b, b+2)
		hsum(0, b)
		p("FMOVS F0, %s", out)
	}
	p("RET")
}

// scale writes scaleNEON: v[i] *= s, four registers per step, then one,
// then single elements.
func scale() {
	text("scaleNEON multiplies v by s in place.", "scaleNEON", 28)
	p("MOVD v_base+0(FP), R0")
	p("MOVD v_len+8(FP), R2")
	p("FMOVS s+24(FP), F31")
	label("scaleNEON_loop16")
	p("CMP $16, R2")
	p("BLT scaleNEON_4")
	p("VLD1 (R0), %s", regs(0, 4, "S4"))
	for i := 0; i < 4; i++ {
		fmulElem0(i, i, 31)
	}
	p("VST1.P %s, 64(R0)", regs(0, 4, "S4"))
	p("SUB $16, R2")
	p("B scaleNEON_loop16")
	label("scaleNEON_4")
	p("CMP $4, R2")
	p("BLT scaleNEON_1")
	p("VLD1 (R0), [V0.S4]")
	fmulElem0(0, 0, 31)
	p("VST1.P [V0.S4], 16(R0)")
	p("SUB $4, R2")
	p("B scaleNEON_4")
	label("scaleNEON_1")
	p("CBZ R2, scaleNEON_done")
	p("FMOVS (R0), F0")
	p("FMULS F31, F0")
	p("FMOVS.P F0, 4(R0)")
	p("SUB $1, R2")
	p("B scaleNEON_1")
	label("scaleNEON_done")
	p("RET")
}

// batch writes dotBatchNEON (l2 false) or squaredL2BatchNEON (l2 true):
// rows four at a time (each query register loaded once for four rows; two
// registers per row and step, then one, then single elements), then one
// at a time.
//
// Registers: R0 dst, R1 rows left, R2 q, R3 len(q), R4 the next row, R11
// the row stride in bytes; in a group, R5-R8 the rows, R9 the query, R10
// the elements left; V0-V1 the query block, V2+2r and V3+2r row r's block,
// V16+2r and V17+2r its sums.
func batch(l2 bool) {
	name := "dotBatchNEON"
	doc := "dotBatchNEON sets dst[i] to q·rows[i·d:(i+1)·d], d = len(q)."
	if l2 {
		name = "squaredL2BatchNEON"
		doc = "squaredL2BatchNEON sets dst[i] to |q-rows[i·d:(i+1)·d]|², d = len(q)."
	}
	// mul adds row register x times query register q into acc.
	mul := func(acc, x, q int) {
		if l2 {
			fsub(x, x, q)
			fmla(acc, x, x)
		} else {
			fmla(acc, x, q)
		}
	}
	group := func(k int, pfx string) {
		p("MOVD R2, R9")
		p("MOVD R3, R10")
		for r := 0; r < k; r++ {
			zero(16+2*r, 17+2*r)
		}
		label(pfx + "_8")
		p("CMP $8, R10")
		p("BLT %s_4", pfx)
		p("VLD1.P 32(R9), [V0.S4, V1.S4]")
		for r := 0; r < k; r++ {
			p("VLD1.P 32(R%d), [V%d.S4, V%d.S4]", 5+r, 2+2*r, 3+2*r)
		}
		for r := 0; r < k; r++ {
			mul(16+2*r, 2+2*r, 0)
			mul(17+2*r, 3+2*r, 1)
		}
		p("SUB $8, R10")
		p("B %s_8", pfx)
		label(pfx + "_4")
		p("CMP $4, R10")
		p("BLT %s_1", pfx)
		p("VLD1.P 16(R9), [V0.S4]")
		for r := 0; r < k; r++ {
			p("VLD1.P 16(R%d), [V%d.S4]", 5+r, 2+2*r)
		}
		for r := 0; r < k; r++ {
			mul(16+2*r, 2+2*r, 0)
		}
		p("SUB $4, R10")
		label(pfx + "_1")
		p("CBZ R10, %s_sum", pfx)
		p("FMOVS.P 4(R9), F0")
		for r := 0; r < k; r++ {
			p("FMOVS.P 4(R%d), F%d", 5+r, 2+2*r)
		}
		for r := 0; r < k; r++ {
			mul(17+2*r, 2+2*r, 0)
		}
		p("SUB $1, R10")
		p("B %s_1", pfx)
		label(pfx + "_sum")
		for r := 0; r < k; r++ {
			fadd(16+2*r, 16+2*r, 17+2*r)
			hsum(16+2*r, 16+2*r)
			p("FMOVS.P F%d, 4(R0)", 16+2*r)
		}
	}
	text(doc, name, 72)
	p("MOVD dst_base+0(FP), R0")
	p("MOVD dst_len+8(FP), R1")
	p("MOVD q_base+24(FP), R2")
	p("MOVD q_len+32(FP), R3")
	p("MOVD rows_base+48(FP), R4")
	p("LSL $2, R3, R11")
	label(name + "_rows4")
	p("CMP $4, R1")
	p("BLT %s_rows1", name)
	p("MOVD R4, R5")
	p("ADD R11, R5, R6")
	p("ADD R11, R6, R7")
	p("ADD R11, R7, R8")
	group(4, name+"_g4")
	p("MOVD R8, R4") // R8 ends where the next group starts
	p("SUB $4, R1")
	p("B %s_rows4", name)
	label(name + "_rows1")
	p("CBZ R1, %s_done", name)
	p("MOVD R4, R5")
	group(1, name+"_g1")
	p("MOVD R5, R4")
	p("SUB $1, R1")
	p("B %s_rows1", name)
	label(name + "_done")
	p("RET")
}

// dotInt8 writes dotInt8NEON (sdot false: SMULL/SMULL2 to 16-bit
// products, which cannot overflow, and SADALP into 32-bit sums, 32 bytes
// per step) or dotInt8SDOT (SDOT, 64 bytes per step); then 16 bytes per
// step; the last bytes one at a time. Every sum is 32-bit and wraps.
func dotInt8(useSDOT bool) {
	name, doc := "dotInt8NEON", "dotInt8NEON returns a·b with SMULL and SADALP."
	if useSDOT {
		name, doc = "dotInt8SDOT", "dotInt8SDOT returns a·b with SDOT (FEAT_DotProd)."
	}
	text(doc, name, 52)
	p("MOVD a_base+0(FP), R0")
	p("MOVD a_len+8(FP), R2")
	p("MOVD b_base+24(FP), R1")
	p("MOVD ZR, R5")
	zero(16, 17, 18, 19)
	step := 32
	if useSDOT {
		step = 64
	}
	label(fmt.Sprintf("%s_loop%d", name, step))
	p("CMP $%d, R2", step)
	p("BLT %s_16", name)
	if useSDOT {
		p("VLD1.P 64(R0), %s", regs(0, 4, "B16"))
		p("VLD1.P 64(R1), %s", regs(4, 4, "B16"))
		for i := 0; i < 4; i++ {
			sdot(16+i, i, 4+i)
		}
	} else {
		p("VLD1.P 32(R0), %s", regs(0, 2, "B16"))
		p("VLD1.P 32(R1), %s", regs(4, 2, "B16"))
		for i := 0; i < 2; i++ {
			smull(8+2*i, i, 4+i)
			smull2(9+2*i, i, 4+i)
		}
		for i := 0; i < 4; i++ {
			sadalp4s(16+i, 8+i)
		}
	}
	p("SUB $%d, R2", step)
	p("B %s_loop%d", name, step)
	label(name + "_16")
	p("CMP $16, R2")
	p("BLT %s_1", name)
	p("VLD1.P 16(R0), [V0.B16]")
	p("VLD1.P 16(R1), [V4.B16]")
	if useSDOT {
		sdot(16, 0, 4)
	} else {
		smull(8, 0, 4)
		smull2(9, 0, 4)
		sadalp4s(16, 8)
		sadalp4s(17, 9)
	}
	p("SUB $16, R2")
	p("B %s_16", name)
	label(name + "_1")
	p("CBZ R2, %s_done", name)
	p("MOVB.P 1(R0), R3")
	p("MOVB.P 1(R1), R4")
	p("MADDW R3, R5, R4, R5")
	p("SUB $1, R2")
	p("B %s_1", name)
	label(name + "_done")
	p("VADD V17.S4, V16.S4, V16.S4")
	p("VADD V19.S4, V18.S4, V18.S4")
	p("VADD V18.S4, V16.S4, V16.S4")
	p("VADDV V16.S4, V16")
	p("VMOV V16.S[0], R6")
	p("ADDW R6, R5")
	p("MOVW R5, ret+48(FP)")
	p("RET")
}

// hamming writes hammingNEON: EOR and CNT per byte, eight words per step
// (the four registers' byte counts added, at most 32 per byte), widened
// with UADDLP to 8 and 4 lanes and accumulated into two 64-bit lanes with
// UADALP; then two words per step; a last odd word through a 64-bit load
// (which zeroes the upper half of the register).
func hamming() {
	text("hammingNEON returns the number of differing bits of a and b.", "hammingNEON", 56)
	p("MOVD a_base+0(FP), R0")
	p("MOVD a_len+8(FP), R2")
	p("MOVD b_base+24(FP), R1")
	zero(16)
	count := func(x int) {
		uaddlp8h(x, x)
		uaddlp4s(x, x)
		uadalp2d(16, x)
	}
	label("hammingNEON_loop8")
	p("CMP $8, R2")
	p("BLT hammingNEON_2")
	p("VLD1.P 64(R0), %s", regs(0, 4, "B16"))
	p("VLD1.P 64(R1), %s", regs(4, 4, "B16"))
	for i := 0; i < 4; i++ {
		p("VEOR V%d.B16, V%d.B16, V%d.B16", 4+i, i, i)
	}
	for i := 0; i < 4; i++ {
		p("VCNT V%d.B16, V%d.B16", i, i)
	}
	p("VADD V1.B16, V0.B16, V0.B16")
	p("VADD V3.B16, V2.B16, V2.B16")
	p("VADD V2.B16, V0.B16, V0.B16")
	count(0)
	p("SUB $8, R2")
	p("B hammingNEON_loop8")
	label("hammingNEON_2")
	p("CMP $2, R2")
	p("BLT hammingNEON_1")
	p("VLD1.P 16(R0), [V0.B16]")
	p("VLD1.P 16(R1), [V4.B16]")
	p("VEOR V4.B16, V0.B16, V0.B16")
	p("VCNT V0.B16, V0.B16")
	count(0)
	p("SUB $2, R2")
	p("B hammingNEON_2")
	label("hammingNEON_1")
	p("CBZ R2, hammingNEON_done")
	p("FMOVD (R0), F0")
	p("FMOVD (R1), F4")
	p("VEOR V4.B16, V0.B16, V0.B16")
	p("VCNT V0.B16, V0.B16")
	count(0)
	label("hammingNEON_done")
	p("VADDP V16.D2, V16.D2, V16.D2")
	p("VMOV V16.D[0], R3")
	p("MOVD R3, ret+48(FP)")
	p("RET")
}

func main() {
	startAsm("gen_kernels_neon.go", `This file holds the arm64 NEON (Advanced SIMD) kernels. Float loops keep
several independent accumulators to hide FMA latency; tails shorter than a
register are read one element at a time, so no kernel reads or writes
outside its slices. Instructions the Go assembler lacks are WORD
directives with the instruction in a comment (see gen_kernels_neon.go).`, "arm64 && !purego")
	reduce(false)
	reduce(true)
	cosine()
	scale()
	batch(false)
	batch(true)
	dotInt8(false)
	dotInt8(true)
	hamming()
	writeFile("neon_arm64.s", w.Bytes())

	decls := []decl{
		{"dotNEON", "(a, b []float32) float32"},
		{"squaredL2NEON", "(a, b []float32) float32"},
		{"cosineNEON", "(a, b []float32) (ab, aa, bb float32)"},
		{"scaleNEON", "(v []float32, s float32)"},
		{"dotBatchNEON", "(dst, q, rows []float32)"},
		{"squaredL2BatchNEON", "(dst, q, rows []float32)"},
		{"dotInt8NEON", "(a, b []int8) int32"},
		{"dotInt8SDOT", "(a, b []int8) int32"},
		{"hammingNEON", "(a, b []uint64) int"},
	}
	writeDecls("kernels_arm64.go", "gen_kernels_neon.go", `This file declares the arm64 assembly kernels (neon_arm64.s). Each
assumes validated arguments, like the portable kernels in generic.go;
dotInt8SDOT needs the dotprod level.`, "arm64 && !purego", decls)
}
