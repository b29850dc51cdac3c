// This program writes kernels_amd64.s (AVX-512), kernels_avx2_amd64.s
// (AVX2+FMA) and kernels_amd64.go (their Go declarations and the constant
// table they read, whose offsets the C_* defines of both files give). The
// maths is that of exp.go, erf.go and act.go: on AVX-512 with VRNDSCALEPS for the
// rounding, VSCALEFPS for the 2^n scaling, embedded broadcasts of the
// constants and masked tails; on AVX2 with VROUNDPS, the 2^n scaling on the
// exponent bits and whole multiples of 8 lanes. Run it with `go generate`
// in this directory.

//go:build ignore

package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"strings"
)

// consts is the constant table: each entry's define name and Go value. An
// entry's offset is 4 times its index.
var consts = []struct{ name, value string }{
	{"INVSQRT2", "invSqrt2"},
	{"SPLIT", "erfSplit"},
	{"HI", "erfHi"},
	{"ONE", "1"},
	{"TWO", "2"},
	{"HALF", "0.5"},
	{"MHI", "-erfHi"},
	{"P0", "erfP0"}, {"P1", "erfP1"}, {"P2", "erfP2"}, {"P3", "erfP3"}, {"P4", "erfP4"}, {"P5", "erfP5"},
	{"Q0", "erfQ0"}, {"Q1", "erfQ1"}, {"Q2", "erfQ2"}, {"Q3", "erfQ3"}, {"Q4", "erfQ4"}, {"Q5", "erfQ5"}, {"Q6", "erfQ6"}, {"Q7", "erfQ7"},
	{"LOG2E", "log2e"},
	{"LN2HI", "ln2Hi"},
	{"LN2LO", "ln2Lo"},
	{"E0", "expP0"}, {"E1", "expP1"}, {"E2", "expP2"}, {"E3", "expP3"}, {"E4", "expP4"}, {"E5", "expP5"},
	{"EMIN", "expMin"},
	{"EMAX", "expMax"},
	{"INF", "float32(math.Inf(1))"},
	{"BIAS127", "math.Float32frombits(127)"},     // the int32 127 (exponent bias)
	{"SIGN", "math.Float32frombits(0x80000000)"}, // the sign bit (-0)
	{"TANHK", "geluTanhK"},
	{"TANH2C", "2 * geluTanhC"},
}

// c is the operand of constant name: C_NAME(R8).
func c(name string) string {
	for _, k := range consts {
		if k.name == name {
			return "C_" + name + "(R8)"
		}
	}
	panic("no constant " + name)
}

// coeffs lists constant names prefix+hi down to prefix+lo.
func coeffs(prefix string, hi, lo int) []string {
	var s []string
	for i := hi; i >= lo; i-- {
		s = append(s, fmt.Sprintf("%s%d", prefix, i))
	}
	return s
}

// The output under construction.
var w *bytes.Buffer

// p writes one instruction line.
func p(format string, args ...any) { fmt.Fprintf(w, "\t"+format+"\n", args...) }

// label starts a block.
func label(name string) { fmt.Fprintf(w, "\n%s:\n", name) }

// comment writes comment lines, indented as instructions when in is set.
func comment(in bool, text string) {
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if in {
			w.WriteString("\t")
		}
		fmt.Fprintf(w, "// %s\n", l)
	}
}

// A kernel's Go declaration.
type decl struct{ name, sig string }

var decls []decl

// text starts a function; doc follows its signature line.
func text(name, sig, doc string, frame int) {
	decls = append(decls, decl{name, sig})
	fmt.Fprintf(w, "\n// func %s%s\n", name, sig)
	if doc != "" {
		comment(false, doc)
	}
	fmt.Fprintf(w, "TEXT ·%s(SB), NOSPLIT, $0-%d\n", name, frame)
}

// args loads the pointer and integer arguments into registers.
func args(regs ...[2]string) {
	for _, r := range regs {
		p("MOVQ %s, %s", r[0], r[1])
	}
}

func reg(name, r string) [2]string { return [2]string{name, r} }

// ---- AVX-512 ----

// The registers of the AVX-512 exp: Z19 1.0, Z23 log2(e), Z24 0, Z25
// C_EMIN, Z26 C_EMAX, Z27 +Inf.
func loadExpConsts512() {
	p("VBROADCASTSS %s, Z19", c("ONE"))
	p("VBROADCASTSS %s, Z23", c("LOG2E"))
	p("VPXORD Z24, Z24, Z24")
	p("VBROADCASTSS %s, Z25", c("EMIN"))
	p("VBROADCASTSS %s, Z26", c("EMAX"))
	p("VBROADCASTSS %s, Z27", c("INF"))
}

// horner512 sets acc to the polynomial with coefficients cs (highest
// first) at x, each coefficient an embedded broadcast.
func horner512(x, acc string, cs []string) {
	p("VBROADCASTSS %s, %s", c(cs[0]), acc)
	for _, k := range cs[1:] {
		p("VFMADD213PS.BCST %s, %s, %s", c(k), x, acc)
	}
}

// expCore512 sets ze = e^zx for zx in the normal range (no clamping), using
// zn and zr as temporaries: n = round(x·log2e), r = x - n·ln2 (in two
// parts), e^r by its polynomial, scaled by 2^n.
func expCore512(zx, ze, zn, zr string) {
	p("VMULPS Z23, %s, %s", zx, zn)
	p("VRNDSCALEPS $8, %s, %s", zn, zn)
	p("VMOVAPS %s, %s", zx, zr)
	p("VFNMADD231PS.BCST %s, %s, %s", c("LN2HI"), zn, zr)
	p("VFNMADD231PS.BCST %s, %s, %s", c("LN2LO"), zn, zr)
	horner512(zr, ze, coeffs("E", 5, 0))
	p("VMULPS %s, %s, %s", zr, ze, ze)
	p("VFMADD213PS %s, %s, %s", zr, zr, ze)
	p("VADDPS Z19, %s, %s", ze, ze)
	p("VSCALEFPS %s, %s, %s", zn, ze, ze)
}

