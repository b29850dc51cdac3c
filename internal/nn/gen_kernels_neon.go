// This program writes kernels_arm64.s and kernels_arm64.go: the arm64 NEON
// kernels of this package, for LayerNorm (the row sum and the sum of
// squared deviations in float64, the normalisation in float32), the
// elementwise add of bias and residuals, exp and exact GELU (the
// algorithms of exp.go and erf.go, four lanes at a time, both branches of
// GELU computed and selected with bit masks). Each kernel handles a whole
// number of 8-float (LayerNorm, add) or 4-float (exp, GELU) blocks; the Go
// wrappers (dispatch_arm64.go) run the rest with the pure-Go kernels. Run
// it with `go generate` in this directory.
//
// The Go assembler lacks the vector floating-point arithmetic of A64
// (FADD, FSUB, FMUL, FADDP, FCVTL, FMLA, FMLS, FMAX, FMIN, FRINTM,
// FCVTZS, FCMGT, FCMGE, FABS, SHL, BIT, BIC and the rest): those are WORD
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
	fmla4s = op3(0x4e20cc00, "FMLA", "4S")
	fmls4s = op3(0x4ea0cc00, "FMLS", "4S")
	fmax4s = op3(0x4e20f400, "FMAX", "4S")
	fmin4s = op3(0x4ea0f400, "FMIN", "4S")
	fcmgt  = op3(0x6ea0e400, "FCMGT", "4S")
	fcmge  = op3(0x6e20e400, "FCMGE", "4S")
	addi4s = op3(0x4ea08400, "ADD", "4S")
	and16  = op3(0x4e201c00, "AND", "16B")
	bic16  = op3(0x4e601c00, "BIC", "16B")
	bit16  = op3(0x6ea01c00, "BIT", "16B")
	fadd4s = op3(0x4e20d400, "FADD", "4S")
	fsub4s = op3(0x4ea0d400, "FSUB", "4S")
	fmul4s = op3(0x6e20dc00, "FMUL", "4S")
	fadd2d = op3(0x4e60d400, "FADD", "2D")
	fsub2d = op3(0x4ee0d400, "FSUB", "2D")
	fmla2d = op3(0x4e60cc00, "FMLA", "2D")
	fdiv4s = op3(0x6e20fc00, "FDIV", "4S")
)

// fcvtl widens the low (hi false) or high two floats of Vn to doubles.
func fcvtl(d, n int, hi bool) {
	if hi {
		word(0x4e617800, d, n, 0, fmt.Sprintf("FCVTL2 V%d.2D, V%d.4S", d, n))
		return
	}
	word(0x0e617800, d, n, 0, fmt.Sprintf("FCVTL V%d.2D, V%d.2S", d, n))
}

// op2 is a two-register instruction.
func op2(base uint32, asm string) func(d, n int) {
	return func(d, n int) { word(base, d, n, 0, fmt.Sprintf(asm, d, n)) }
}

var (
	frintm  = op2(0x4e219800, "FRINTM V%d.4S, V%d.4S")
	fcvtzs  = op2(0x4ea1b800, "FCVTZS V%d.4S, V%d.4S")
	fabs    = op2(0x4ea0f800, "FABS V%d.4S, V%d.4S")
	fcmgt0  = op2(0x4ea0c800, "FCMGT V%d.4S, V%d.4S, #0.0")
	fneg    = op2(0x6ea0f800, "FNEG V%d.4S, V%d.4S")
	shl23   = op2(0x4f375400, "SHL V%d.4S, V%d.4S, #23")
	vmov    = func(d, n int) { word(0x4ea01c00, d, n, n, fmt.Sprintf("MOV V%d.16B, V%d.16B", d, n)) }
	consts  []string // the constant table, in order
	constAt = map[string]int{}
)

// konst adds a named constant (a Go expression) to the table.
func konst(name, expr string) {
	constAt[name] = len(consts)
	consts = append(consts, expr)
}

