// AVX-512 kernels of this package: exp, exact GELU and the exp-and-sum
// pass of softmax, 16 lanes at a time with masked tails. The constants
// come in through a pointer to avx512Consts (see dispatch_amd64.go for the
// layout); the maths is that of exp.go and erf.go, with VSCALEFPS for the
// 2^n scaling and VRNDSCALEPS for the rounding.

//go:build amd64 && !purego

#include "textflag.h"

// Offsets into avx512Consts.
#define C_INVSQRT2 0
#define C_SPLIT 4
#define C_HI 8
#define C_ONE 12
#define C_TWO 16
#define C_HALF 20
#define C_MHI 24
#define C_P0 28
#define C_P1 32
#define C_P2 36
#define C_P3 40
#define C_P4 44
#define C_P5 48
#define C_Q0 52
#define C_Q1 56
#define C_Q2 60
#define C_Q3 64
#define C_Q4 68
#define C_Q5 72
#define C_Q6 76
#define C_Q7 80
#define C_LOG2E 84
#define C_LN2HI 88
#define C_LN2LO 92
#define C_E0 96
#define C_E1 100
#define C_E2 104
#define C_E3 108
#define C_E4 112
#define C_E5 116
#define C_EMIN 120
#define C_EMAX 124
#define C_INF 128

// EXPCORE sets ZE = e^ZX for ZX in the normal range (no clamping), using
// ZN and ZR as temporaries. R8 points at the constants, Z19 holds 1.0 and
// Z23 log2(e).
#define EXPCORE(ZX, ZE, ZN, ZR) \
	VMULPS Z23, ZX, ZN; \
	VRNDSCALEPS $8, ZN, ZN; \
	VMOVAPS ZX, ZR; \
	VFNMADD231PS.BCST C_LN2HI(R8), ZN, ZR; \
	VFNMADD231PS.BCST C_LN2LO(R8), ZN, ZR; \
	VBROADCASTSS C_E5(R8), ZE; \
	VFMADD213PS.BCST C_E4(R8), ZR, ZE; \
	VFMADD213PS.BCST C_E3(R8), ZR, ZE; \
	VFMADD213PS.BCST C_E2(R8), ZR, ZE; \
	VFMADD213PS.BCST C_E1(R8), ZR, ZE; \
	VFMADD213PS.BCST C_E0(R8), ZR, ZE; \
	VMULPS ZR, ZE, ZE; \
	VFMADD213PS ZR, ZR, ZE; \
	VADDPS Z19, ZE, ZE; \
	VSCALEFPS ZN, ZE, ZE

// EXPFULL sets ZE = e^ZX with Exp's edge cases: 0 below C_EMIN, +Inf above
// C_EMAX, NaN for NaN. Z24 holds 0, Z25 C_EMIN, Z26 C_EMAX, Z27 +Inf.
#define EXPFULL(ZX, ZE, ZN, ZR) \
	EXPCORE(ZX, ZE, ZN, ZR); \
	VCMPPS $0x01, Z25, ZX, K1; \
	VMOVAPS Z24, K1, ZE; \
	VCMPPS $0x0e, Z26, ZX, K2; \
	VMOVAPS Z27, K2, ZE

// LOADEXPCONSTS loads the registers EXPCORE and EXPFULL use.
#define LOADEXPCONSTS \
	VBROADCASTSS C_ONE(R8), Z19; \
	VBROADCASTSS C_LOG2E(R8), Z23; \
	VPXORD Z24, Z24, Z24; \
	VBROADCASTSS C_EMIN(R8), Z25; \
	VBROADCASTSS C_EMAX(R8), Z26; \
	VBROADCASTSS C_INF(R8), Z27

// TAILMASK sets K4 to the low CX bits (CX < 16), using AX.
#define TAILMASK \
	MOVQ $1, AX; \
	SHLQ CX, AX; \
	DECQ AX; \
	KMOVW AX, K4

// func expAVX512(dst, x *float32, n int, c *float32)
TEXT ·expAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), R8
	LOADEXPCONSTS

exploop:
	CMPQ CX, $16
	JL exptail
	VMOVUPS (SI), Z0
	EXPFULL(Z0, Z1, Z2, Z3)
	VMOVUPS Z1, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP exploop

exptail:
	TESTQ CX, CX
	JE expdone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	EXPFULL(Z0, Z1, Z2, Z3)
	VMOVUPS Z1, K4, (DI)

expdone:
	VZEROUPPER
	RET