// expFull512 is expCore512 with Exp's edge cases: 0 below C_EMIN, +Inf
// above C_EMAX, NaN for NaN (clobbers K1, K2).
func expFull512(zx, ze, zn, zr string) {
	expCore512(zx, ze, zn, zr)
	p("VCMPPS $0x01, Z25, %s, K1", zx)
	p("VMOVAPS Z24, K1, %s", ze)
	p("VCMPPS $0x0e, Z26, %s, K2", zx)
	p("VMOVAPS Z27, K2, %s", ze)
}

// tailMask512 sets K4 to the low CX bits (CX < 16), using AX.
func tailMask512() {
	p("MOVQ $1, AX")
	p("SHLQ CX, AX")
	p("DECQ AX")
	p("KMOVW AX, K4")
}

// loop16 writes a loop over whole registers of 16 floats (body(false),
// which advances the pointers) and then the masked tail (body(true));
// names are the labels of the loop, the tail and the end.
func loop16(loop, tail, done string, body func(tail bool)) {
	label(loop)
	p("CMPQ CX, $16")
	p("JL %s", tail)
	body(false)
	p("SUBQ $16, CX")
	p("JMP %s", loop)
	label(tail)
	p("TESTQ CX, CX")
	p("JE %s", done)
	tailMask512()
	body(true)
}

// advance adds bytes to each pointer register.
func advance(bytes int, regs ...string) {
	for _, r := range regs {
		p("ADDQ $%d, %s", bytes, r)
	}
}

func expAVX512() {
	text("expAVX512", "(dst, x *float32, n int, c *float32)", "", 32)
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("n+16(FP)", "CX"), reg("c+24(FP)", "R8"))
	loadExpConsts512()
	loop16("exploop", "exptail", "expdone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
			expFull512("Z0", "Z1", "Z2", "Z3")
			p("VMOVUPS Z1, K4, (DI)")
			return
		}
		p("VMOVUPS (SI), Z0")
		expFull512("Z0", "Z1", "Z2", "Z3")
		p("VMOVUPS Z1, (DI)")
		advance(64, "SI", "DI")
	})
	label("expdone")
	p("VZEROUPPER")
	p("RET")
}

func expShiftSumAVX512() {
	text("expShiftSumAVX512", "(x *float32, n int, m, scale float32, c *float32, sum *[16]float32)",
		"x[i] = e^{scale·(x[i]-m)}; the 16 lane sums go to *sum.", 40)
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	p("VBROADCASTSS m+16(FP), Z20")
	p("VBROADCASTSS scale+20(FP), Z21")
	args(reg("c+24(FP)", "R8"), reg("sum+32(FP)", "DI"))
	loadExpConsts512()
	p("VPXORD Z10, Z10, Z10")
	loop16("sloop", "stail", "sdone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
		} else {
			p("VMOVUPS (SI), Z0")
		}
		p("VSUBPS Z20, Z0, Z0")
		p("VMULPS Z21, Z0, Z0")
		expFull512("Z0", "Z1", "Z2", "Z3")
		if tail {
			p("VMOVUPS Z1, K4, (SI)")
			p("VADDPS Z1, Z10, K4, Z10")
			return
		}
		p("VMOVUPS Z1, (SI)")
		p("VADDPS Z1, Z10, Z10")
		advance(64, "SI")
	})
	label("sdone")
	p("VMOVUPS Z10, (DI)")
	p("VZEROUPPER")
	p("RET")
}

// gelu16 sets Z9 = GELU(Z0) (exact erf form, as gelu32), using Z1–Z8 and
// K1–K3. Besides the exp registers: Z16 1/√2, Z17 the erf split, Z18 4.0,
// Z20 2.0, Z21 0.5, Z22 -4.0, Z24 0.
func gelu16() {
	p("VMULPS Z16, Z0, Z1")
	p("VSUBPS Z1, Z24, Z2")
	p("VMAXPS Z2, Z1, Z2")
	p("VMULPS Z1, Z1, Z3")
	horner512("Z3", "Z4", coeffs("P", 5, 0))
	p("VFMADD213PS Z19, Z1, Z4")
	p("VMINPS Z18, Z2, Z5")
	horner512("Z5", "Z6", coeffs("Q", 7, 0))
	expCore512("Z6", "Z8", "Z7", "Z3")
	p("VSUBPS Z8, Z20, Z9")
	p("VCMPPS $0x0e, Z24, Z1, K2")
	p("VMOVAPS Z9, K2, Z8")
	p("VCMPPS $0x01, Z17, Z2, K3")
	p("VMOVAPS Z4, K3, Z8")
	p("VMULPS Z21, Z0, Z9")
	p("VMULPS Z8, Z9, Z9")
	p("VCMPPS $0x05, Z22, Z1, K1")
	p("VMOVAPS.Z Z9, K1, Z9")
}

func geluAVX512() {
	text("geluAVX512", "(dst, x, bias *float32, n int, c *float32)",
		"dst[i] = GELU(x[i] + bias[i]); bias may be nil (no add).", 40)
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("bias+16(FP)", "DX"), reg("n+24(FP)", "CX"), reg("c+32(FP)", "R8"))
	loadExpConsts512()
	for _, k := range [][2]string{{"INVSQRT2", "Z16"}, {"SPLIT", "Z17"}, {"HI", "Z18"}, {"TWO", "Z20"}, {"HALF", "Z21"}, {"MHI", "Z22"}} {
		p("VBROADCASTSS %s, %s", c(k[0]), k[1])
	}
	w.WriteString("\n")
	p("TESTQ DX, DX")
	p("JNE gbloop")
	loop16("gloop", "gtail", "gdone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
			gelu16()
			p("VMOVUPS Z9, K4, (DI)")
			p("JMP gdone")
			return
		}
		p("VMOVUPS (SI), Z0")
		gelu16()
		p("VMOVUPS Z9, (DI)")
		advance(64, "SI", "DI")
	})
	loop16("gbloop", "gbtail", "gdone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
			p("VMOVUPS.Z (DX), K4, Z1")
			p("VADDPS Z1, Z0, Z0")
			gelu16()
			p("VMOVUPS Z9, K4, (DI)")
			return
		}
		p("VMOVUPS (SI), Z0")
		p("VADDPS (DX), Z0, Z0")
		gelu16()
		p("VMOVUPS Z9, (DI)")
		advance(64, "SI", "DX", "DI")
	})
	label("gdone")
	p("VZEROUPPER")
	p("RET")
}

