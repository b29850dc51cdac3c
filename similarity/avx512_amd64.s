// This file holds the AVX-512 kernels (F, VL, BW, DQ; VNNI for the int8 dot
// product and VPOPCNTDQ for Hamming distance). Loops keep several
// independent accumulators to hide FMA latency, and every tail shorter than
// one register is handled with a masked load, so no kernel reads outside
// its slices.

//go:build amd64 && !purego

#include "textflag.h"

// K1 = (1<<CX)-1 for 0 <= CX < 16. Clobbers AX.
#define TAILMASK16 \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1

// x = sum of the 16 lanes of z (y, x its lower halves), in lane 0.
// Clobbers ty/tx.
#define HSUM512(z, y, x, ty, tx) \
	VEXTRACTF64X4 $1, z, ty; \
	VADDPS ty, y, y; \
	VEXTRACTF128 $1, y, tx; \
	VADDPS tx, x, x; \
	VPERMILPD $1, x, tx; \
	VADDPS tx, x, x; \
	VMOVSHDUP x, tx; \
	VADDSS tx, x, x

// X0 = [sum Z0, sum Z1, sum Z2, sum Z3]. Clobbers Y8-Y11, X1.
#define HSUM4x512 \
	VEXTRACTF64X4 $1, Z0, Y8; \
	VEXTRACTF64X4 $1, Z1, Y9; \
	VEXTRACTF64X4 $1, Z2, Y10; \
	VEXTRACTF64X4 $1, Z3, Y11; \
	VADDPS        Y8, Y0, Y0; \
	VADDPS        Y9, Y1, Y1; \
	VADDPS        Y10, Y2, Y2; \
	VADDPS        Y11, Y3, Y3; \
	VHADDPS       Y1, Y0, Y0; \
	VHADDPS       Y3, Y2, Y2; \
	VHADDPS       Y2, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X1; \
	VADDPS        X1, X0, X0

// func dotAVX512(a, b []float32) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	CMPQ CX, $64
	JLT  dot_16

dot_64:
	VMOVUPS     (SI), Z4
	VMOVUPS     64(SI), Z5
	VMOVUPS     128(SI), Z6
	VMOVUPS     192(SI), Z7
	VFMADD231PS (DI), Z4, Z0
	VFMADD231PS 64(DI), Z5, Z1
	VFMADD231PS 128(DI), Z6, Z2
	VFMADD231PS 192(DI), Z7, Z3
	ADDQ        $256, SI
	ADDQ        $256, DI
	SUBQ        $64, CX
	CMPQ        CX, $64
	JGE         dot_64

dot_16:
	CMPQ        CX, $16
	JLT         dot_tail
	VMOVUPS     (SI), Z4
	VFMADD231PS (DI), Z4, Z0
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JMP         dot_16

dot_tail:
	TESTQ       CX, CX
	JZ          dot_sum
	TAILMASK16
	VMOVUPS.Z   (SI), K1, Z4
	VMOVUPS.Z   (DI), K1, Z5
	VFMADD231PS Z5, Z4, Z1

dot_sum:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM512(Z0, Y0, X0, Y1, X1)
	VZEROUPPER
	MOVSS  X0, ret+48(FP)
	RET

// func squaredL2AVX512(a, b []float32) float32
TEXT ·squaredL2AVX512(SB), NOSPLIT, $0-52
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	CMPQ CX, $64
	JLT  l2_16

l2_64:
	VMOVUPS     (SI), Z4
	VMOVUPS     64(SI), Z5
	VMOVUPS     128(SI), Z6
	VMOVUPS     192(SI), Z7
	VSUBPS      (DI), Z4, Z4
	VSUBPS      64(DI), Z5, Z5
	VSUBPS      128(DI), Z6, Z6
	VSUBPS      192(DI), Z7, Z7
	VFMADD231PS Z4, Z4, Z0
	VFMADD231PS Z5, Z5, Z1
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z7, Z7, Z3
	ADDQ        $256, SI
	ADDQ        $256, DI
	SUBQ        $64, CX
	CMPQ        CX, $64
	JGE         l2_64

l2_16:
	CMPQ        CX, $16
	JLT         l2_tail
	VMOVUPS     (SI), Z4
	VSUBPS      (DI), Z4, Z4
	VFMADD231PS Z4, Z4, Z0
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JMP         l2_16

