// This program writes kernels_arm64.s and kernels_arm64.go: the arm64 NEON
// GEMM micro-kernels (float32, A read in place, 8×8 tiles), one function
// per row count 1..8 so that row tails run without wasted work, and the
// int8 kernels for the dotprod level (SDOT by element, 1..4 rows × 16
// columns of a QPacked panel). Run it with `go generate` in this
// directory.
//
// SDOT multiplies signed bytes, while the int8 path quantises A to uint8
// with zero point 128 for VNNI's u8×s8 products: the kernel flips the top
// bit of A (a−128 as int8), so SDOT gives Σ(a−128)·b, and adds back
// 128·Σb (corr, converted to int32: exact, as corr is 128 times an integer
// below 2^24 for every k the int8 path accepts) before the float epilogue,
// which is the pure-Go kernel's, operation for operation:
// ((float32(acc) − corr)·sw)·sa, so the results are bit-identical.
//
// A tile keeps its 8×8 sums in V16-V31 (two registers per row). Each step
// of four inputs loads four consecutive elements of each row of A into
// V0-V7 and four rows of the B panel into V8-V15, and multiplies with
// FMLA by element (Vd.4S += Vn.4S·Vm.S[lane]): 64 FMLAs per 16 loads, so
// the kernel is bound by the FMA pipes, not the loads. The Go assembler
// has no FMLA by element nor vector FADD: those are WORD directives from
// the A64 encodings (checked against llvm-mc -triple=aarch64
// -show-encoding), with the instruction in a comment beside them.

//go:build ignore

package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"strings"
)

const mr = 8 // rows per tile; NR = 8 (two registers)

var w bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&w, "\t"+format+"\n", args...) }

// word writes a hand-encoded instruction with Rd in bits 0-4, Rn in 5-9
// and Rm in 16-20, and its assembly in a comment.
func word(base uint32, d, n, m int, asm string) {
	p("WORD $0x%08x // %s", base|uint32(m)<<16|uint32(n)<<5|uint32(d), asm)
}

// fmlaElem is FMLA Vd.4S, Vn.4S, Vm.S[lane]: the lane index is H:L (bits
// 11 and 21).
func fmlaElem(d, n, m, lane int) {
	word(0x4f801000|uint32(lane&1)<<21|uint32(lane>>1)<<11, d, n, m,
		fmt.Sprintf("FMLA V%d.4S, V%d.4S, V%d.S[%d]", d, n, m, lane))
}

// sdotElem is SDOT Vd.4S, Vn.16B, Vm.4B[lane].
func sdotElem(d, n, m, lane int) {
	word(0x4f80e000|uint32(lane&1)<<21|uint32(lane>>1)<<11, d, n, m,
		fmt.Sprintf("SDOT V%d.4S, V%d.16B, V%d.4B[%d]", d, n, m, lane))
}

func op(base uint32, asm string, d, n, m int) { word(base, d, n, m, fmt.Sprintf(asm, d, n, m)) }

func fadd(d, n, m int) {
	word(0x4e20d400, d, n, m, fmt.Sprintf("FADD V%d.4S, V%d.4S, V%d.4S", d, n, m))
}