func addAVX512() {
	text("addAVX512", "(dst, a, b *float32, n int)", "", 32)
	args(reg("dst+0(FP)", "DI"), reg("a+8(FP)", "SI"), reg("b+16(FP)", "DX"), reg("n+24(FP)", "CX"))
	label("aloop4")
	p("CMPQ CX, $64")
	p("JL aloop")
	for i := 0; i < 4; i++ {
		p("VMOVUPS %s, Z%d", mem(64*i, "SI"), i)
	}
	for i := 0; i < 4; i++ {
		p("VADDPS %s, Z%d, Z%d", mem(64*i, "DX"), i, i)
	}
	for i := 0; i < 4; i++ {
		p("VMOVUPS Z%d, %s", i, mem(64*i, "DI"))
	}
	advance(256, "SI", "DX", "DI")
	p("SUBQ $64, CX")
	p("JMP aloop4")
	loop16("aloop", "atail", "adone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
			p("VMOVUPS.Z (DX), K4, Z1")
			p("VADDPS Z1, Z0, Z0")
			p("VMOVUPS Z0, K4, (DI)")
			return
		}
		p("VMOVUPS (SI), Z0")
		p("VADDPS (DX), Z0, Z0")
		p("VMOVUPS Z0, (DI)")
		advance(64, "SI", "DX", "DI")
	})
	label("adone")
	p("VZEROUPPER")
	p("RET")
}

// mem is the operand off(base), or (base) at offset 0.
func mem(off int, base string) string {
	if off == 0 {
		return "(" + base + ")"
	}
	return fmt.Sprintf("%d(%s)", off, base)
}

// hsumPD sets X0 to the sum of the 8 float64 lanes of Z0 (uses Z1).
func hsumPD() {
	p("VEXTRACTF64X4 $1, Z0, Y1")
	p("VADDPD Y1, Y0, Y0")
	p("VEXTRACTF128 $1, Y0, X1")
	p("VADDPD X1, X0, X0")
	p("VPERMILPD $1, X0, X1")
	p("VADDSD X1, X0, X0")
}

// rowStat writes rowSum (dev false: Σx) or rowSqDev (dev true:
// Σ(x-mean)²) in float64, 16 floats per step into two accumulators.
func rowStat(dev bool) {
	name, lbl, sig, frame, ret := "rowSumAVX512", "rs", "(x *float32, n int) float64", 24, 16
	if dev {
		name, lbl, sig, frame, ret = "rowSqDevAVX512", "rv", "(x *float32, n int, mean float64) float64", 32, 24
	}
	decls = append(decls, decl{name, sig})
	fmt.Fprintf(w, "\n// func %s%s   (n %% 16 == 0)\n", name, sig)
	fmt.Fprintf(w, "TEXT ·%s(SB), NOSPLIT, $0-%d\n", name, frame)
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	if dev {
		p("VBROADCASTSD mean+16(FP), Z5")
	}
	p("VPXORQ Z0, Z0, Z0")
	p("VPXORQ Z2, Z2, Z2")
	p("SHRQ $4, CX")
	p("JE %sdone", lbl)
	label(lbl + "loop")
	p("VCVTPS2PD (SI), Z3")
	p("VCVTPS2PD 32(SI), Z4")
	if dev {
		p("VSUBPD Z5, Z3, Z3")
		p("VSUBPD Z5, Z4, Z4")
		p("VFMADD231PD Z3, Z3, Z0")
		p("VFMADD231PD Z4, Z4, Z2")
	} else {
		p("VADDPD Z3, Z0, Z0")
		p("VADDPD Z4, Z2, Z2")
	}
	p("ADDQ $64, SI")
	p("DECQ CX")
	p("JNE %sloop", lbl)
	label(lbl + "done")
	p("VADDPD Z2, Z0, Z0")
	hsumPD()
	p("MOVSD X0, ret+%d(FP)", ret)
	p("VZEROUPPER")
	p("RET")
}

func rowNormAVX512() {
	sig := "(dst, x, gamma, beta *float32, n int, hi, lo, inv float32)"
	decls = append(decls, decl{"rowNormAVX512", sig})
	fmt.Fprintf(w, "\n// func rowNormAVX512%s   (n %% 16 == 0)\n", sig)
	comment(false, "dst = ((x-hi)-lo)·inv·gamma + beta")
	w.WriteString("TEXT ·rowNormAVX512(SB), NOSPLIT, $0-52\n")
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("gamma+16(FP)", "DX"), reg("beta+24(FP)", "BX"), reg("n+32(FP)", "CX"))
	p("VBROADCASTSS hi+40(FP), Z5")
	p("VBROADCASTSS lo+44(FP), Z6")
	p("VBROADCASTSS inv+48(FP), Z7")
	p("SHRQ $4, CX")
	p("JE rndone")
	label("rnloop")
	p("VMOVUPS (SI), Z0")
	p("VSUBPS Z5, Z0, Z0")
	p("VSUBPS Z6, Z0, Z0")
	p("VMULPS Z7, Z0, Z0")
	p("VMOVUPS (BX), Z1")
	p("VFMADD231PS (DX), Z0, Z1")
	p("VMOVUPS Z1, (DI)")
	advance(64, "SI", "DX", "BX", "DI")
	p("DECQ CX")
	p("JNE rnloop")
	label("rndone")
	p("VZEROUPPER")
	p("RET")
}

// hmax sets X0 to the largest lane of Z0 (uses Z1).
func hmax() {
	p("VEXTRACTF32X8 $1, Z0, Y1")
	p("VMAXPS Y1, Y0, Y0")
	p("VEXTRACTF128 $1, Y0, X1")
	p("VMAXPS X1, X0, X0")
	p("VPERMILPS $0x4e, X0, X1")
	p("VMAXPS X1, X0, X0")
	p("VPERMILPS $0xb1, X0, X1")
	p("VMAXPS X1, X0, X0")
}