func init() {
	// The exp core's constants, loaded into V16-V27 in this order; then
	// exp's clamps (V28-V30) or GELU's (V28-V31); then the erf
	// polynomials, read in Horner order inside GELU's loop.
	for _, c := range [][2]string{
		{"log2e", "log2e"}, {"half", "0.5"}, {"ln2Hi", "ln2Hi"}, {"ln2Lo", "ln2Lo"},
		{"e5", "expP5"}, {"e4", "expP4"}, {"e3", "expP3"}, {"e2", "expP2"}, {"e1", "expP1"}, {"e0", "expP0"},
		{"one", "1"}, {"bias", "math.Float32frombits(127)"},
		{"expMin", "expMin"}, {"expMax", "expMax"}, {"inf", "float32(math.Inf(1))"},
		{"invSqrt2", "invSqrt2"}, {"split", "erfSplit"}, {"hi", "erfHi"}, {"two", "2"},
		{"p5", "erfP5"}, {"p4", "erfP4"}, {"p3", "erfP3"}, {"p2", "erfP2"}, {"p1", "erfP1"}, {"p0", "erfP0"},
		{"q7", "erfQ7"}, {"q6", "erfQ6"}, {"q5", "erfQ5"}, {"q4", "erfQ4"}, {"q3", "erfQ3"}, {"q2", "erfQ2"}, {"q1", "erfQ1"}, {"q0", "erfQ0"},
		// The tanh GELU's: the cubic's coefficient and 2·√(2/π).
		{"tanhK", "geluTanhK"}, {"tanh2C", "2 * geluTanhC"},
	} {
		konst(c[0], c[1])
	}
}

// loadConsts broadcasts table entries from..from+n-1 into V(reg)...
// (clobbers R9).
func loadConsts(reg, from, n int) {
	p("ADD $%d, R3, R9", 4*from)
	for i := 0; i < n; i++ {
		p("VLD1R.P 4(R9), [V%d.S4]", reg+i)
	}
}

// expCore sets out = e^in without clamps (exp32's steps: n = floor(in·log2e
// + 1/2), r = in - n·ln2Hi - n·ln2Lo, 1 + r + r²·P(r), times 2^n built in
// the exponent bits), with the constants in V16-V27; in is kept.
func expCore(out, in, t1, t2, t3 int) {
	vmov(t1, 17)
	fmla4s(t1, in, 16)
	frintm(t1, t1)
	vmov(out, in)
	fmls4s(out, t1, 18)
	fmls4s(out, t1, 19)
	vmov(t2, 21)
	fmla4s(t2, 20, out)
	a, b := t2, t3
	for c := 22; c <= 25; c++ {
		vmov(b, c)
		fmla4s(b, a, out)
		a, b = b, a
	}
	// a holds P(r); b is free.
	fmul4s(b, out, out)
	fadd4s(out, out, 26)
	fmla4s(out, b, a)
	fcvtzs(t1, t1)
	addi4s(t1, t1, 27)
	shl23(t1, t1)
	fmul4s(out, out, t1)
}

// expClamped sets out = exp32(in) with its clamps (0 for in ≤ expMin, +Inf
// above expMax, NaN kept), with the exp core's constants in V16-V27 and
// expMin, expMax and +Inf in V28-V30; in is kept, t1-t4 are clobbered.
func expClamped(out, in, t1, t2, t3, t4 int) {
	fmax4s(t1, in, 28)
	fmin4s(t1, t1, 29)
	expCore(out, t1, t2, t3, t4)
	fcmgt(t2, in, 29)
	bit16(out, 30, t2)
	fcmge(t3, 28, in)
	bic16(out, out, t3)
}

// exp writes expNEON (shiftSum false): dst = e^x over n floats (n a
// multiple of 4), with exp32's clamps: 0 for x ≤ expMin, +Inf above
// expMax, NaN kept; or expShiftSumNEON (shiftSum true): x = e^{scale·(x-m)}
// in place (the subtraction and the product rounded separately, as the Go
// kernel does), returning the sum of the results (four lane sums, added
// pairwise at the end).
func exp(shiftSum bool) {
	name := "expNEON"
	if shiftSum {
		name = "expShiftSumNEON"
		fmt.Fprintf(&w, "\n// expShiftSumNEON sets x = e^{scale·(x-m)} over n floats (n a multiple of\n// 4) and returns their sum; c is neonConsts.\nTEXT ·expShiftSumNEON(SB), NOSPLIT, $0-36\n")
		p("MOVD x+0(FP), R1")
		p("MOVD R1, R0")
		p("MOVD n+8(FP), R2")
		p("FMOVS m+16(FP), F7")
		p("FMOVS scale+20(FP), F8")
		p("MOVD c+24(FP), R3")
		p("VDUP V7.S[0], V7.S4")
		p("VDUP V8.S[0], V8.S4")
		p("VEOR V6.B16, V6.B16, V6.B16")
	} else {
		fmt.Fprintf(&w, "\n// expNEON sets dst = e^x over n floats (n a multiple of 4); c is neonConsts.\nTEXT ·expNEON(SB), NOSPLIT, $0-32\n")
		p("MOVD dst+0(FP), R0")
		p("MOVD x+8(FP), R1")
		p("MOVD n+16(FP), R2")
		p("MOVD c+24(FP), R3")
	}
	loadConsts(16, 0, 15)
	label(name + "_loop")
	p("CBZ R2, %s_done", name)
	p("VLD1.P 16(R1), [V0.S4]")
	if shiftSum {
		fsub4s(0, 0, 7)
		fmul4s(0, 0, 8)
	}
	expClamped(2, 0, 1, 3, 4, 5)
	p("VST1.P [V2.S4], 16(R0)")
	if shiftSum {
		fadd4s(6, 6, 2)
	}
	p("SUB $4, R2")
	p("B %s_loop", name)
	label(name + "_done")
	if shiftSum {
		word(0x6e20d400, 6, 6, 6, "FADDP V6.4S, V6.4S, V6.4S")
		word(0x7e30d800, 0, 6, 0, "FADDP S0, V6.2S")
		p("FMOVS F0, ret+32(FP)")
	}
	p("RET")
}