l2_tail:
	TESTQ       CX, CX
	JZ          l2_sum
	TAILMASK16
	VMOVUPS.Z   (SI), K1, Z4
	VMOVUPS.Z   (DI), K1, Z5
	VSUBPS      Z5, Z4, Z4
	VFMADD231PS Z4, Z4, Z1

l2_sum:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUM512(Z0, Y0, X0, Y1, X1)
	VZEROUPPER
	MOVSS  X0, ret+48(FP)
	RET

// func cosineAVX512(a, b []float32) (ab, aa, bb, c float32)
//
// c = ab / (sqrt(aa)·sqrt(bb)) clamped to [-1, 1]; the caller uses it only
// when aa and bb are in range. Exact square roots and division, not an
// approximate reciprocal square root: about 3 ns slower than vek's
// VRSQRTSS-and-one-Newton-step finish, but within an ulp or two.
TEXT ·cosineAVX512(SB), NOSPLIT, $0-64
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	VPXORD Z0, Z0, Z0 // a·b
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2 // a·a
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4 // b·b
	VPXORD Z5, Z5, Z5
	CMPQ CX, $32
	JLT  cos_16

cos_32:
	VMOVUPS     (SI), Z6
	VMOVUPS     64(SI), Z7
	VMOVUPS     (DI), Z8
	VMOVUPS     64(DI), Z9
	VFMADD231PS Z8, Z6, Z0
	VFMADD231PS Z9, Z7, Z1
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z7, Z7, Z3
	VFMADD231PS Z8, Z8, Z4
	VFMADD231PS Z9, Z9, Z5
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	CMPQ        CX, $32
	JGE         cos_32

cos_16:
	CMPQ        CX, $16
	JLT         cos_tail
	VMOVUPS     (SI), Z6
	VMOVUPS     (DI), Z8
	VFMADD231PS Z8, Z6, Z0
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z8, Z8, Z4
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX

cos_tail:
	TESTQ       CX, CX
	JZ          cos_sum
	TAILMASK16
	VMOVUPS.Z   (SI), K1, Z7
	VMOVUPS.Z   (DI), K1, Z9
	VFMADD231PS Z9, Z7, Z1
	VFMADD231PS Z7, Z7, Z3
	VFMADD231PS Z9, Z9, Z5

cos_sum:
	// One transposing reduction for all three: X0 = [a·b, a·a, b·b, 0].
	VADDPS     Z1, Z0, Z0
	VADDPS     Z3, Z2, Z1
	VADDPS     Z5, Z4, Z2
	VPXORD     Z3, Z3, Z3
	HSUM4x512
	VMOVSHDUP  X0, X1 // X1[0] = a·a
	VPERMILPD  $1, X0, X2 // X2[0] = b·b
	VSQRTSS    X1, X1, X3
	VSQRTSS    X2, X2, X4
	VMULSS     X4, X3, X3
	VDIVSS     X3, X0, X3
	MOVL       $0x3f800000, AX // 1.0
	VMOVD      AX, X4
	VMINSS     X4, X3, X3
	MOVL       $0xbf800000, AX // -1.0
	VMOVD      AX, X4
	VMAXSS     X4, X3, X3
	VZEROUPPER
	MOVSS      X0, ab+48(FP)
	MOVSS      X1, aa+52(FP)
	MOVSS      X2, bb+56(FP)
	MOVSS      X3, c+60(FP)
	RET

// func scaleAVX512(v []float32, s float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-28
	MOVQ         v_base+0(FP), SI
	MOVQ         v_len+8(FP), CX
	VBROADCASTSS s+24(FP), Z0
	CMPQ         CX, $64
	JLT          scale_16

scale_64:
	VMULPS  (SI), Z0, Z4
	VMULPS  64(SI), Z0, Z5
	VMULPS  128(SI), Z0, Z6
	VMULPS  192(SI), Z0, Z7
	VMOVUPS Z4, (SI)
	VMOVUPS Z5, 64(SI)
	VMOVUPS Z6, 128(SI)
	VMOVUPS Z7, 192(SI)
	ADDQ    $256, SI
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     scale_64