func maxAVX512() {
	sig := "(x *float32, n int) float32"
	decls = append(decls, decl{"maxAVX512", sig})
	fmt.Fprintf(w, "\n// func maxAVX512%s   (n ≥ 1; unspecified with NaNs)\n", sig)
	w.WriteString("TEXT ·maxAVX512(SB), NOSPLIT, $0-20\n")
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	p("MOVL $0xff800000, AX")
	p("VPBROADCASTD AX, Z0")
	p("VMOVAPS Z0, Z2")
	label("mloop")
	p("CMPQ CX, $32")
	p("JL mloop16")
	p("VMAXPS (SI), Z0, Z0")
	p("VMAXPS 64(SI), Z2, Z2")
	p("ADDQ $128, SI")
	p("SUBQ $32, CX")
	p("JMP mloop")
	label("mloop16")
	p("CMPQ CX, $16")
	p("JL mtail")
	p("VMAXPS (SI), Z0, Z0")
	p("ADDQ $64, SI")
	p("SUBQ $16, CX")
	label("mtail")
	p("TESTQ CX, CX")
	p("JE mdone")
	tailMask512()
	p("VMAXPS (SI), Z0, K4, Z0")
	label("mdone")
	p("VMAXPS Z2, Z0, Z0")
	hmax()
	p("MOVSS X0, ret+16(FP)")
	p("VZEROUPPER")
	p("RET")
}

func scaleAVX512() {
	sig := "(x *float32, n int, s float32)"
	decls = append(decls, decl{"scaleAVX512", sig})
	fmt.Fprintf(w, "\n// func scaleAVX512%s   x[i] *= s\n", sig)
	w.WriteString("TEXT ·scaleAVX512(SB), NOSPLIT, $0-20\n")
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	p("VBROADCASTSS s+16(FP), Z1")
	loop16("scloop", "sctail", "scdone", func(tail bool) {
		if tail {
			p("VMOVUPS.Z (SI), K4, Z0")
			p("VMULPS Z1, Z0, Z0")
			p("VMOVUPS Z0, K4, (SI)")
			return
		}
		p("VMULPS (SI), Z1, Z0")
		p("VMOVUPS Z0, (SI)")
		advance(64, "SI")
	})
	label("scdone")
	p("VZEROUPPER")
	p("RET")
}

// The softmax pieces. smLoadLast loads the last chunk of the row under K5
// with -Inf (Z28) in the lanes past the row.
func smLoadLast(off int, zr string) {
	p("VMOVAPS Z28, %s", zr)
	p("VMOVUPS %s, K5, %s", mem(off, "SI"), zr)
}

// smExp sets zr = e^{scale·(zr-max)} (Z20 max, Z21 scale; Z0, Z2, Z3 are
// temporaries).
func smExp(zr string) {
	p("VSUBPS Z20, %s, Z0", zr)
	p("VMULPS Z21, Z0, Z0")
	expFull512("Z0", zr, "Z2", "Z3")
}

// smHSum sets Z1 to 1/(the sum of Z10's lanes), broadcast (uses Z0).
func smHSum() {
	p("VEXTRACTF32X8 $1, Z10, Y1")
	p("VADDPS Y1, Y10, Y0")
	p("VEXTRACTF128 $1, Y0, X1")
	p("VADDPS X1, X0, X0")
	p("VPERMILPS $0x4e, X0, X1")
	p("VADDPS X1, X0, X0")
	p("VPERMILPS $0xb1, X0, X1")
	p("VADDPS X1, X0, X0")
	p("VMOVSS %s, X1", c("ONE"))
	p("VDIVSS X0, X1, X1")
	p("VBROADCASTSS X1, Z1")
}

// smBcastMax broadcasts X0 (the row's max) into Z20, or jumps to srzero
// when it is -Inf (every key masked); lbl is the label it continues at.
func smBcastMax(lbl string) {
	p("VUCOMISS X28, X0")
	p("JNE %s", lbl)
	p("JPS %s", lbl)
	p("JMP srzero")
	fmt.Fprintf(w, "%s:\n", lbl)
	p("VBROADCASTSS X0, Z20")
}

// tree combines regs with op into dst: a copy for one, a pair, a chain of
// three, or two pairs (the second into tmp) for four.
func tree(op string, regs []string, dst, tmp string) {
	switch len(regs) {
	case 1:
		p("VMOVAPS %s, %s", regs[0], dst)
	case 2:
		p("%s %s, %s, %s", op, regs[1], regs[0], dst)
	case 3:
		p("%s %s, %s, %s", op, regs[1], regs[0], dst)
		p("%s %s, %s, %s", op, regs[2], dst, dst)
	case 4:
		p("%s %s, %s, %s", op, regs[1], regs[0], dst)
		p("%s %s, %s, %s", op, regs[3], regs[2], tmp)
		p("%s %s, %s, %s", op, tmp, dst, dst)
	default:
		panic("tree")
	}
}