// geluBody writes one step of GELU on V0 (x, bias added): erf's small
// branch u·P(u²) and its large one e^Q(|u|), selected by |u| against
// erfSplit and erfHi, as gelu32 does; result in V4.
func geluBody() {
	fmul4s(1, 0, 28) // u
	fabs(2, 1)       // z
	fmul4s(3, 1, 1)  // t = u²
	p("ADD $%d, R3, R9", 4*constAt["p5"])
	p("VLD1R.P 4(R9), [V4.S4]")
	a, b := 4, 5
	for i := 0; i < 5; i++ { // p4..p0
		p("VLD1R.P 4(R9), [V%d.S4]", b)
		fmla4s(b, a, 3)
		a, b = b, a
	}
	fmul4s(3, 1, a)             // erfSmall(u)
	fadd4s(3, 3, 26)            // 1 + erfSmall(u)
	p("VLD1R.P 4(R9), [V4.S4]") // q7
	a, b = 4, 5
	for i := 0; i < 7; i++ { // q6..q0
		p("VLD1R.P 4(R9), [V%d.S4]", b)
		fmla4s(b, a, 2)
		a, b = b, a
	}
	expCore(6, a, 7, 8, 9) // e = erfc(z)
	fsub4s(7, 31, 6)       // 2 - e
	fcmgt0(8, 1)           // u > 0
	bit16(6, 7, 8)         // 1+erf(u) on the large branch
	fcmge(7, 2, 29)        // z ≥ erfSplit
	bit16(3, 6, 7)
	fcmge(7, 2, 30) // z ≥ erfHi
	and16(9, 7, 8)
	bit16(3, 31, 9) // 2 where z ≥ erfHi and u > 0
	fmul4s(4, 0, 17)
	fmul4s(4, 4, 3) // 0.5·x·(1+erf(u))
	bic16(9, 7, 8)
	bic16(4, 4, 9) // 0 where z ≥ erfHi and u ≤ 0
}

// gelu writes geluNEON: dst = GELU(x + bias) (bias may be nil) over n
// floats (n a multiple of 4).
func gelu() {
	fmt.Fprintf(&w, "\n// geluNEON sets dst = GELU(x+bias) (no bias if nil) over n floats (n a\n// multiple of 4); c is neonConsts.\nTEXT ·geluNEON(SB), NOSPLIT, $0-40\n")
	p("MOVD dst+0(FP), R0")
	p("MOVD x+8(FP), R1")
	p("MOVD bias+16(FP), R4")
	p("MOVD n+24(FP), R2")
	p("MOVD c+32(FP), R3")
	loadConsts(16, 0, 12)
	loadConsts(28, constAt["invSqrt2"], 4)
	p("CBZ R4, geluNEON_nobias")
	label("geluNEON_bias")
	p("CBZ R2, geluNEON_done")
	p("VLD1.P 16(R1), [V0.S4]")
	p("VLD1.P 16(R4), [V1.S4]")
	fadd4s(0, 0, 1)
	geluBody()
	p("VST1.P [V4.S4], 16(R0)")
	p("SUB $4, R2")
	p("B geluNEON_bias")
	label("geluNEON_nobias")
	p("CBZ R2, geluNEON_done")
	p("VLD1.P 16(R1), [V0.S4]")
	geluBody()
	p("VST1.P [V4.S4], 16(R0)")
	p("SUB $4, R2")
	p("B geluNEON_nobias")
	label("geluNEON_done")
	p("RET")
}