scale_16:
	CMPQ    CX, $16
	JLT     scale_tail
	VMULPS  (SI), Z0, Z4
	VMOVUPS Z4, (SI)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     scale_16

scale_tail:
	TESTQ     CX, CX
	JZ        scale_done
	TAILMASK16
	VMOVUPS.Z (SI), K1, Z4
	VMULPS    Z4, Z0, Z4
	VMOVUPS   Z4, K1, (SI)

scale_done:
	VZEROUPPER
	RET

// Batch kernels (BATCH_SETUP expects DI=dst, R12=len(dst), SI=q,
// BX=len(q), R8=rows). Registers:
//   SI query, BX d (floats), DX row stride in bytes, DI dst, R12 rows left,
//   R8-R11 the four rows of a group, CX byte offset within a row,
//   R13 end of the 32-float blocks (bytes), AX end of the 16-float blocks,
//   K1 mask of the last d%16 floats, BX prefetch pointer: the group two
//   groups ahead (rows +8..+11) is prefetched linearly, 8 lines per 32-float
//   step (the hardware prefetcher alone trains poorly on 4 short streams).
//   Scans streamed from L3 or memory never come here: they run the AVX2
//   kernels' sequential path (see batchDispatchAVX512).
#define BATCH_SETUP \
	MOVQ BX, CX; \
	ANDQ $15, CX; \
	TAILMASK16; \
	LEAQ (BX*4), DX; \
	MOVQ BX, R13; \
	ANDQ $-32, R13; \
	SHLQ $2, R13; \
	MOVQ BX, AX; \
	ANDQ $-16, AX; \
	SHLQ $2, AX

// func dotBatchAVX512(dst, q, rows []float32)
// (Streamed scans run dotBatchAVX2 instead: see batchDispatchAVX512.)
TEXT ·dotBatchAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R12
	MOVQ q_base+24(FP), SI
	MOVQ q_len+32(FP), BX
	MOVQ rows_base+48(FP), R8
	BATCH_SETUP

db_group:
	CMPQ   R12, $4
	JLT    db_single
	LEAQ   (R8)(DX*1), R9
	LEAQ   (R9)(DX*1), R10
	LEAQ   (R10)(DX*1), R11
	LEAQ   (R8)(DX*8), BX // prefetch pointer: two groups ahead
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   CX, CX
	CMPQ   CX, R13
	JGE    db_group16

db_group32:
	VMOVUPS     (SI)(CX*1), Z16
	VMOVUPS     64(SI)(CX*1), Z17
	VFMADD231PS (R8)(CX*1), Z16, Z0
	VFMADD231PS 64(R8)(CX*1), Z17, Z4
	VFMADD231PS (R9)(CX*1), Z16, Z1
	VFMADD231PS 64(R9)(CX*1), Z17, Z5
	VFMADD231PS (R10)(CX*1), Z16, Z2
	VFMADD231PS 64(R10)(CX*1), Z17, Z6
	VFMADD231PS (R11)(CX*1), Z16, Z3
	VFMADD231PS 64(R11)(CX*1), Z17, Z7
	PREFETCHT0  0(BX)
	PREFETCHT0  64(BX)
	PREFETCHT0  128(BX)
	PREFETCHT0  192(BX)
	PREFETCHT0  256(BX)
	PREFETCHT0  320(BX)
	PREFETCHT0  384(BX)
	PREFETCHT0  448(BX)
	ADDQ        $512, BX
	ADDQ        $128, CX
	CMPQ        CX, R13
	JLT         db_group32

db_group16:
	CMPQ        CX, AX
	JGE         db_grouptail
	VMOVUPS     (SI)(CX*1), Z16
	VFMADD231PS (R8)(CX*1), Z16, Z0
	VFMADD231PS (R9)(CX*1), Z16, Z1
	VFMADD231PS (R10)(CX*1), Z16, Z2
	VFMADD231PS (R11)(CX*1), Z16, Z3
	ADDQ        $64, CX