func softmaxRowsAVX512() {
	text("softmaxRowsAVX512", "(x *float32, rows, n, ld int, scale float32, c *float32)", `Each of rows rows of n floats (row stride ld floats) becomes
e^{scale·(x-max)}/Σ; a row whose max is -Inf becomes zeros. Rows of up
to 64 floats are held in registers (one load and one store per
element); longer rows take three passes over memory.`, 48)
	args(reg("x+0(FP)", "DI"), reg("rows+8(FP)", "R9"), reg("n+16(FP)", "R10"), reg("ld+24(FP)", "R11"))
	p("SHLQ $2, R11")
	p("VBROADCASTSS scale+32(FP), Z21")
	p("MOVQ c+40(FP), R8")
	loadExpConsts512()
	p("MOVL $0xff800000, AX")
	p("VPBROADCASTD AX, Z28 // -Inf")
	comment(true, "K5: mask of the last partial chunk of a row (all ones if none).")
	p("MOVQ R10, CX")
	p("ANDQ $15, CX")
	p("MOVQ $0xffff, AX")
	p("JE srmask")
	p("MOVQ $1, AX")
	p("SHLQ CX, AX")
	p("DECQ AX")
	label("srmask")
	p("KMOVW AX, K5")
	comment(true, "R12: full chunks before the last (possibly partial) one.")
	p("MOVQ R10, R12")
	p("ADDQ $15, R12")
	p("SHRQ $4, R12")
	p("DECQ R12")
	p("TESTQ R10, R10")
	p("JE srdone")

	label("srrow")
	p("TESTQ R9, R9")
	p("JE srdone")
	p("MOVQ DI, SI")
	for k := 0; k < 4; k++ {
		p("CMPQ R12, $%d", k)
		p("JE sr%d", k+1)
	}
	p("JMP srlong")

	// Rows of k chunks, held in Z11..Z10+k.
	for k := 1; k <= 4; k++ {
		label(fmt.Sprintf("sr%d", k))
		var zs []string
		for i := 0; i < k; i++ {
			z := fmt.Sprintf("Z%d", 11+i)
			zs = append(zs, z)
			if i < k-1 {
				p("VMOVUPS %s, %s", mem(64*i, "SI"), z)
			} else {
				smLoadLast(64*i, z)
			}
		}
		tree("VMAXPS", zs, "Z0", "Z1")
		hmax()
		smBcastMax(fmt.Sprintf("sr%df", k))
		for _, z := range zs {
			smExp(z)
		}
		tree("VADDPS", zs, "Z10", "Z0")
		smHSum()
		for _, z := range zs {
			p("VMULPS Z1, %s, %s", z, z)
		}
		for i, z := range zs {
			if i < k-1 {
				p("VMOVUPS %s, %s", z, mem(64*i, "SI"))
			} else {
				p("VMOVUPS %s, K5, %s", z, mem(64*i, "SI"))
			}
		}
		p("JMP srnext")
	}

	label("srlong")
	comment(true, "Max over the row.")
	p("MOVQ R12, CX")
	p("VMOVAPS Z28, Z0")
	label("srmax")
	p("VMAXPS (SI), Z0, Z0")
	p("ADDQ $64, SI")
	p("DECQ CX")
	p("JNE srmax")
	p("VMAXPS (SI), Z0, K5, Z0")
	hmax()
	smBcastMax("srlf")
	w.WriteString("\n")
	comment(true, "x = e^{scale·(x-max)}, summed in Z10.")
	p("VPXORD Z10, Z10, Z10")
	p("MOVQ DI, SI")
	p("MOVQ R12, CX")
	label("srexp")
	p("VMOVUPS (SI), Z11")
	smExp("Z11")
	p("VMOVUPS Z11, (SI)")
	p("VADDPS Z11, Z10, Z10")
	p("ADDQ $64, SI")
	p("DECQ CX")
	p("JNE srexp")
	smLoadLast(0, "Z11")
	smExp("Z11")
	p("VMOVUPS Z11, K5, (SI)")
	p("VADDPS Z11, Z10, Z10")
	smHSum()
	w.WriteString("\n")
	comment(true, "x *= 1/Σ.")
	p("MOVQ DI, SI")
	p("MOVQ R12, CX")
	label("srscale")
	p("VMULPS (SI), Z1, Z0")
	p("VMOVUPS Z0, (SI)")
	p("ADDQ $64, SI")
	p("DECQ CX")
	p("JNE srscale")
	p("VMOVUPS.Z (SI), K5, Z0")
	p("VMULPS Z1, Z0, Z0")
	p("VMOVUPS Z0, K5, (SI)")
	p("JMP srnext")

	label("srzero")
	comment(true, "Every entry -Inf: all zeros.")
	p("MOVQ DI, SI")
	p("MOVQ R12, CX")
	label("srzloop")
	p("TESTQ CX, CX")
	p("JE srzlast")
	p("VMOVUPS Z24, (SI)")
	p("ADDQ $64, SI")
	p("DECQ CX")
	p("JMP srzloop")
	label("srzlast")
	p("VMOVUPS Z24, K5, (SI)")

	label("srnext")
	p("ADDQ R11, DI")
	p("DECQ R9")
	p("JMP srrow")

	label("srdone")
	p("VZEROUPPER")
	p("RET")
}

// ---- AVX2 ----

// horner8 sets acc to the polynomial with coefficients cs (highest first)
// at x, broadcasting each coefficient into t.
func horner8(x, acc, t string, cs []string) {
	p("VBROADCASTSS %s, %s", c(cs[0]), acc)
	for _, k := range cs[1:] {
		p("VBROADCASTSS %s, %s", c(k), t)
		p("VFMADD213PS %s, %s, %s", t, x, acc)
	}
}

// exp8 sets ye = e^yx for yx in the normal range (no edge cases), using
// yn, yr, yt as temporaries (Y14 holds 1.0); 2^n is built in the exponent
// bits.
func exp8(yx, ye, yn, yr, yt string) {
	p("VBROADCASTSS %s, %s", c("LOG2E"), yt)
	p("VMULPS %s, %s, %s", yt, yx, yn)
	p("VROUNDPS $0, %s, %s", yn, yn)
	p("VMOVAPS %s, %s", yx, yr)
	p("VBROADCASTSS %s, %s", c("LN2HI"), yt)
	p("VFNMADD231PS %s, %s, %s", yt, yn, yr)
	p("VBROADCASTSS %s, %s", c("LN2LO"), yt)
	p("VFNMADD231PS %s, %s, %s", yt, yn, yr)
	horner8(yr, ye, yt, coeffs("E", 5, 0))
	p("VMULPS %s, %s, %s", yr, ye, ye)
	p("VFMADD213PS %s, %s, %s", yr, yr, ye)
	p("VADDPS Y14, %s, %s", ye, ye)
	p("VCVTPS2DQ %s, %s", yn, yn)
	p("VPBROADCASTD %s, %s", c("BIAS127"), yt)
	p("VPADDD %s, %s, %s", yt, yn, yn)
	p("VPSLLD $23, %s, %s", yn, yn)
	p("VMULPS %s, %s, %s", yn, ye, ye)
}

// expEdge applies Exp's edge cases to ye = e^yx: 0 below C_EMIN, +Inf
// above C_EMAX (NaN stays NaN). yt, ym are temporaries.
func expEdge(yx, ye, yt, ym string) {
	p("VBROADCASTSS %s, %s", c("EMIN"), yt)
	p("VCMPPS $0x01, %s, %s, %s", yt, yx, ym)
	p("VANDNPS %s, %s, %s", ye, ym, ye)
	p("VBROADCASTSS %s, %s", c("EMAX"), yt)
	p("VCMPPS $0x0e, %s, %s, %s", yt, yx, ym)
	p("VBROADCASTSS %s, %s", c("INF"), yt)
	p("VBLENDVPS %s, %s, %s, %s", ym, yt, ye, ye)
}