// horner loads the next count+1 coefficients from R9 (VLD1R.P) and
// evaluates their polynomial at V(x) by Horner's rule in a and b; it
// returns the register holding the result.
func horner(count, x, a, b int) int {
	p("VLD1R.P 4(R9), [V%d.S4]", a)
	for i := 0; i < count; i++ {
		p("VLD1R.P 4(R9), [V%d.S4]", b)
		fmla4s(b, a, x)
		a, b = b, a
	}
	return a
}

// unary writes a kernel dst = f(x) over n floats (n a multiple of 4) of
// the package's constant table c: setup loads the constants it keeps in
// registers, body computes V0 into the returned register.
func unary(name, doc string, setup func(), body func() int) {
	fmt.Fprintf(&w, "\n// %s\nTEXT ·%s(SB), NOSPLIT, $0-32\n", doc, name)
	p("MOVD dst+0(FP), R0")
	p("MOVD x+8(FP), R1")
	p("MOVD n+16(FP), R2")
	p("MOVD c+24(FP), R3")
	setup()
	label(name + "_loop")
	p("CBZ R2, %s_done", name)
	p("VLD1.P 16(R1), [V0.S4]")
	r := body()
	p("VST1.P [V%d.S4], 16(R0)", r)
	p("SUB $4, R2")
	p("B %s_loop", name)
	label(name + "_done")
	p("RET")
}

// erf writes erfNEON, erf32 on four lanes: both branches on z = |x|
// (z·P(z²) below erfSplit, 1 - e^Q(z) up to erfHi, 1 above), selected by
// masks, then x's sign bit copied in (NaN stays NaN; -0 stays -0).
func erf() {
	unary("erfNEON", "erfNEON sets dst = erf(x) over n floats (n a multiple of 4); c is neonConsts.", func() {
		loadConsts(16, 0, 12)
		loadConsts(28, constAt["split"], 2)
		p("MOVW $0x80000000, R4")
		p("VDUP R4, V30.S4")
	}, func() int {
		fabs(2, 0)      // z
		fmul4s(3, 2, 2) // t = z²
		p("ADD $%d, R3, R9", 4*constAt["p5"])
		a := horner(5, 3, 4, 5)
		fmul4s(3, 2, a) // erfSmall(z)
		a = horner(7, 2, 4, 5)
		expCore(6, a, 7, 8, 9) // erfc(z)
		fsub4s(7, 26, 6)       // 1 - erfc(z)
		fcmge(8, 2, 28)        // z ≥ erfSplit
		bit16(3, 7, 8)
		fcmge(8, 2, 29) // z ≥ erfHi
		bit16(3, 26, 8)
		bit16(3, 0, 30) // x's sign
		return 3
	})
}

// geluTanh writes geluTanhNEON, geluTanh32 on four lanes: e = exp32(2y)
// for y = √(2/π)·(x+0.044715x³), then x - x/(e+1), and x itself where 2y
// is above expMax (e = +Inf there, and x = +Inf would give Inf/Inf).
func geluTanh() {
	unary("geluTanhNEON", "geluTanhNEON sets dst = x/2·(1+tanh(√(2/π)·(x+0.044715x³))) over n floats\n// (n a multiple of 4); c is neonConsts.", func() {
		loadConsts(16, 0, 15)
		loadConsts(14, constAt["tanhK"], 2)
	}, func() int {
		fmul4s(1, 0, 0)
		fmul4s(1, 1, 0) // x³
		vmov(2, 0)
		fmla4s(2, 1, 14) // x + k·x³
		fmul4s(2, 2, 15) // 2y
		expClamped(3, 2, 4, 5, 6, 7)
		fadd4s(4, 3, 26)
		fdiv4s(5, 0, 4)
		fsub4s(5, 0, 5) // x - x/(e+1)
		fcmgt(6, 2, 29)
		bit16(5, 0, 6)
		return 5
	})
}