// kernel writes neonD<rows>: c[i*ldc+j] (+)= Σ_p a[i*lda+p]·b[p*8+j] for
// i < rows, j < 8, p < k. Registers: R0 k left, R2 lda and R5 ldc in
// bytes, R3 the B panel, R4 row 0 of C, R6 acc, R7+i row i of A.
func kernel(rows int) {
	name := fmt.Sprintf("neonD%d", rows)
	fmt.Fprintf(&w, "\n// %s computes a %d×8 tile.\n", name, rows)
	fmt.Fprintf(&w, "TEXT ·%s(SB), NOSPLIT, $0-56\n", name)
	p("MOVD k+0(FP), R0")
	p("MOVD a+8(FP), R7")
	p("MOVD lda+16(FP), R2")
	p("MOVD b+24(FP), R3")
	p("MOVD c+32(FP), R4")
	p("MOVD ldc+40(FP), R5")
	p("MOVD acc+48(FP), R6")
	p("LSL $2, R2")
	p("LSL $2, R5")
	for i := 1; i < rows; i++ {
		p("ADD R2, R%d, R%d", 6+i, 7+i)
	}
	for i := 0; i < rows; i++ {
		p("VEOR V%d.B16, V%d.B16, V%d.B16", 16+2*i, 16+2*i, 16+2*i)
		p("VEOR V%d.B16, V%d.B16, V%d.B16", 17+2*i, 17+2*i, 17+2*i)
	}
	fmt.Fprintf(&w, "\n%s_k4:\n", name)
	p("CMP $4, R0")
	p("BLT %s_k1", name)
	for i := 0; i < rows; i++ {
		p("VLD1.P 16(R%d), [V%d.S4]", 7+i, i)
	}
	p("VLD1.P 64(R3), [V8.S4, V9.S4, V10.S4, V11.S4]")
	p("VLD1.P 64(R3), [V12.S4, V13.S4, V14.S4, V15.S4]")
	for s := 0; s < 4; s++ {
		for i := 0; i < rows; i++ {
			fmlaElem(16+2*i, 8+2*s, i, s)
			fmlaElem(17+2*i, 9+2*s, i, s)
		}
	}
	p("SUB $4, R0")
	p("B %s_k4", name)
	fmt.Fprintf(&w, "\n%s_k1:\n", name)
	p("CBZ R0, %s_store", name)
	for i := 0; i < rows; i++ {
		p("FMOVS.P 4(R%d), F%d", 7+i, i)
	}
	p("VLD1.P 32(R3), [V8.S4, V9.S4]")
	for i := 0; i < rows; i++ {
		fmlaElem(16+2*i, 8, i, 0)
		fmlaElem(17+2*i, 9, i, 0)
	}
	p("SUB $1, R0")
	p("B %s_k1", name)
	fmt.Fprintf(&w, "\n%s_store:\n", name)
	p("CBZ R6, %s_set", name)
	for i := 0; i < rows; i++ {
		p("VLD1 (R4), [V0.S4, V1.S4]")
		fadd(16+2*i, 16+2*i, 0)
		fadd(17+2*i, 17+2*i, 1)
		p("VST1 [V%d.S4, V%d.S4], (R4)", 16+2*i, 17+2*i)
		if i+1 < rows {
			p("ADD R5, R4")
		}
	}
	p("RET")
	fmt.Fprintf(&w, "\n%s_set:\n", name)
	for i := 0; i < rows; i++ {
		p("VST1 [V%d.S4, V%d.S4], (R4)", 16+2*i, 17+2*i)
		if i+1 < rows {
			p("ADD R5, R4")
		}
	}
	p("RET")
}

const signature = "(k int, a *float32, lda int, b, c *float32, ldc, acc int)"

const sdotSignature = "(kg int, a *uint8, b *int8, c *float32, ldc int, corr, sw, sa *float32)"