// loop8 writes a loop over n/8 registers of 8 floats (CX = n/8 > 0).
func loop8(loop string, body func()) {
	label(loop)
	body()
	p("DECQ CX")
	p("JNE %s", loop)
}

func expAVX2() {
	sig := "(dst, x *float32, n int, c *float32)"
	decls = append(decls, decl{"expAVX2", sig})
	fmt.Fprintf(w, "\n// func expAVX2%s   (n %% 8 == 0)\n", sig)
	w.WriteString("TEXT ·expAVX2(SB), NOSPLIT, $0-32\n")
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("n+16(FP)", "CX"), reg("c+24(FP)", "R8"))
	p("VBROADCASTSS %s, Y14", c("ONE"))
	p("SHRQ $3, CX")
	p("JE xdone")
	loop8("xloop", func() {
		p("VMOVUPS (SI), Y0")
		exp8("Y0", "Y1", "Y2", "Y3", "Y4")
		expEdge("Y0", "Y1", "Y4", "Y5")
		p("VMOVUPS Y1, (DI)")
		advance(32, "SI", "DI")
	})
	label("xdone")
	p("VZEROUPPER")
	p("RET")
}

func expShiftSumAVX2() {
	sig := "(x *float32, n int, m, scale float32, c *float32, sum *[8]float32)"
	decls = append(decls, decl{"expShiftSumAVX2", sig})
	fmt.Fprintf(w, "\n// func expShiftSumAVX2%s   (n %% 8 == 0)\n", sig)
	w.WriteString("TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-40\n")
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	p("VBROADCASTSS m+16(FP), Y12")
	p("VBROADCASTSS scale+20(FP), Y13")
	args(reg("c+24(FP)", "R8"), reg("sum+32(FP)", "DI"))
	p("VBROADCASTSS %s, Y14", c("ONE"))
	p("VXORPS Y10, Y10, Y10")
	p("SHRQ $3, CX")
	p("JE ydone")
	loop8("yloop", func() {
		p("VMOVUPS (SI), Y0")
		p("VSUBPS Y12, Y0, Y0")
		p("VMULPS Y13, Y0, Y0")
		exp8("Y0", "Y1", "Y2", "Y3", "Y4")
		expEdge("Y0", "Y1", "Y4", "Y5")
		p("VMOVUPS Y1, (SI)")
		p("VADDPS Y1, Y10, Y10")
		advance(32, "SI")
	})
	label("ydone")
	p("VMOVUPS Y10, (DI)")
	p("VZEROUPPER")
	p("RET")
}

// gelu8 sets Y9 = GELU(Y0) using Y1–Y10 (Y13 holds 0, Y14 1.0, Y15 1/√2).
func gelu8() {
	p("VMULPS Y15, Y0, Y1")
	p("VSUBPS Y1, Y13, Y2")
	p("VMAXPS Y2, Y1, Y2")
	p("VMULPS Y1, Y1, Y3")
	horner8("Y3", "Y4", "Y5", coeffs("P", 5, 0))
	p("VFMADD213PS Y14, Y1, Y4")
	p("VBROADCASTSS %s, Y5", c("HI"))
	p("VMINPS Y5, Y2, Y5")
	horner8("Y5", "Y6", "Y7", coeffs("Q", 7, 0))
	exp8("Y6", "Y8", "Y7", "Y3", "Y5")
	p("VBROADCASTSS %s, Y9", c("TWO"))
	p("VSUBPS Y8, Y9, Y9")
	p("VCMPPS $0x0e, Y13, Y1, Y10")
	p("VBLENDVPS Y10, Y9, Y8, Y8")
	p("VBROADCASTSS %s, Y10", c("SPLIT"))
	p("VCMPPS $0x01, Y10, Y2, Y10")
	p("VBLENDVPS Y10, Y4, Y8, Y8")
	p("VBROADCASTSS %s, Y9", c("HALF"))
	p("VMULPS Y9, Y0, Y9")
	p("VMULPS Y8, Y9, Y9")
	p("VBROADCASTSS %s, Y10", c("MHI"))
	p("VCMPPS $0x01, Y10, Y1, Y10")
	p("VANDNPS Y9, Y10, Y9")
}

func geluAVX2() {
	sig := "(dst, x, bias *float32, n int, c *float32)"
	decls = append(decls, decl{"geluAVX2", sig})
	fmt.Fprintf(w, "\n// func geluAVX2%s   (n %% 8 == 0)\n", sig)
	comment(false, "dst[i] = GELU(x[i] + bias[i]); bias may be nil (no add).")
	w.WriteString("TEXT ·geluAVX2(SB), NOSPLIT, $0-40\n")
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("bias+16(FP)", "DX"), reg("n+24(FP)", "CX"), reg("c+32(FP)", "R8"))
	p("VXORPS Y13, Y13, Y13")
	p("VBROADCASTSS %s, Y14", c("ONE"))
	p("VBROADCASTSS %s, Y15", c("INVSQRT2"))
	p("SHRQ $3, CX")
	p("JE gdone")
	p("TESTQ DX, DX")
	p("JNE gbloop")
	loop8("gloop", func() {
		p("VMOVUPS (SI), Y0")
		gelu8()
		p("VMOVUPS Y9, (DI)")
		advance(32, "SI", "DI")
	})
	p("JMP gdone")
	loop8("gbloop", func() {
		p("VMOVUPS (SI), Y0")
		p("VADDPS (DX), Y0, Y0")
		gelu8()
		p("VMOVUPS Y9, (DI)")
		advance(32, "SI", "DX", "DI")
	})
	label("gdone")
	p("VZEROUPPER")
	p("RET")
}