db_grouptail:
	KORTESTW    K1, K1
	JZ          db_groupsum
	VMOVUPS.Z   (SI)(CX*1), K1, Z16
	VMOVUPS.Z   (R8)(CX*1), K1, Z18
	VMOVUPS.Z   (R9)(CX*1), K1, Z19
	VMOVUPS.Z   (R10)(CX*1), K1, Z20
	VMOVUPS.Z   (R11)(CX*1), K1, Z21
	VFMADD231PS Z18, Z16, Z4
	VFMADD231PS Z19, Z16, Z5
	VFMADD231PS Z20, Z16, Z6
	VFMADD231PS Z21, Z16, Z7

db_groupsum:
	VADDPS  Z4, Z0, Z0
	VADDPS  Z5, Z1, Z1
	VADDPS  Z6, Z2, Z2
	VADDPS  Z7, Z3, Z3
	HSUM4x512
	VMOVUPS X0, (DI)
	ADDQ    $16, DI
	LEAQ    (R11)(DX*1), R8
	SUBQ    $4, R12
	JMP     db_group

db_single:
	TESTQ  R12, R12
	JZ     db_done
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	XORQ   CX, CX
	CMPQ   CX, R13
	JGE    db_single16

db_single32:
	VMOVUPS     (SI)(CX*1), Z16
	VMOVUPS     64(SI)(CX*1), Z17
	VFMADD231PS (R8)(CX*1), Z16, Z0
	VFMADD231PS 64(R8)(CX*1), Z17, Z4
	ADDQ        $128, CX
	CMPQ        CX, R13
	JLT         db_single32

db_single16:
	CMPQ        CX, AX
	JGE         db_singletail
	VMOVUPS     (SI)(CX*1), Z16
	VFMADD231PS (R8)(CX*1), Z16, Z0
	ADDQ        $64, CX

db_singletail:
	KORTESTW    K1, K1
	JZ          db_singlesum
	VMOVUPS.Z   (SI)(CX*1), K1, Z16
	VMOVUPS.Z   (R8)(CX*1), K1, Z18
	VFMADD231PS Z18, Z16, Z4

db_singlesum:
	VADDPS Z4, Z0, Z0
	HSUM512(Z0, Y0, X0, Y1, X1)
	MOVSS  X0, (DI)
	ADDQ   $4, DI
	ADDQ   DX, R8
	DECQ   R12
	JMP    db_single

db_done:
	VZEROUPPER
	RET

// func squaredL2BatchAVX512(dst, q, rows []float32)
// (Streamed scans run squaredL2BatchAVX2 instead: see batchDispatchAVX512.)
TEXT ·squaredL2BatchAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R12
	MOVQ q_base+24(FP), SI
	MOVQ q_len+32(FP), BX
	MOVQ rows_base+48(FP), R8
	BATCH_SETUP

lb_group:
	CMPQ   R12, $4
	JLT    lb_single
	LEAQ   (R8)(DX*1), R9
	LEAQ   (R9)(DX*1), R10
	LEAQ   (R10)(DX*1), R11
	LEAQ   (R8)(DX*8), BX // prefetch pointer: two groups ahead
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   CX, CX
	CMPQ   CX, R13
	JGE    lb_group16

lb_group32:
	VMOVUPS     (SI)(CX*1), Z16
	VMOVUPS     64(SI)(CX*1), Z17
	VSUBPS      (R8)(CX*1), Z16, Z18
	VSUBPS      64(R8)(CX*1), Z17, Z19
	VSUBPS      (R9)(CX*1), Z16, Z20
	VSUBPS      64(R9)(CX*1), Z17, Z21
	VSUBPS      (R10)(CX*1), Z16, Z22
	VSUBPS      64(R10)(CX*1), Z17, Z23
	VSUBPS      (R11)(CX*1), Z16, Z24
	VSUBPS      64(R11)(CX*1), Z17, Z25
	VFMADD231PS Z18, Z18, Z0
	VFMADD231PS Z19, Z19, Z4
	VFMADD231PS Z20, Z20, Z1
	VFMADD231PS Z21, Z21, Z5
	VFMADD231PS Z22, Z22, Z2
	VFMADD231PS Z23, Z23, Z6
	VFMADD231PS Z24, Z24, Z3
	VFMADD231PS Z25, Z25, Z7
	PREFETCHT0  0(BX)
	PREFETCHT0  64(BX)
	PREFETCHT0  128(BX)
	PREFETCHT0  192(BX)
	PREFETCHT0  256(BX)
	PREFETCHT0  320(BX)
	PREFETCHT0  384(BX)
	PREFETCHT0  448(BX)
	ADDQ        $512, BX
	ADDQ        $128, CX
	CMPQ        CX, R13
	JLT         lb_group32

