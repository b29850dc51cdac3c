// This program writes kernels_arm64.s and kernels_arm64.go: the arm64 NEON
// kernels of this package, for LayerNorm (the row sum and the sum of
// squared deviations in float64, the normalisation in float32) and the
// elementwise add of bias and residuals. Each kernel handles a whole
// number of 8-float blocks; the Go wrappers (dispatch_arm64.go) run the
// rest with the pure-Go kernels. Run it with `go generate` in this
// directory.
//
// The Go assembler lacks the vector floating-point arithmetic of A64
// (FADD, FSUB, FMUL, FADDP, FCVTL, FMLA on doubles): those are WORD
// directives from the A64 encodings (checked against llvm-mc
// -triple=aarch64 -show-encoding), with the instruction in a comment.

//go:build ignore

package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

var w bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&w, "\t"+format+"\n", args...) }

func label(name string) { fmt.Fprintf(&w, "\n%s:\n", name) }

// word writes a hand-encoded instruction with Rd in bits 0-4, Rn in 5-9
// and Rm in 16-20, and its assembly in a comment.
func word(base uint32, d, n, m int, asm string) {
	p("WORD $0x%08x // %s", base|uint32(m)<<16|uint32(n)<<5|uint32(d), asm)
}

func op3(base uint32, mn, arr string) func(d, n, m int) {
	return func(d, n, m int) {
		word(base, d, n, m, fmt.Sprintf("%s V%d.%s, V%d.%s, V%d.%s", mn, d, arr, n, arr, m, arr))
	}
}

var (
	fadd4s = op3(0x4e20d400, "FADD", "4S")
	fsub4s = op3(0x4ea0d400, "FSUB", "4S")
	fmul4s = op3(0x6e20dc00, "FMUL", "4S")
	fadd2d = op3(0x4e60d400, "FADD", "2D")
	fsub2d = op3(0x4ee0d400, "FSUB", "2D")
	fmla2d = op3(0x4e60cc00, "FMLA", "2D")
)

// fcvtl widens the low (hi false) or high two floats of Vn to doubles.
func fcvtl(d, n int, hi bool) {
	if hi {
		word(0x4e617800, d, n, 0, fmt.Sprintf("FCVTL2 V%d.2D, V%d.4S", d, n))
		return
	}
	word(0x0e617800, d, n, 0, fmt.Sprintf("FCVTL V%d.2D, V%d.2S", d, n))
}

// faddpD is FADDP Dd, Vn.2D.
func faddpD(d, n int) { word(0x7e70d800, d, n, 0, fmt.Sprintf("FADDP D%d, V%d.2D", d, n)) }

// rowSum writes rowSumNEON (sqdev false: Σx) or rowSqDevNEON (Σ(x-mean)²),
// in float64: eight floats per step widened into four registers of two
// doubles, each with its own sum.
func rowSum(sqdev bool) {
	name, doc, frame, ret := "rowSumNEON", "rowSumNEON returns Σx over n floats (n a multiple of 8) in float64.", 24, "ret+16(FP)"
	if sqdev {
		name, doc, frame, ret = "rowSqDevNEON", "rowSqDevNEON returns Σ(x-mean)² over n floats (n a multiple of 8) in float64.", 32, "ret+24(FP)"
	}
	fmt.Fprintf(&w, "\n// %s\nTEXT ·%s(SB), NOSPLIT, $0-%d\n", doc, name, frame)
	p("MOVD x+0(FP), R0")
	p("MOVD n+8(FP), R1")
	if sqdev {
		p("FMOVD mean+16(FP), F31")
		p("VDUP V31.D[0], V31.D2")
	}
	for r := 16; r < 20; r++ {
		p("VEOR V%d.B16, V%d.B16, V%d.B16", r, r, r)
	}
	label(name + "_loop")
	p("CBZ R1, %s_done", name)
	p("VLD1.P 32(R0), [V0.S4, V1.S4]")
	fcvtl(2, 0, false)
	fcvtl(3, 0, true)
	fcvtl(4, 1, false)
	fcvtl(5, 1, true)
	for i := 0; i < 4; i++ {
		if sqdev {
			fsub2d(2+i, 2+i, 31)
			fmla2d(16+i, 2+i, 2+i)
		} else {
			fadd2d(16+i, 16+i, 2+i)
		}
	}
	p("SUB $8, R1")
	p("B %s_loop", name)
	label(name + "_done")
	fadd2d(16, 16, 17)
	fadd2d(18, 18, 19)
	fadd2d(16, 16, 18)
	faddpD(0, 16)
	p("FMOVD F0, %s", ret)
	p("RET")
}