// silu writes siluNEON, silu32 on four lanes: x/(1+exp32(-x)).
func silu() {
	unary("siluNEON", "siluNEON sets dst = x/(1+e^{-x}) over n floats (n a multiple of 4); c is\n// neonConsts.", func() {
		loadConsts(16, 0, 15)
	}, func() int {
		fneg(1, 0)
		expClamped(2, 1, 3, 4, 5, 6)
		fadd4s(3, 2, 26)
		fdiv4s(4, 0, 3)
		return 4
	})
}

// maxScale writes maxNEON (the largest element, NaNs skipped as by FMAXNM;
// -Inf if there is none) and scaleNEON (x *= s), four floats per step.
func maxScale() {
	fmt.Fprintf(&w, "\n// maxNEON returns the largest of n floats (n a multiple of 4), NaNs skipped.\nTEXT ·maxNEON(SB), NOSPLIT, $0-20\n")
	p("MOVD x+0(FP), R1")
	p("MOVD n+8(FP), R2")
	p("MOVD $0xff800000, R3") // -Inf
	p("VDUP R3, V1.S4")
	label("maxNEON_loop")
	p("CBZ R2, maxNEON_done")
	p("VLD1.P 16(R1), [V0.S4]")
	word(0x4e20c400, 1, 1, 0, "FMAXNM V1.4S, V1.4S, V0.4S")
	p("SUB $4, R2")
	p("B maxNEON_loop")
	label("maxNEON_done")
	word(0x6e30c800, 0, 1, 0, "FMAXNMV S0, V1.4S")
	p("FMOVS F0, ret+16(FP)")
	p("RET")

	fmt.Fprintf(&w, "\n// scaleNEON multiplies n floats (n a multiple of 4) by s in place.\nTEXT ·scaleNEON(SB), NOSPLIT, $0-20\n")
	p("MOVD x+0(FP), R1")
	p("MOVD n+8(FP), R2")
	p("FMOVS s+16(FP), F31")
	label("scaleNEON_loop")
	p("CBZ R2, scaleNEON_done")
	p("VLD1 (R1), [V0.S4]")
	word(0x4f809000, 0, 0, 31, "FMUL V0.4S, V0.4S, V31.S[0]")
	p("VST1.P [V0.S4], 16(R1)")
	p("SUB $4, R2")
	p("B scaleNEON_loop")
	label("scaleNEON_done")
	p("RET")
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

// table lists the constants as Go source lines.
func table() string {
	var b bytes.Buffer
	for _, c := range consts {
		fmt.Fprintf(&b, "\t%s,\n", c)
	}
	return b.String()
}

func main() {
	w.WriteString(`// Code generated by gen_kernels_neon.go; DO NOT EDIT.

// This file holds the arm64 NEON kernels of LayerNorm, of the bias and
// residual adds, and of exp and GELU (see gen_kernels_neon.go for the
// algorithms and the WORD encodings).

//go:build arm64 && !purego

#include "textflag.h"
`)
	rowSum(false)
	rowSum(true)
	rowNorm()
	add()
	exp(false)
	exp(true)
	gelu()
	maxScale()
	erf()
	geluTanh()
	silu()
	if err := os.WriteFile("kernels_arm64.s", w.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src, err := format.Source([]byte(`// Code generated by gen_kernels_neon.go; DO NOT EDIT.

// This file declares the arm64 assembly kernels of kernels_arm64.s; n is a
// multiple of 8 in each.

//go:build arm64 && !purego

package nn

import "math"

//go:noescape
func rowSumNEON(x *float32, n int) float64

//go:noescape
func rowSqDevNEON(x *float32, n int, mean float64) float64

//go:noescape
func rowNormNEON(dst, x, gamma, beta *float32, n int, hi, lo, inv float32)

//go:noescape
func addNEON(dst, a, b *float32, n int)

//go:noescape
func expNEON(dst, x *float32, n int, c *float32)

//go:noescape
func expShiftSumNEON(x *float32, n int, m, scale float32, c *float32) float32

//go:noescape
func geluNEON(dst, x, bias *float32, n int, c *float32)

//go:noescape
func maxNEON(x *float32, n int) float32

//go:noescape
func scaleNEON(x *float32, n int, s float32)

//go:noescape
func erfNEON(dst, x *float32, n int, c *float32)

//go:noescape
func geluTanhNEON(dst, x *float32, n int, c *float32)

//go:noescape
func siluNEON(dst, x *float32, n int, c *float32)

// neonConsts is the constant table of the exp, GELU, erf and SiLU kernels, in the order
// gen_kernels_neon.go loads it.
var neonConsts = [...]float32{
` + table() + `}
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