lb_group16:
	CMPQ        CX, AX
	JGE         lb_grouptail
	VMOVUPS     (SI)(CX*1), Z16
	VSUBPS      (R8)(CX*1), Z16, Z18
	VSUBPS      (R9)(CX*1), Z16, Z20
	VSUBPS      (R10)(CX*1), Z16, Z22
	VSUBPS      (R11)(CX*1), Z16, Z24
	VFMADD231PS Z18, Z18, Z0
	VFMADD231PS Z20, Z20, Z1
	VFMADD231PS Z22, Z22, Z2
	VFMADD231PS Z24, Z24, Z3
	ADDQ        $64, CX

lb_grouptail:
	KORTESTW    K1, K1
	JZ          lb_groupsum
	VMOVUPS.Z   (SI)(CX*1), K1, Z16
	VMOVUPS.Z   (R8)(CX*1), K1, Z18
	VMOVUPS.Z   (R9)(CX*1), K1, Z19
	VMOVUPS.Z   (R10)(CX*1), K1, Z20
	VMOVUPS.Z   (R11)(CX*1), K1, Z21
	VSUBPS      Z18, Z16, Z18
	VSUBPS      Z19, Z16, Z19
	VSUBPS      Z20, Z16, Z20
	VSUBPS      Z21, Z16, Z21
	VFMADD231PS Z18, Z18, Z4
	VFMADD231PS Z19, Z19, Z5
	VFMADD231PS Z20, Z20, Z6
	VFMADD231PS Z21, Z21, Z7

lb_groupsum:
	VADDPS  Z4, Z0, Z0
	VADDPS  Z5, Z1, Z1
	VADDPS  Z6, Z2, Z2
	VADDPS  Z7, Z3, Z3
	HSUM4x512
	VMOVUPS X0, (DI)
	ADDQ    $16, DI
	LEAQ    (R11)(DX*1), R8
	SUBQ    $4, R12
	JMP     lb_group

lb_single:
	TESTQ  R12, R12
	JZ     lb_done
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	XORQ   CX, CX
	CMPQ   CX, R13
	JGE    lb_single16

lb_single32:
	VMOVUPS     (SI)(CX*1), Z16
	VMOVUPS     64(SI)(CX*1), Z17
	VSUBPS      (R8)(CX*1), Z16, Z18
	VSUBPS      64(R8)(CX*1), Z17, Z19
	VFMADD231PS Z18, Z18, Z0
	VFMADD231PS Z19, Z19, Z4
	ADDQ        $128, CX
	CMPQ        CX, R13
	JLT         lb_single32

lb_single16:
	CMPQ        CX, AX
	JGE         lb_singletail
	VMOVUPS     (SI)(CX*1), Z16
	VSUBPS      (R8)(CX*1), Z16, Z18
	VFMADD231PS Z18, Z18, Z0
	ADDQ        $64, CX

lb_singletail:
	KORTESTW    K1, K1
	JZ          lb_singlesum
	VMOVUPS.Z   (SI)(CX*1), K1, Z16
	VMOVUPS.Z   (R8)(CX*1), K1, Z18
	VSUBPS      Z18, Z16, Z18
	VFMADD231PS Z18, Z18, Z4

lb_singlesum:
	VADDPS Z4, Z0, Z0
	HSUM512(Z0, Y0, X0, Y1, X1)
	MOVSS  X0, (DI)
	ADDQ   $4, DI
	ADDQ   DX, R8
	DECQ   R12
	JMP    lb_single

lb_done:
	VZEROUPPER
	RET