// sdotKernel writes sdot<rows>: rows (1..4) × 16 columns of C from kg
// groups of 4 inputs: A groups 56 bytes apart (rows 4 bytes apart within),
// B groups 128 bytes apart (the 16 columns are 64 consecutive bytes).
// Registers: R0 kg left, R1 A, R2 B, R3 C, R4 ldc in bytes, R5 corr, R6
// sw, R7 sa; V0-V1 A (row r in lane r%4 of V0, or row 2 of three in V1),
// V4-V7 B, V12+4r..V15+4r row r's sums, V28 bytes of 0x80.
func sdotKernel(rows int) {
	name := fmt.Sprintf("sdot%d", rows)
	fmt.Fprintf(&w, "\n// %s computes %d×16 of an int8 tile.\n", name, rows)
	fmt.Fprintf(&w, "TEXT ·%s(SB), NOSPLIT, $0-64\n", name)
	p("MOVD kg+0(FP), R0")
	p("MOVD a+8(FP), R1")
	p("MOVD b+16(FP), R2")
	p("MOVD c+24(FP), R3")
	p("MOVD ldc+32(FP), R4")
	p("MOVD corr+40(FP), R5")
	p("MOVD sw+48(FP), R6")
	p("MOVD sa+56(FP), R7")
	p("LSL $2, R4")
	word(0x4f04e400, 28, 0, 0, "MOVI V28.16B, #0x80")
	for r := 0; r < 4*rows; r++ {
		p("VEOR V%d.B16, V%d.B16, V%d.B16", 12+r, 12+r, 12+r)
	}
	// where row r's four bytes are: register and lane
	reg := func(r int) (int, int) {
		if rows == 3 && r == 2 {
			return 1, 0
		}
		return 0, r
	}
	fmt.Fprintf(&w, "\n%s_loop:\n", name)
	p("CBZ R0, %s_store", name)
	switch rows {
	case 1:
		p("FMOVS (R1), F0")
	case 2:
		p("FMOVD (R1), F0")
	case 3:
		p("FMOVD (R1), F0")
		p("FMOVS 8(R1), F1")
	case 4:
		p("VLD1 (R1), [V0.B16]")
	}
	p("ADD $56, R1")
	p("VEOR V28.B16, V0.B16, V0.B16")
	if rows == 3 {
		p("VEOR V28.B16, V1.B16, V1.B16")
	}
	p("VLD1 (R2), [V4.B16, V5.B16, V6.B16, V7.B16]")
	p("ADD $128, R2")
	for r := 0; r < rows; r++ {
		rg, lane := reg(r)
		for c := 0; c < 4; c++ {
			sdotElem(12+4*r+c, 4+c, rg, lane)
		}
	}
	p("SUB $1, R0")
	p("B %s_loop", name)
	fmt.Fprintf(&w, "\n%s_store:\n", name)
	p("VLD1 (R5), [V0.S4, V1.S4, V2.S4, V3.S4]")
	p("VLD1 (R6), [V8.S4, V9.S4, V10.S4, V11.S4]")
	for c := 0; c < 4; c++ {
		op(0x4ea1b800, "FCVTZS V%d.4S, V%d.4S", 4+c, c, 0)
	}
	for r := 0; r < rows; r++ {
		p("FMOVS.P 4(R7), F28")
		for c := 0; c < 4; c++ {
			x := 12 + 4*r + c
			op(0x4ea08400, "ADD V%d.4S, V%d.4S, V%d.4S", x, x, 4+c)
			op(0x4e21d800, "SCVTF V%d.4S, V%d.4S", x, x, 0)
			op(0x4ea0d400, "FSUB V%d.4S, V%d.4S, V%d.4S", x, x, c)
			op(0x6e20dc00, "FMUL V%d.4S, V%d.4S, V%d.4S", x, x, 8+c)
			op(0x4f809000, "FMUL V%d.4S, V%d.4S, V%d.S[0]", x, x, 28)
		}
		p("VST1 [V%d.S4, V%d.S4, V%d.S4, V%d.S4], (R3)", 12+4*r, 13+4*r, 14+4*r, 15+4*r)
		if r+1 < rows {
			p("ADD R4, R3")
		}
	}
	p("RET")
}

func main() {
	w.WriteString("// Code generated by gen_kernels_neon.go; DO NOT EDIT.\n\n")
	w.WriteString(strings.TrimSpace(`
// This file holds the arm64 NEON GEMM micro-kernels: 1..8 rows of A read
// in place times an 8-column B panel, FMLA by element; and the int8
// kernels, SDOT by element (see gen_kernels_neon.go for the register plans
// and the WORD encodings).`) + "\n\n")
	w.WriteString("//go:build arm64 && !purego\n\n#include \"textflag.h\"\n")
	for r := 1; r <= mr; r++ {
		kernel(r)
	}
	for r := 1; r <= 4; r++ {
		sdotKernel(r)
	}
	if err := os.WriteFile("kernels_arm64.s", w.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var g bytes.Buffer
	g.WriteString("// Code generated by gen_kernels_neon.go; DO NOT EDIT.\n\n")
	g.WriteString("// This file declares the arm64 micro-kernels of kernels_arm64.s.\n\n")
	g.WriteString("//go:build arm64 && !purego\n\npackage gemm\n\n")
	for r := 1; r <= mr; r++ {
		fmt.Fprintf(&g, "//go:noescape\nfunc neonD%d%s\n\n", r, signature)
	}
	fmt.Fprintf(&g, "var neonDTable = [...]func%s{\n", signature)
	for r := 1; r <= mr; r++ {
		fmt.Fprintf(&g, "\tneonD%d,\n", r)
	}
	g.WriteString("}\n\n")
	for r := 1; r <= 4; r++ {
		fmt.Fprintf(&g, "//go:noescape\nfunc sdot%d%s\n\n", r, sdotSignature)
	}
	fmt.Fprintf(&g, "var sdotTable = [...]func%s{\n", sdotSignature)
	for r := 1; r <= 4; r++ {
		fmt.Fprintf(&g, "\tsdot%d,\n", r)
	}
	g.WriteString("}\n")
	src, err := format.Source(g.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("kernels_arm64.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