// func expShiftSumAVX512(x *float32, n int, m, scale float32, c *float32, sum *[16]float32)
// x[i] = e^{scale·(x[i]-m)}; the 16 lane sums go to *sum.
TEXT ·expShiftSumAVX512(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Z20
	VBROADCASTSS scale+20(FP), Z21
	MOVQ c+24(FP), R8
	MOVQ sum+32(FP), DI
	LOADEXPCONSTS
	VPXORD Z10, Z10, Z10

sloop:
	CMPQ CX, $16
	JL stail
	VMOVUPS (SI), Z0
	VSUBPS Z20, Z0, Z0
	VMULPS Z21, Z0, Z0
	EXPFULL(Z0, Z1, Z2, Z3)
	VMOVUPS Z1, (SI)
	VADDPS Z1, Z10, Z10
	ADDQ $64, SI
	SUBQ $16, CX
	JMP sloop

stail:
	TESTQ CX, CX
	JE sdone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	VSUBPS Z20, Z0, Z0
	VMULPS Z21, Z0, Z0
	EXPFULL(Z0, Z1, Z2, Z3)
	VMOVUPS Z1, K4, (SI)
	VADDPS Z1, Z10, K4, Z10

sdone:
	VMOVUPS Z10, (DI)
	VZEROUPPER
	RET

// GELU16 sets Z9 = GELU(Z0) (exact erf form, as gelu32), using Z1–Z8 and
// K1–K3. Besides the EXPCORE registers: Z16 1/√2, Z17 the erf split, Z18
// 4.0, Z20 2.0, Z21 0.5, Z22 -4.0, Z24 0.
#define GELU16 \
	VMULPS Z16, Z0, Z1; \
	VSUBPS Z1, Z24, Z2; \
	VMAXPS Z2, Z1, Z2; \
	VMULPS Z1, Z1, Z3; \
	VBROADCASTSS C_P5(R8), Z4; \
	VFMADD213PS.BCST C_P4(R8), Z3, Z4; \
	VFMADD213PS.BCST C_P3(R8), Z3, Z4; \
	VFMADD213PS.BCST C_P2(R8), Z3, Z4; \
	VFMADD213PS.BCST C_P1(R8), Z3, Z4; \
	VFMADD213PS.BCST C_P0(R8), Z3, Z4; \
	VFMADD213PS Z19, Z1, Z4; \
	VMINPS Z18, Z2, Z5; \
	VBROADCASTSS C_Q7(R8), Z6; \
	VFMADD213PS.BCST C_Q6(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q5(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q4(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q3(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q2(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q1(R8), Z5, Z6; \
	VFMADD213PS.BCST C_Q0(R8), Z5, Z6; \
	EXPCORE(Z6, Z8, Z7, Z3); \
	VSUBPS Z8, Z20, Z9; \
	VCMPPS $0x0e, Z24, Z1, K2; \
	VMOVAPS Z9, K2, Z8; \
	VCMPPS $0x01, Z17, Z2, K3; \
	VMOVAPS Z4, K3, Z8; \
	VMULPS Z21, Z0, Z9; \
	VMULPS Z8, Z9, Z9; \
	VCMPPS $0x05, Z22, Z1, K1; \
	VMOVAPS.Z Z9, K1, Z9

// func geluAVX512(dst, x, bias *float32, n int, c *float32)
// dst[i] = GELU(x[i] + bias[i]); bias may be nil (no add).
TEXT ·geluAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ bias+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ c+32(FP), R8
	LOADEXPCONSTS
	VBROADCASTSS C_INVSQRT2(R8), Z16
	VBROADCASTSS C_SPLIT(R8), Z17
	VBROADCASTSS C_HI(R8), Z18
	VBROADCASTSS C_TWO(R8), Z20
	VBROADCASTSS C_HALF(R8), Z21
	VBROADCASTSS C_MHI(R8), Z22

	TESTQ DX, DX
	JNE gbloop

gloop:
	CMPQ CX, $16
	JL gtail
	VMOVUPS (SI), Z0
	GELU16
	VMOVUPS Z9, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP gloop

gtail:
	TESTQ CX, CX
	JE gdone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	GELU16
	VMOVUPS Z9, K4, (DI)
	JMP gdone

gbloop:
	CMPQ CX, $16
	JL gbtail
	VMOVUPS (SI), Z0
	VADDPS (DX), Z0, Z0
	GELU16
	VMOVUPS Z9, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP gbloop

gbtail:
	TESTQ CX, CX
	JE gdone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z (DX), K4, Z1
	VADDPS Z1, Z0, Z0
	GELU16
	VMOVUPS Z9, K4, (DI)

gdone:
	VZEROUPPER
	RET

// func addAVX512(dst, a, b *float32, n int)
TEXT ·addAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX

aloop4:
	CMPQ CX, $64
	JL aloop
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS (DX), Z0, Z0
	VADDPS 64(DX), Z1, Z1
	VADDPS 128(DX), Z2, Z2
	VADDPS 192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DX
	ADDQ $256, DI
	SUBQ $64, CX
	JMP aloop4

aloop:
	CMPQ CX, $16
	JL atail
	VMOVUPS (SI), Z0
	VADDPS (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP aloop

atail:
	TESTQ CX, CX
	JE adone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z (DX), K4, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K4, (DI)

adone:
	VZEROUPPER
	RET

// HSUMPD sets X0 to the sum of the 8 float64 lanes of Z0 (uses Z1).
#define HSUMPD \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPD Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPD X1, X0, X0; \
	VPERMILPD $1, X0, X1; \
	VADDSD X1, X0, X0

// func rowSumAVX512(x *float32, n int) float64   (n % 16 == 0)
TEXT ·rowSumAVX512(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z2, Z2, Z2
	SHRQ $4, CX
	JE rsdone

rsloop:
	VCVTPS2PD (SI), Z3
	VCVTPS2PD 32(SI), Z4
	VADDPD Z3, Z0, Z0
	VADDPD Z4, Z2, Z2
	ADDQ $64, SI
	DECQ CX
	JNE rsloop

rsdone:
	VADDPD Z2, Z0, Z0
	HSUMPD
	MOVSD X0, ret+16(FP)
	VZEROUPPER
	RET

// func rowSqDevAVX512(x *float32, n int, mean float64) float64   (n % 16 == 0)
TEXT ·rowSqDevAVX512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD mean+16(FP), Z5
	VPXORQ Z0, Z0, Z0
	VPXORQ Z2, Z2, Z2
	SHRQ $4, CX
	JE rvdone

rvloop:
	VCVTPS2PD (SI), Z3
	VCVTPS2PD 32(SI), Z4
	VSUBPD Z5, Z3, Z3
	VSUBPD Z5, Z4, Z4
	VFMADD231PD Z3, Z3, Z0
	VFMADD231PD Z4, Z4, Z2
	ADDQ $64, SI
	DECQ CX
	JNE rvloop

rvdone:
	VADDPD Z2, Z0, Z0
	HSUMPD
	MOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func rowNormAVX512(dst, x, gamma, beta *float32, n int, hi, lo, inv float32)   (n % 16 == 0)
// dst = ((x-hi)-lo)·inv·gamma + beta
TEXT ·rowNormAVX512(SB), NOSPLIT, $0-52
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ gamma+16(FP), DX
	MOVQ beta+24(FP), BX
	MOVQ n+32(FP), CX
	VBROADCASTSS hi+40(FP), Z5
	VBROADCASTSS lo+44(FP), Z6
	VBROADCASTSS inv+48(FP), Z7
	SHRQ $4, CX
	JE rndone

rnloop:
	VMOVUPS (SI), Z0
	VSUBPS Z5, Z0, Z0
	VSUBPS Z6, Z0, Z0
	VMULPS Z7, Z0, Z0
	VMOVUPS (BX), Z1
	VFMADD231PS (DX), Z0, Z1
	VMOVUPS Z1, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, BX
	ADDQ $64, DI
	DECQ CX
	JNE rnloop

rndone:
	VZEROUPPER
	RET

// func maxAVX512(x *float32, n int) float32   (n ≥ 1; unspecified with NaNs)
TEXT ·maxAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0xff800000, AX
	VPBROADCASTD AX, Z0
	VMOVAPS Z0, Z2

mloop:
	CMPQ CX, $32
	JL mloop16
	VMAXPS (SI), Z0, Z0
	VMAXPS 64(SI), Z2, Z2
	ADDQ $128, SI
	SUBQ $32, CX
	JMP mloop

mloop16:
	CMPQ CX, $16
	JL mtail
	VMAXPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX

mtail:
	TESTQ CX, CX
	JE mdone
	TAILMASK
	VMAXPS (SI), Z0, K4, Z0

mdone:
	VMAXPS Z2, Z0, Z0
	VEXTRACTF32X8 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	MOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func scaleAVX512(x *float32, n int, s float32)   x[i] *= s
TEXT ·scaleAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS s+16(FP), Z1

scloop:
	CMPQ CX, $16
	JL sctail
	VMULPS (SI), Z1, Z0
	VMOVUPS Z0, (SI)
	ADDQ $64, SI
	SUBQ $16, CX
	JMP scloop

sctail:
	TESTQ CX, CX
	JE scdone
	TAILMASK
	VMOVUPS.Z (SI), K4, Z0
	VMULPS Z1, Z0, Z0
	VMOVUPS Z0, K4, (SI)

scdone:
	VZEROUPPER
	RET

// SMLOAD loads a full chunk of the row at SI into ZR; SMLOADLAST loads the
// last chunk under K5 with -Inf in the lanes past the row.
#define SMLOAD(off, ZR) VMOVUPS off(SI), ZR
#define SMLOADLAST(off, ZR) \
	VMOVAPS Z28, ZR; \
	VMOVUPS off(SI), K5, ZR

// SMEXP sets ZR = e^{scale·(ZR-max)} (Z20 max, Z21 scale; Z0, Z2, Z3 are
// temporaries).
#define SMEXP(ZR) \
	VSUBPS Z20, ZR, Z0; \
	VMULPS Z21, Z0, Z0; \
	EXPFULL(Z0, ZR, Z2, Z3)

// SMHMAX sets X0 to the largest lane of Z0 (uses Z1).
#define SMHMAX \
	VEXTRACTF32X8 $1, Z0, Y1; \
	VMAXPS Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VMAXPS X1, X0, X0; \
	VPERMILPS $0x4e, X0, X1; \
	VMAXPS X1, X0, X0; \
	VPERMILPS $0xb1, X0, X1; \
	VMAXPS X1, X0, X0

// SMHSUM sets Z1 to 1/(the sum of Z10's lanes), broadcast (uses Z0).
#define SMHSUM \
	VEXTRACTF32X8 $1, Z10, Y1; \
	VADDPS Y1, Y10, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VPERMILPS $0x4e, X0, X1; \
	VADDPS X1, X0, X0; \
	VPERMILPS $0xb1, X0, X1; \
	VADDPS X1, X0, X0; \
	VMOVSS C_ONE(R8), X1; \
	VDIVSS X0, X1, X1; \
	VBROADCASTSS X1, Z1

// SMBCASTMAX broadcasts X0 (the row's max) into Z20, or jumps to srzero
// when it is -Inf (every key masked).
#define SMBCASTMAX(label) \
	VUCOMISS X28, X0; \
	JNE label; \
	JPS label; \
	JMP srzero; \
label: \
	VBROADCASTSS X0, Z20

// func softmaxRowsAVX512(x *float32, rows, n, ld int, scale float32, c *float32)
// Each of rows rows of n floats (row stride ld floats) becomes
// e^{scale·(x-max)}/Σ; a row whose max is -Inf becomes zeros. Rows of up
// to 64 floats are held in registers (one load and one store per
// element); longer rows take three passes over memory.
TEXT ·softmaxRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), DI
	MOVQ rows+8(FP), R9
	MOVQ n+16(FP), R10
	MOVQ ld+24(FP), R11
	SHLQ $2, R11
	VBROADCASTSS scale+32(FP), Z21
	MOVQ c+40(FP), R8
	LOADEXPCONSTS
	MOVL $0xff800000, AX
	VPBROADCASTD AX, Z28 // -Inf
	// K5: mask of the last partial chunk of a row (all ones if none).
	MOVQ R10, CX
	ANDQ $15, CX
	MOVQ $0xffff, AX
	JE srmask
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX

srmask:
	KMOVW AX, K5
	// R12: full chunks before the last (possibly partial) one.
	MOVQ R10, R12
	ADDQ $15, R12
	SHRQ $4, R12
	DECQ R12
	TESTQ R10, R10
	JE srdone

srrow:
	TESTQ R9, R9
	JE srdone
	MOVQ DI, SI
	CMPQ R12, $0
	JE sr1
	CMPQ R12, $1
	JE sr2
	CMPQ R12, $2
	JE sr3
	CMPQ R12, $3
	JE sr4
	JMP srlong

sr1:
	SMLOADLAST(0, Z11)
	VMOVAPS Z11, Z0
	SMHMAX
	SMBCASTMAX(sr1f)
	SMEXP(Z11)
	VMOVAPS Z11, Z10
	SMHSUM
	VMULPS Z1, Z11, Z11
	VMOVUPS Z11, K5, (SI)
	JMP srnext

sr2:
	SMLOAD(0, Z11)
	SMLOADLAST(64, Z12)
	VMAXPS Z12, Z11, Z0
	SMHMAX
	SMBCASTMAX(sr2f)
	SMEXP(Z11)
	SMEXP(Z12)
	VADDPS Z12, Z11, Z10
	SMHSUM
	VMULPS Z1, Z11, Z11
	VMULPS Z1, Z12, Z12
	VMOVUPS Z11, (SI)
	VMOVUPS Z12, K5, 64(SI)
	JMP srnext

sr3:
	SMLOAD(0, Z11)
	SMLOAD(64, Z12)
	SMLOADLAST(128, Z13)
	VMAXPS Z12, Z11, Z0
	VMAXPS Z13, Z0, Z0
	SMHMAX
	SMBCASTMAX(sr3f)
	SMEXP(Z11)
	SMEXP(Z12)
	SMEXP(Z13)
	VADDPS Z12, Z11, Z10
	VADDPS Z13, Z10, Z10
	SMHSUM
	VMULPS Z1, Z11, Z11
	VMULPS Z1, Z12, Z12
	VMULPS Z1, Z13, Z13
	VMOVUPS Z11, (SI)
	VMOVUPS Z12, 64(SI)
	VMOVUPS Z13, K5, 128(SI)
	JMP srnext

sr4:
	SMLOAD(0, Z11)
	SMLOAD(64, Z12)
	SMLOAD(128, Z13)
	SMLOADLAST(192, Z14)
	VMAXPS Z12, Z11, Z0
	VMAXPS Z14, Z13, Z1
	VMAXPS Z1, Z0, Z0
	SMHMAX
	SMBCASTMAX(sr4f)
	SMEXP(Z11)
	SMEXP(Z12)
	SMEXP(Z13)
	SMEXP(Z14)
	VADDPS Z12, Z11, Z10
	VADDPS Z14, Z13, Z0
	VADDPS Z0, Z10, Z10
	SMHSUM
	VMULPS Z1, Z11, Z11
	VMULPS Z1, Z12, Z12
	VMULPS Z1, Z13, Z13
	VMULPS Z1, Z14, Z14
	VMOVUPS Z11, (SI)
	VMOVUPS Z12, 64(SI)
	VMOVUPS Z13, 128(SI)
	VMOVUPS Z14, K5, 192(SI)
	JMP srnext

srlong:
	// Max over the row.
	MOVQ R12, CX
	VMOVAPS Z28, Z0

srmax:
	VMAXPS (SI), Z0, Z0
	ADDQ $64, SI
	DECQ CX
	JNE srmax
	VMAXPS (SI), Z0, K5, Z0
	SMHMAX
	SMBCASTMAX(srlf)

	// x = e^{scale·(x-max)}, summed in Z10.
	VPXORD Z10, Z10, Z10
	MOVQ DI, SI
	MOVQ R12, CX

srexp:
	VMOVUPS (SI), Z11
	SMEXP(Z11)
	VMOVUPS Z11, (SI)
	VADDPS Z11, Z10, Z10
	ADDQ $64, SI
	DECQ CX
	JNE srexp
	SMLOADLAST(0, Z11)
	SMEXP(Z11)
	VMOVUPS Z11, K5, (SI)
	VADDPS Z11, Z10, Z10
	SMHSUM

	// x *= 1/Σ.
	MOVQ DI, SI
	MOVQ R12, CX

srscale:
	VMULPS (SI), Z1, Z0
	VMOVUPS Z0, (SI)
	ADDQ $64, SI
	DECQ CX
	JNE srscale
	VMOVUPS.Z (SI), K5, Z0
	VMULPS Z1, Z0, Z0
	VMOVUPS Z0, K5, (SI)
	JMP srnext

srzero:
	// Every entry -Inf: all zeros.
	MOVQ DI, SI
	MOVQ R12, CX

srzloop:
	TESTQ CX, CX
	JE srzlast
	VMOVUPS Z24, (SI)
	ADDQ $64, SI
	DECQ CX
	JMP srzloop

srzlast:
	VMOVUPS Z24, K5, (SI)

srnext:
	ADDQ R11, DI
	DECQ R9
	JMP srrow

srdone:
	VZEROUPPER
	RET