// unary8 writes a kernel dst = f(x) over n floats (n % 8 == 0), 8 lanes
// at a time; body computes Y0 into Y9. Y13 holds 0 and Y14 1.0.
func unary8(name, doc, lbl string, body func()) {
	sig := "(dst, x *float32, n int, c *float32)"
	decls = append(decls, decl{name, sig})
	fmt.Fprintf(w, "\n// func %s%s   (n %% 8 == 0)\n", name, sig)
	comment(false, doc)
	fmt.Fprintf(w, "TEXT ·%s(SB), NOSPLIT, $0-32\n", name)
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("n+16(FP)", "CX"), reg("c+24(FP)", "R8"))
	p("VXORPS Y13, Y13, Y13")
	p("VBROADCASTSS %s, Y14", c("ONE"))
	p("SHRQ $3, CX")
	p("JE %sdone", lbl)
	loop8(lbl+"loop", func() {
		p("VMOVUPS (SI), Y0")
		body()
		p("VMOVUPS Y9, (DI)")
		advance(32, "SI", "DI")
	})
	label(lbl + "done")
	p("VZEROUPPER")
	p("RET")
}

// erfAVX2 is erf32 on 8 lanes: z = |x| (NaN kept), z·P(z²) where z <
// erfSplit or z is NaN, else 1 - e^Q(min(z, erfHi)) (1 in float32 from
// erfHi on), then x's sign bit. It also serves the AVX-512 level.
func erfAVX2() {
	unary8("erfAVX2", "dst[i] = erf(x[i]).", "ef", func() {
		p("VSUBPS Y0, Y13, Y1")
		p("VMAXPS Y1, Y0, Y1")
		p("VMULPS Y1, Y1, Y2")
		horner8("Y2", "Y3", "Y4", coeffs("P", 5, 0))
		p("VMULPS Y1, Y3, Y3")
		p("VBROADCASTSS %s, Y4", c("HI"))
		p("VMINPS Y4, Y1, Y4")
		horner8("Y4", "Y5", "Y6", coeffs("Q", 7, 0))
		exp8("Y5", "Y6", "Y7", "Y8", "Y10")
		p("VSUBPS Y6, Y14, Y9")
		p("VBROADCASTSS %s, Y10", c("SPLIT"))
		p("VCMPPS $0x09, Y10, Y1, Y10")
		p("VBLENDVPS Y10, Y3, Y9, Y9")
		p("VBROADCASTSS %s, Y10", c("SIGN"))
		p("VANDPS Y10, Y0, Y10")
		p("VXORPS Y10, Y9, Y9")
	})
}

// geluTanhAVX2 is geluTanh32 on 8 lanes: e = exp32(2y) for y =
// √(2/π)·(x+0.044715x³), x - x/(e+1), and x where 2y > expMax. It also
// serves the AVX-512 level.
func geluTanhAVX2() {
	unary8("geluTanhAVX2", "dst[i] = x[i]/2·(1+tanh(√(2/π)·(x[i]+0.044715x[i]³))).", "gt", func() {
		p("VMULPS Y0, Y0, Y1")
		p("VMULPS Y0, Y1, Y1")
		p("VMOVAPS Y0, Y2")
		p("VBROADCASTSS %s, Y3", c("TANHK"))
		p("VFMADD231PS Y3, Y1, Y2")
		p("VBROADCASTSS %s, Y3", c("TANH2C"))
		p("VMULPS Y3, Y2, Y2")
		exp8("Y2", "Y3", "Y4", "Y5", "Y6")
		expEdge("Y2", "Y3", "Y4", "Y5")
		p("VADDPS Y14, Y3, Y4")
		p("VDIVPS Y4, Y0, Y5")
		p("VSUBPS Y5, Y0, Y9")
		p("VBROADCASTSS %s, Y6", c("EMAX"))
		p("VCMPPS $0x0e, Y6, Y2, Y6")
		p("VBLENDVPS Y6, Y0, Y9, Y9")
	})
}

// siluAVX2 is silu32 on 8 lanes: x/(1+exp32(-x)). It also serves the
// AVX-512 level.
func siluAVX2() {
	unary8("siluAVX2", "dst[i] = x[i]/(1+e^{-x[i]}).", "sl", func() {
		p("VSUBPS Y0, Y13, Y1")
		exp8("Y1", "Y2", "Y3", "Y4", "Y5")
		expEdge("Y1", "Y2", "Y5", "Y6")
		p("VADDPS Y14, Y2, Y2")
		p("VDIVPS Y2, Y0, Y9")
	})
}

func addAVX2() {
	sig := "(dst, a, b *float32, n int)"
	decls = append(decls, decl{"addAVX2", sig})
	fmt.Fprintf(w, "\n// func addAVX2%s   (n %% 8 == 0)\n", sig)
	comment(false, "dst[i] = a[i] + b[i]: four registers per step, then one.")
	w.WriteString("TEXT ·addAVX2(SB), NOSPLIT, $0-32\n")
	args(reg("dst+0(FP)", "DI"), reg("a+8(FP)", "SI"), reg("b+16(FP)", "DX"), reg("n+24(FP)", "CX"))
	label("dloop4")
	p("CMPQ CX, $32")
	p("JL dloop1")
	for i := 0; i < 4; i++ {
		p("VMOVUPS %s, Y%d", mem(32*i, "SI"), i)
	}
	for i := 0; i < 4; i++ {
		p("VADDPS %s, Y%d, Y%d", mem(32*i, "DX"), i, i)
	}
	for i := 0; i < 4; i++ {
		p("VMOVUPS Y%d, %s", i, mem(32*i, "DI"))
	}
	advance(128, "SI", "DX", "DI")
	p("SUBQ $32, CX")
	p("JMP dloop4")
	label("dloop1")
	p("SHRQ $3, CX")
	p("JE ddone")
	loop8("dloop", func() {
		p("VMOVUPS (SI), Y0")
		p("VADDPS (DX), Y0, Y0")
		p("VMOVUPS Y0, (DI)")
		advance(32, "SI", "DX", "DI")
	})
	label("ddone")
	p("VZEROUPPER")
	p("RET")
}