// rowNorm writes rowNormNEON: dst = ((x-hi)-lo)·inv·gamma + beta, eight floats per step,
// in the order of operations of the Go kernel, whose last multiply-add the
// Go compiler fuses on arm64 as FMLA does here.
func rowNorm() {
	fmt.Fprintf(&w, "\n// rowNormNEON sets dst = ((x-hi)-lo)·inv·gamma + beta over n floats (n a\n// multiple of 8).\nTEXT ·rowNormNEON(SB), NOSPLIT, $0-52\n")
	p("MOVD dst+0(FP), R0")
	p("MOVD x+8(FP), R1")
	p("MOVD gamma+16(FP), R2")
	p("MOVD beta+24(FP), R3")
	p("MOVD n+32(FP), R4")
	p("FMOVS hi+40(FP), F29")
	p("FMOVS lo+44(FP), F30")
	p("FMOVS inv+48(FP), F31")
	p("VDUP V29.S[0], V29.S4")
	p("VDUP V30.S[0], V30.S4")
	p("VDUP V31.S[0], V31.S4")
	label("rowNormNEON_loop")
	p("CBZ R4, rowNormNEON_done")
	p("VLD1.P 32(R1), [V0.S4, V1.S4]")
	p("VLD1.P 32(R2), [V2.S4, V3.S4]")
	p("VLD1.P 32(R3), [V4.S4, V5.S4]")
	for i := 0; i < 2; i++ {
		fsub4s(i, i, 29)
		fsub4s(i, i, 30)
		fmul4s(i, i, 31)
		p("VFMLA V%d.S4, V%d.S4, V%d.S4", 2+i, i, 4+i)
	}
	p("VST1.P [V4.S4, V5.S4], 32(R0)")
	p("SUB $8, R4")
	p("B rowNormNEON_loop")
	label("rowNormNEON_done")
	p("RET")
}

// add writes addNEON: dst = a + b, sixteen floats per step, then eight.
func add() {
	fmt.Fprintf(&w, "\n// addNEON sets dst = a + b over n floats (n a multiple of 8).\nTEXT ·addNEON(SB), NOSPLIT, $0-32\n")
	p("MOVD dst+0(FP), R0")
	p("MOVD a+8(FP), R1")
	p("MOVD b+16(FP), R2")
	p("MOVD n+24(FP), R3")
	label("addNEON_loop16")
	p("CMP $16, R3")
	p("BLT addNEON_8")
	p("VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]")
	p("VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]")
	for i := 0; i < 4; i++ {
		fadd4s(i, i, 4+i)
	}
	p("VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)")
	p("SUB $16, R3")
	p("B addNEON_loop16")
	label("addNEON_8")
	p("CBZ R3, addNEON_done")
	p("VLD1.P 32(R1), [V0.S4, V1.S4]")
	p("VLD1.P 32(R2), [V4.S4, V5.S4]")
	fadd4s(0, 0, 4)
	fadd4s(1, 1, 5)
	p("VST1.P [V0.S4, V1.S4], 32(R0)")
	label("addNEON_done")
	p("RET")
}

func main() {
	w.WriteString(`// Code generated by gen_kernels_neon.go; DO NOT EDIT.

// This file holds the arm64 NEON kernels of LayerNorm and of the bias and
// residual adds (see gen_kernels_neon.go for the WORD encodings).

//go:build arm64 && !purego

#include "textflag.h"
`)
	rowSum(false)
	rowSum(true)
	rowNorm()
	add()
	if err := os.WriteFile("kernels_arm64.s", w.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src, err := format.Source([]byte(`// Code generated by gen_kernels_neon.go; DO NOT EDIT.

// This file declares the arm64 assembly kernels of kernels_arm64.s; n is a
// multiple of 8 in each.

//go:build arm64 && !purego

package nn

//go:noescape
func rowSumNEON(x *float32, n int) float64

//go:noescape
func rowSqDevNEON(x *float32, n int, mean float64) float64

//go:noescape
func rowNormNEON(dst, x, gamma, beta *float32, n int, hi, lo, inv float32)

//go:noescape
func addNEON(dst, a, b *float32, n int)
`))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("kernels_arm64.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