// func dotInt8VNNI(a, b []int8) int32
//
// VPDPBUSD multiplies unsigned by signed bytes, so a is biased to a+128
// (a XOR 0x80) and 128·Σb, itself a VPDPBUSD of ones by b, is subtracted.
// All arithmetic wraps modulo 2^32 exactly like the portable kernel.
TEXT ·dotInt8VNNI(SB), NOSPLIT, $0-52
	MOVQ         a_base+0(FP), SI
	MOVQ         a_len+8(FP), CX
	MOVQ         b_base+24(FP), DI
	MOVL         $0x80808080, AX
	VPBROADCASTD AX, Z31
	MOVL         $0x01010101, AX
	VPBROADCASTD AX, Z30
	VPXORD       Z0, Z0, Z0 // Σ (a+128)·b
	VPXORD       Z1, Z1, Z1
	VPXORD       Z2, Z2, Z2 // Σ b
	VPXORD       Z3, Z3, Z3
	CMPQ         CX, $128
	JLT          i8_64

i8_128:
	VMOVDQU64 (SI), Z4
	VMOVDQU64 64(SI), Z5
	VMOVDQU64 (DI), Z6
	VMOVDQU64 64(DI), Z7
	VPXORD    Z31, Z4, Z4
	VPXORD    Z31, Z5, Z5
	VPDPBUSD  Z6, Z4, Z0
	VPDPBUSD  Z7, Z5, Z1
	VPDPBUSD  Z6, Z30, Z2
	VPDPBUSD  Z7, Z30, Z3
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $128, CX
	CMPQ      CX, $128
	JGE       i8_128

i8_64:
	CMPQ      CX, $64
	JLT       i8_tail
	VMOVDQU64 (SI), Z4
	VMOVDQU64 (DI), Z6
	VPXORD    Z31, Z4, Z4
	VPDPBUSD  Z6, Z4, Z0
	VPDPBUSD  Z6, Z30, Z2
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, CX

i8_tail:
	TESTQ      CX, CX
	JZ         i8_sum
	MOVQ       $1, AX
	SHLQ       CX, AX
	DECQ       AX
	KMOVQ      AX, K1
	VMOVDQU8.Z (SI), K1, Z4
	VMOVDQU8.Z (DI), K1, Z6
	VPXORD     Z31, Z4, Z4
	VPDPBUSD   Z6, Z4, Z1
	VPDPBUSD   Z6, Z30, Z3

i8_sum:
	VPADDD         Z1, Z0, Z0
	VPADDD         Z3, Z2, Z2
	VPSLLD         $7, Z2, Z2
	VPSUBD         Z2, Z0, Z0
	VEXTRACTI64X4  $1, Z0, Y1
	VPADDD         Y1, Y0, Y0
	VEXTRACTI128   $1, Y0, X1
	VPADDD         X1, X0, X0
	VPSHUFD        $0x4e, X0, X1
	VPADDD         X1, X0, X0
	VPSHUFD        $0xb1, X0, X1
	VPADDD         X1, X0, X0
	VMOVD          X0, AX
	VZEROUPPER
	MOVL           AX, ret+48(FP)
	RET

// func hammingAVX512(a, b []uint64) int
TEXT ·hammingAVX512(SB), NOSPLIT, $0-56
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	CMPQ   CX, $16
	JLT    ham_8

ham_16:
	VMOVDQU64 (SI), Z2
	VMOVDQU64 64(SI), Z3
	VPXORQ    (DI), Z2, Z2
	VPXORQ    64(DI), Z3, Z3
	VPOPCNTQ  Z2, Z2
	VPOPCNTQ  Z3, Z3
	VPADDQ    Z2, Z0, Z0
	VPADDQ    Z3, Z1, Z1
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $16, CX
	CMPQ      CX, $16
	JGE       ham_16

ham_8:
	CMPQ      CX, $8
	JLT       ham_tail
	VMOVDQU64 (SI), Z2
	VPXORQ    (DI), Z2, Z2
	VPOPCNTQ  Z2, Z2
	VPADDQ    Z2, Z0, Z0
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $8, CX

ham_tail:
	TESTQ       CX, CX
	JZ          ham_sum
	TAILMASK16
	VMOVDQU64.Z (SI), K1, Z2
	VMOVDQU64.Z (DI), K1, Z3
	VPXORQ      Z3, Z2, Z2
	VPOPCNTQ    Z2, Z2
	VPADDQ      Z2, Z1, Z1

ham_sum:
	VPADDQ        Z1, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ        Y1, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPADDQ        X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VPADDQ        X1, X0, X0
	VMOVQ         X0, AX
	VZEROUPPER
	MOVQ          AX, ret+48(FP)
	RET
