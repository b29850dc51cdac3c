// AVX2+FMA kernels of this package, for processors without AVX-512: exp,
// exact GELU (with an optional bias) and the exp-and-sum pass of softmax,
// 8 lanes at a time over whole multiples of 8 (the Go wrappers in
// dispatch_amd64.go run tails through an 8-float buffer). Same maths and
// constants (avx512Consts) as kernels_amd64.s, with the 2^n scaling done
// on the exponent bits.

//go:build amd64 && !purego

#include "textflag.h"

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
#define C_BIAS127 132

// HORNER: YP = YP·YX + c, with YT as the broadcast temporary.
#define HORNER(off, YX, YP, YT) \
	VBROADCASTSS off(R8), YT; \
	VFMADD213PS YT, YX, YP

// EXP8 sets YE = e^YX for YX in the normal range (no edge cases), using
// YN, YR, YT as temporaries. Y14 holds 1.0.
#define EXP8(YX, YE, YN, YR, YT) \
	VBROADCASTSS C_LOG2E(R8), YT; \
	VMULPS YT, YX, YN; \
	VROUNDPS $0, YN, YN; \
	VMOVAPS YX, YR; \
	VBROADCASTSS C_LN2HI(R8), YT; \
	VFNMADD231PS YT, YN, YR; \
	VBROADCASTSS C_LN2LO(R8), YT; \
	VFNMADD231PS YT, YN, YR; \
	VBROADCASTSS C_E5(R8), YE; \
	HORNER(C_E4, YR, YE, YT); \
	HORNER(C_E3, YR, YE, YT); \
	HORNER(C_E2, YR, YE, YT); \
	HORNER(C_E1, YR, YE, YT); \
	HORNER(C_E0, YR, YE, YT); \
	VMULPS YR, YE, YE; \
	VFMADD213PS YR, YR, YE; \
	VADDPS Y14, YE, YE; \
	VCVTPS2DQ YN, YN; \
	VPBROADCASTD C_BIAS127(R8), YT; \
	VPADDD YT, YN, YN; \
	VPSLLD $23, YN, YN; \
	VMULPS YN, YE, YE

// EXPEDGE applies Exp's edge cases to YE = e^YX: 0 below C_EMIN, +Inf
// above C_EMAX (NaN stays NaN). YT, YM are temporaries.
#define EXPEDGE(YX, YE, YT, YM) \
	VBROADCASTSS C_EMIN(R8), YT; \
	VCMPPS $0x01, YT, YX, YM; \
	VANDNPS YE, YM, YE; \
	VBROADCASTSS C_EMAX(R8), YT; \
	VCMPPS $0x0e, YT, YX, YM; \
	VBROADCASTSS C_INF(R8), YT; \
	VBLENDVPS YM, YT, YE, YE

// func expAVX2(dst, x *float32, n int, c *float32)   (n % 8 == 0)
TEXT ·expAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), R8
	VBROADCASTSS C_ONE(R8), Y14
	SHRQ $3, CX
	JE xdone

xloop:
	VMOVUPS (SI), Y0
	EXP8(Y0, Y1, Y2, Y3, Y4)
	EXPEDGE(Y0, Y1, Y4, Y5)
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE xloop

xdone:
	VZEROUPPER
	RET

// func expShiftSumAVX2(x *float32, n int, m, scale float32, c *float32, sum *[8]float32)   (n % 8 == 0)
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Y12
	VBROADCASTSS scale+20(FP), Y13
	MOVQ c+24(FP), R8
	MOVQ sum+32(FP), DI
	VBROADCASTSS C_ONE(R8), Y14
	VXORPS Y10, Y10, Y10
	SHRQ $3, CX
	JE ydone

yloop:
	VMOVUPS (SI), Y0
	VSUBPS Y12, Y0, Y0
	VMULPS Y13, Y0, Y0
	EXP8(Y0, Y1, Y2, Y3, Y4)
	EXPEDGE(Y0, Y1, Y4, Y5)
	VMOVUPS Y1, (SI)
	VADDPS Y1, Y10, Y10
	ADDQ $32, SI
	DECQ CX
	JNE yloop

ydone:
	VMOVUPS Y10, (DI)
	VZEROUPPER
	RET

// GELU8 sets Y9 = GELU(Y0) using Y1–Y10 (Y13 holds 0, Y14 1.0, Y15 1/√2).
#define GELU8 \
	VMULPS Y15, Y0, Y1; \
	VSUBPS Y1, Y13, Y2; \
	VMAXPS Y2, Y1, Y2; \
	VMULPS Y1, Y1, Y3; \
	VBROADCASTSS C_P5(R8), Y4; \
	HORNER(C_P4, Y3, Y4, Y5); \
	HORNER(C_P3, Y3, Y4, Y5); \
	HORNER(C_P2, Y3, Y4, Y5); \
	HORNER(C_P1, Y3, Y4, Y5); \
	HORNER(C_P0, Y3, Y4, Y5); \
	VFMADD213PS Y14, Y1, Y4; \
	VBROADCASTSS C_HI(R8), Y5; \
	VMINPS Y5, Y2, Y5; \
	VBROADCASTSS C_Q7(R8), Y6; \
	HORNER(C_Q6, Y5, Y6, Y7); \
	HORNER(C_Q5, Y5, Y6, Y7); \
	HORNER(C_Q4, Y5, Y6, Y7); \
	HORNER(C_Q3, Y5, Y6, Y7); \
	HORNER(C_Q2, Y5, Y6, Y7); \
	HORNER(C_Q1, Y5, Y6, Y7); \
	HORNER(C_Q0, Y5, Y6, Y7); \
	EXP8(Y6, Y8, Y7, Y3, Y5); \
	VBROADCASTSS C_TWO(R8), Y9; \
	VSUBPS Y8, Y9, Y9; \
	VCMPPS $0x0e, Y13, Y1, Y10; \
	VBLENDVPS Y10, Y9, Y8, Y8; \
	VBROADCASTSS C_SPLIT(R8), Y10; \
	VCMPPS $0x01, Y10, Y2, Y10; \
	VBLENDVPS Y10, Y4, Y8, Y8; \
	VBROADCASTSS C_HALF(R8), Y9; \
	VMULPS Y9, Y0, Y9; \
	VMULPS Y8, Y9, Y9; \
	VBROADCASTSS C_MHI(R8), Y10; \
	VCMPPS $0x01, Y10, Y1, Y10; \
	VANDNPS Y9, Y10, Y9

// func geluAVX2(dst, x, bias *float32, n int, c *float32)   (n % 8 == 0)
// dst[i] = GELU(x[i] + bias[i]); bias may be nil (no add).
TEXT ·geluAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ bias+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ c+32(FP), R8
	VXORPS Y13, Y13, Y13
	VBROADCASTSS C_ONE(R8), Y14
	VBROADCASTSS C_INVSQRT2(R8), Y15
	SHRQ $3, CX
	JE gdone
	TESTQ DX, DX
	JNE gbloop

gloop:
	VMOVUPS (SI), Y0
	GELU8
	VMOVUPS Y9, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE gloop
	JMP gdone

gbloop:
	VMOVUPS (SI), Y0
	VADDPS (DX), Y0, Y0
	GELU8
	VMOVUPS Y9, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNE gbloop

gdone:
	VZEROUPPER
	RET