// rowStatAVX2 writes rowSumAVX2 or (dev) rowSqDevAVX2: the float64 sum
// of x or of (x−mean)², 8 floats per step in two float64 accumulators of
// 4 lanes.
func rowStatAVX2(dev bool) {
	name, lbl, sig, frame, ret := "rowSumAVX2", "ys", "(x *float32, n int) float64", 24, 16
	if dev {
		name, lbl, sig, frame, ret = "rowSqDevAVX2", "yv", "(x *float32, n int, mean float64) float64", 32, 24
	}
	decls = append(decls, decl{name, sig})
	fmt.Fprintf(w, "\n// func %s%s   (n %% 8 == 0)\n", name, sig)
	fmt.Fprintf(w, "TEXT ·%s(SB), NOSPLIT, $0-%d\n", name, frame)
	args(reg("x+0(FP)", "SI"), reg("n+8(FP)", "CX"))
	if dev {
		p("VBROADCASTSD mean+16(FP), Y5")
	}
	p("VXORPD Y0, Y0, Y0")
	p("VXORPD Y2, Y2, Y2")
	p("SHRQ $3, CX")
	p("JE %sdone", lbl)
	label(lbl + "loop")
	p("VCVTPS2PD (SI), Y3")
	p("VCVTPS2PD 16(SI), Y4")
	if dev {
		p("VSUBPD Y5, Y3, Y3")
		p("VSUBPD Y5, Y4, Y4")
		p("VFMADD231PD Y3, Y3, Y0")
		p("VFMADD231PD Y4, Y4, Y2")
	} else {
		p("VADDPD Y3, Y0, Y0")
		p("VADDPD Y4, Y2, Y2")
	}
	p("ADDQ $32, SI")
	p("DECQ CX")
	p("JNE %sloop", lbl)
	label(lbl + "done")
	p("VADDPD Y2, Y0, Y0")
	p("VEXTRACTF128 $1, Y0, X1")
	p("VADDPD X1, X0, X0")
	p("VPERMILPD $1, X0, X1")
	p("VADDSD X1, X0, X0")
	p("MOVSD X0, ret+%d(FP)", ret)
	p("VZEROUPPER")
	p("RET")
}

// rowNormAVX2 is rowNormAVX512 on 8 lanes.
func rowNormAVX2() {
	sig := "(dst, x, gamma, beta *float32, n int, hi, lo, inv float32)"
	decls = append(decls, decl{"rowNormAVX2", sig})
	fmt.Fprintf(w, "\n// func rowNormAVX2%s   (n %% 8 == 0)\n", sig)
	comment(false, "dst = ((x-hi)-lo)·inv·gamma + beta")
	w.WriteString("TEXT ·rowNormAVX2(SB), NOSPLIT, $0-52\n")
	args(reg("dst+0(FP)", "DI"), reg("x+8(FP)", "SI"), reg("gamma+16(FP)", "DX"), reg("beta+24(FP)", "BX"), reg("n+32(FP)", "CX"))
	p("VBROADCASTSS hi+40(FP), Y5")
	p("VBROADCASTSS lo+44(FP), Y6")
	p("VBROADCASTSS inv+48(FP), Y7")
	p("SHRQ $3, CX")
	p("JE yndone")
	label("ynloop")
	p("VMOVUPS (SI), Y0")
	p("VSUBPS Y5, Y0, Y0")
	p("VSUBPS Y6, Y0, Y0")
	p("VMULPS Y7, Y0, Y0")
	p("VMOVUPS (BX), Y1")
	p("VFMADD231PS (DX), Y0, Y1")
	p("VMOVUPS Y1, (DI)")
	advance(32, "SI", "DX", "BX", "DI")
	p("DECQ CX")
	p("JNE ynloop")
	label("yndone")
	p("VZEROUPPER")
	p("RET")
}

// ---- files ----

// header starts an assembly file: the generated-code line, doc, the build
// constraint and the constant offsets.
func header(doc string) {
	w = new(bytes.Buffer)
	w.WriteString("// Code generated by gen_kernels.go; DO NOT EDIT.\n\n")
	comment(false, doc)
	w.WriteString("\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n\n")
	w.WriteString("// Offsets into kernelConsts (kernels_amd64.go).\n")
	for i, k := range consts {
		fmt.Fprintf(w, "#define C_%s %d\n", k.name, 4*i)
	}
}

func writeFile(name string, b []byte) {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	header(`AVX-512 kernels of this package: exp, exact GELU and the exp-and-sum
pass of softmax, 16 lanes at a time with masked tails; the LayerNorm
row statistics and normalisation, softmax's max and scale and whole rows
of softmax. The constants come in through a pointer to kernelConsts; the
maths is that of exp.go and erf.go, with VSCALEFPS for the 2^n scaling
and VRNDSCALEPS for the rounding.`)
	expAVX512()
	expShiftSumAVX512()
	geluAVX512()
	addAVX512()
	rowStat(false)
	rowStat(true)
	rowNormAVX512()
	maxAVX512()
	scaleAVX512()
	softmaxRowsAVX512()
	writeFile("kernels_amd64.s", w.Bytes())

	header(`AVX2+FMA kernels of this package, for processors without AVX-512: exp,
exact GELU (with an optional bias), tanh GELU, erf, SiLU, the
exp-and-sum pass of softmax, the elementwise add (a GEMM epilogue's bias)
and LayerNorm's row statistics and normalisation, 8 lanes at a time over whole multiples of 8
(the Go wrappers in dispatch_amd64.go run tails through an 8-float
buffer). Same maths and constants (kernelConsts) as kernels_amd64.s, with
the 2^n scaling done on the exponent bits.`)
	expAVX2()
	expShiftSumAVX2()
	geluAVX2()
	erfAVX2()
	geluTanhAVX2()
	siluAVX2()
	addAVX2()
	rowStatAVX2(false)
	rowStatAVX2(true)
	rowNormAVX2()
	writeFile("kernels_avx2_amd64.s", w.Bytes())

	var g bytes.Buffer
	g.WriteString(`// Code generated by gen_kernels.go; DO NOT EDIT.

// This file declares the assembly kernels of kernels_amd64.s (AVX-512) and
// kernels_avx2_amd64.s (AVX2+FMA), and the constant table they read.

//go:build amd64 && !purego

package nn

import "math"

// kernelConsts is the constant table of the assembly kernels; the C_*
// defines there are its offsets.
var kernelConsts = [...]float32{
`)
	for _, k := range consts {
		fmt.Fprintf(&g, "\t%s, // C_%s\n", k.value, k.name)
	}
	g.WriteString("}\n")
	for _, d := range decls {
		fmt.Fprintf(&g, "\n//go:noescape\nfunc %s%s\n", d.name, d.sig)
	}
	src, err := format.Source(g.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	writeFile("kernels_amd64.go", src)
}
