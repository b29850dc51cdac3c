// This file holds the AVX2+FMA kernels. Loops keep several independent
// accumulators to hide FMA latency; float tails shorter than one register
// use VMASKMOVPS with a mask from tailmask<>, so no kernel reads or writes
// outside its slices.

//go:build amd64 && !purego

#include "textflag.h"

// 8 lanes of -1 followed by 8 lanes of 0: the 8 dwords at byte offset
// 4·(8-r) select the first r lanes.
DATA tailmask<>+0x00(SB)/8, $0xffffffffffffffff
DATA tailmask<>+0x08(SB)/8, $0xffffffffffffffff
DATA tailmask<>+0x10(SB)/8, $0xffffffffffffffff
DATA tailmask<>+0x18(SB)/8, $0xffffffffffffffff
DATA tailmask<>+0x20(SB)/8, $0
DATA tailmask<>+0x28(SB)/8, $0
DATA tailmask<>+0x30(SB)/8, $0
DATA tailmask<>+0x38(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// Y15 = mask of the first CX lanes (0 <= CX < 8). Clobbers AX, DX.
#define TAILMASK8 \
	LEAQ    tailmask<>(SB), AX; \
	MOVQ    $8, DX; \
	SUBQ    CX, DX; \
	VMOVDQU (AX)(DX*4), Y15

// X<y> = sum of the 8 lanes of Y<y>, in lane 0.
#define HSUM256(y, x, tx) \
	VEXTRACTF128 $1, y, tx; \
	VADDPS       tx, x, x; \
	VPERMILPD    $1, x, tx; \
	VADDPS       tx, x, x; \
	VMOVSHDUP    x, tx; \
	VADDSS       tx, x, x

// X0 = [sum Y0, sum Y1, sum Y2, sum Y3]. Clobbers X1.
#define HSUM4x256 \
	VHADDPS      Y1, Y0, Y0; \
	VHADDPS      Y3, Y2, Y2; \
	VHADDPS      Y2, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS       X1, X0, X0

// func dotAVX2(a, b []float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ   CX, $32
	JLT    dot_8

dot_32:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	CMPQ        CX, $32
	JGE         dot_32

dot_8:
	CMPQ        CX, $8
	JLT         dot_tail
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         dot_8

dot_tail:
	TESTQ       CX, CX
	JZ          dot_sum
	TAILMASK8
	VMASKMOVPS  (SI), Y15, Y4
	VMASKMOVPS  (DI), Y15, Y5
	VFMADD231PS Y5, Y4, Y1

dot_sum:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM256(Y0, X0, X1)
	VZEROUPPER
	MOVSS  X0, ret+48(FP)
	RET

// func squaredL2AVX2(a, b []float32) float32
TEXT ·squaredL2AVX2(SB), NOSPLIT, $0-52
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	CMPQ   CX, $32
	JLT    l2_8

l2_32:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VSUBPS      (DI), Y4, Y4
	VSUBPS      32(DI), Y5, Y5
	VSUBPS      64(DI), Y6, Y6
	VSUBPS      96(DI), Y7, Y7
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	CMPQ        CX, $32
	JGE         l2_32

l2_8:
	CMPQ        CX, $8
	JLT         l2_tail
	VMOVUPS     (SI), Y4
	VSUBPS      (DI), Y4, Y4
	VFMADD231PS Y4, Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         l2_8

l2_tail:
	TESTQ       CX, CX
	JZ          l2_sum
	TAILMASK8
	VMASKMOVPS  (SI), Y15, Y4
	VMASKMOVPS  (DI), Y15, Y5
	VSUBPS      Y5, Y4, Y4
	VFMADD231PS Y4, Y4, Y1

l2_sum:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM256(Y0, X0, X1)
	VZEROUPPER
	MOVSS  X0, ret+48(FP)
	RET

// func cosineAVX2(a, b []float32) (ab, aa, bb, c float32)
//
// c = ab / (sqrt(aa)·sqrt(bb)) clamped to [-1, 1]; the caller uses it only
// when aa and bb are in range. Exact square roots and division, not an
// approximate reciprocal square root: about 3 ns slower than vek's
// VRSQRTSS-and-one-Newton-step finish, but within an ulp or two.
TEXT ·cosineAVX2(SB), NOSPLIT, $0-64
	MOVQ   a_base+0(FP), SI
	MOVQ   a_len+8(FP), CX
	MOVQ   b_base+24(FP), DI
	VXORPS Y0, Y0, Y0 // a·b
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2 // a·a
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4 // b·b
	VXORPS Y5, Y5, Y5
	CMPQ   CX, $32
	JLT    cos_16

	// 32 floats per step into twelve accumulators (Y0-Y5 and Y10-Y15): with
	// two per sum the loop waited on FMA latency; four keep both FMA pipes
	// busy. Y10-Y15 are folded into Y0-Y5 before the tails, which need Y15.
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

cos_32:
	VMOVUPS     (SI), Y6
	VMOVUPS     32(SI), Y7
	VMOVUPS     (DI), Y8
	VMOVUPS     32(DI), Y9
	VFMADD231PS Y8, Y6, Y0
	VFMADD231PS Y9, Y7, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	VFMADD231PS Y8, Y8, Y4
	VFMADD231PS Y9, Y9, Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VMOVUPS     64(DI), Y8
	VMOVUPS     96(DI), Y9
	VFMADD231PS Y8, Y6, Y10
	VFMADD231PS Y9, Y7, Y11
	VFMADD231PS Y6, Y6, Y12
	VFMADD231PS Y7, Y7, Y13
	VFMADD231PS Y8, Y8, Y14
	VFMADD231PS Y9, Y9, Y15
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	CMPQ        CX, $32
	JGE         cos_32
	VADDPS      Y10, Y0, Y0
	VADDPS      Y11, Y1, Y1
	VADDPS      Y12, Y2, Y2
	VADDPS      Y13, Y3, Y3
	VADDPS      Y14, Y4, Y4
	VADDPS      Y15, Y5, Y5

cos_16:
	CMPQ        CX, $16
	JLT         cos_8
	VMOVUPS     (SI), Y6
	VMOVUPS     32(SI), Y7
	VMOVUPS     (DI), Y8
	VMOVUPS     32(DI), Y9
	VFMADD231PS Y8, Y6, Y0
	VFMADD231PS Y9, Y7, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	VFMADD231PS Y8, Y8, Y4
	VFMADD231PS Y9, Y9, Y5
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX

cos_8:
	CMPQ        CX, $8
	JLT         cos_tail
	VMOVUPS     (SI), Y6
	VMOVUPS     (DI), Y8
	VFMADD231PS Y8, Y6, Y0
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y8, Y8, Y4
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX

cos_tail:
	TESTQ       CX, CX
	JZ          cos_sum
	TAILMASK8
	VMASKMOVPS  (SI), Y15, Y7
	VMASKMOVPS  (DI), Y15, Y9
	VFMADD231PS Y9, Y7, Y1
	VFMADD231PS Y7, Y7, Y3
	VFMADD231PS Y9, Y9, Y5

cos_sum:
	// One transposing reduction for all three: X0 = [a·b, a·a, b·b, 0].
	VADDPS     Y1, Y0, Y0
	VADDPS     Y3, Y2, Y1
	VADDPS     Y5, Y4, Y2
	VXORPS     Y3, Y3, Y3
	HSUM4x256
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

// func scaleAVX2(v []float32, s float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-28
	MOVQ         v_base+0(FP), SI
	MOVQ         v_len+8(FP), CX
	VBROADCASTSS s+24(FP), Y0
	CMPQ         CX, $32
	JLT          scale_8

scale_32:
	VMULPS  (SI), Y0, Y4
	VMULPS  32(SI), Y0, Y5
	VMULPS  64(SI), Y0, Y6
	VMULPS  96(SI), Y0, Y7
	VMOVUPS Y4, (SI)
	VMOVUPS Y5, 32(SI)
	VMOVUPS Y6, 64(SI)
	VMOVUPS Y7, 96(SI)
	ADDQ    $128, SI
	SUBQ    $32, CX
	CMPQ    CX, $32
	JGE     scale_32

scale_8:
	CMPQ    CX, $8
	JLT     scale_tail
	VMULPS  (SI), Y0, Y4
	VMOVUPS Y4, (SI)
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     scale_8

scale_tail:
	TESTQ      CX, CX
	JZ         scale_done
	TAILMASK8
	VMASKMOVPS (SI), Y15, Y4
	VMULPS     Y4, Y0, Y4
	VMASKMOVPS Y4, Y15, (SI)

scale_done:
	VZEROUPPER
	RET

// Batch kernels (BATCH_SETUP expects DI=dst, R12=len(dst), SI=q,
// BX=len(q), R8=rows). Registers:
//   SI query, BX d (floats), R13 row stride in bytes, DI dst, R12 rows left,
//   R8-R11 the four rows of a group, CX byte offset within a row,
//   AX end of the 16-float blocks (bytes), DX end of the 8-float
//   blocks, Y15 mask of the last d%8 floats, BX prefetch pointer: the group two
//   groups ahead (rows +8..+11) is prefetched linearly, 4 lines per 16-float
//   step (the hardware prefetcher alone trains poorly on 4 short streams).
//   With stream set (scans from memory, see streamMinFloats) the kernels
//   read the rows in memory order instead (SEQROW, SEQROWL2), with no
//   software prefetch.
#define BATCH_SETUP \
	MOVQ BX, CX; \
	ANDQ $7, CX; \
	TAILMASK8; \
	LEAQ (BX*4), R13; \
	MOVQ BX, AX; \
	ANDQ $-16, AX; \
	SHLQ $2, AX; \
	MOVQ BX, DX; \
	ANDQ $-8, DX; \
	SHLQ $2, DX

// SEQROW adds row R's dot product with the query into A and B (the batch
// kernels' registers: SI query, AX/DX ends of the 16- and 8-float blocks,
// R13 row length in bytes, Y15 tail mask). L16, L8, LT and LE name its
// labels. Clobbers CX, Y8 and Y9.
#define SEQROW(R, A, B, L16, L8, LT, LE) \
	XORQ        CX, CX; \
	CMPQ        CX, AX; \
	JGE         L8; \
L16: \
	VMOVUPS     (SI)(CX*1), Y8; \
	VMOVUPS     32(SI)(CX*1), Y9; \
	VFMADD231PS (R)(CX*1), Y8, A; \
	VFMADD231PS 32(R)(CX*1), Y9, B; \
	ADDQ        $64, CX; \
	CMPQ        CX, AX; \
	JLT         L16; \
L8: \
	CMPQ        CX, DX; \
	JGE         LT; \
	VMOVUPS     (SI)(CX*1), Y8; \
	VFMADD231PS (R)(CX*1), Y8, A; \
	ADDQ        $32, CX; \
LT: \
	CMPQ        CX, R13; \
	JGE         LE; \
	VMASKMOVPS  (SI)(CX*1), Y15, Y8; \
	VMASKMOVPS  (R)(CX*1), Y15, Y9; \
	VFMADD231PS Y9, Y8, B; \
LE:

// func dotBatchAVX2(dst, q, rows []float32, stream bool)
TEXT ·dotBatchAVX2(SB), NOSPLIT, $0-73
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R12
	MOVQ q_base+24(FP), SI
	MOVQ q_len+32(FP), BX
	MOVQ rows_base+48(FP), R8
	BATCH_SETUP

db_group:
	CMPQ   R12, $4
	JLT    db_single
	LEAQ   (R8)(R13*1), R9
	LEAQ   (R9)(R13*1), R10
	LEAQ   (R10)(R13*1), R11
	LEAQ   (R8)(R13*8), BX // prefetch pointer: two groups ahead
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPB   stream+72(FP), $0
	JNE    db_seq
	XORQ   CX, CX
	CMPQ   CX, AX
	JGE    db_group8

db_group16:
	VMOVUPS     (SI)(CX*1), Y8
	VMOVUPS     32(SI)(CX*1), Y9
	VFMADD231PS (R8)(CX*1), Y8, Y0
	VFMADD231PS 32(R8)(CX*1), Y9, Y4
	VFMADD231PS (R9)(CX*1), Y8, Y1
	VFMADD231PS 32(R9)(CX*1), Y9, Y5
	VFMADD231PS (R10)(CX*1), Y8, Y2
	VFMADD231PS 32(R10)(CX*1), Y9, Y6
	VFMADD231PS (R11)(CX*1), Y8, Y3
	VFMADD231PS 32(R11)(CX*1), Y9, Y7
	PREFETCHT0  0(BX)
	PREFETCHT0  64(BX)
	PREFETCHT0  128(BX)
	PREFETCHT0  192(BX)
	ADDQ        $256, BX
	ADDQ        $64, CX
	CMPQ        CX, AX
	JLT         db_group16
	JMP         db_group8

db_seq:
	// Streamed rows are read in memory order, one row after another
	// (four rows' sums still reduced together): a single sequential
	// stream that the hardware prefetcher follows, measured 14% (384
	// floats) to 40% (96 floats) faster than four interleaved rows with
	// software prefetch on an AMD EPYC (Zen 4).
	SEQROW(R8, Y0, Y4, dbs0_16, dbs0_8, dbs0_t, dbs0_e)
	SEQROW(R9, Y1, Y5, dbs1_16, dbs1_8, dbs1_t, dbs1_e)
	SEQROW(R10, Y2, Y6, dbs2_16, dbs2_8, dbs2_t, dbs2_e)
	SEQROW(R11, Y3, Y7, dbs3_16, dbs3_8, dbs3_t, dbs3_e)
	JMP db_groupsum

db_group8:
	CMPQ        CX, DX
	JGE         db_grouptail
	VMOVUPS     (SI)(CX*1), Y8
	VFMADD231PS (R8)(CX*1), Y8, Y0
	VFMADD231PS (R9)(CX*1), Y8, Y1
	VFMADD231PS (R10)(CX*1), Y8, Y2
	VFMADD231PS (R11)(CX*1), Y8, Y3
	ADDQ        $32, CX

db_grouptail:
	CMPQ        CX, R13
	JGE         db_groupsum
	VMASKMOVPS  (SI)(CX*1), Y15, Y8
	VMASKMOVPS  (R8)(CX*1), Y15, Y9
	VMASKMOVPS  (R9)(CX*1), Y15, Y10
	VMASKMOVPS  (R10)(CX*1), Y15, Y11
	VMASKMOVPS  (R11)(CX*1), Y15, Y12
	VFMADD231PS Y9, Y8, Y4
	VFMADD231PS Y10, Y8, Y5
	VFMADD231PS Y11, Y8, Y6
	VFMADD231PS Y12, Y8, Y7

db_groupsum:
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	HSUM4x256
	VMOVUPS X0, (DI)
	ADDQ    $16, DI
	LEAQ    (R11)(R13*1), R8
	SUBQ    $4, R12
	JMP     db_group

db_single:
	TESTQ  R12, R12
	JZ     db_done
	VXORPS Y0, Y0, Y0
	VXORPS Y4, Y4, Y4
	XORQ   CX, CX
	CMPQ   CX, AX
	JGE    db_single8

db_single16:
	VMOVUPS     (SI)(CX*1), Y8
	VMOVUPS     32(SI)(CX*1), Y9
	VFMADD231PS (R8)(CX*1), Y8, Y0
	VFMADD231PS 32(R8)(CX*1), Y9, Y4
	ADDQ        $64, CX
	CMPQ        CX, AX
	JLT         db_single16

db_single8:
	CMPQ        CX, DX
	JGE         db_singletail
	VMOVUPS     (SI)(CX*1), Y8
	VFMADD231PS (R8)(CX*1), Y8, Y0
	ADDQ        $32, CX

db_singletail:
	CMPQ        CX, R13
	JGE         db_singlesum
	VMASKMOVPS  (SI)(CX*1), Y15, Y8
	VMASKMOVPS  (R8)(CX*1), Y15, Y9
	VFMADD231PS Y9, Y8, Y4

db_singlesum:
	VADDPS Y4, Y0, Y0
	HSUM256(Y0, X0, X1)
	MOVSS  X0, (DI)
	ADDQ   $4, DI
	ADDQ   R13, R8
	DECQ   R12
	JMP    db_single

db_done:
	VZEROUPPER
	RET

// SEQROWL2 is SEQROW for squared Euclidean distances.
#define SEQROWL2(R, A, B, L16, L8, LT, LE) \
	XORQ        CX, CX; \
	CMPQ        CX, AX; \
	JGE         L8; \
L16: \
	VMOVUPS     (SI)(CX*1), Y8; \
	VMOVUPS     32(SI)(CX*1), Y9; \
	VSUBPS      (R)(CX*1), Y8, Y8; \
	VSUBPS      32(R)(CX*1), Y9, Y9; \
	VFMADD231PS Y8, Y8, A; \
	VFMADD231PS Y9, Y9, B; \
	ADDQ        $64, CX; \
	CMPQ        CX, AX; \
	JLT         L16; \
L8: \
	CMPQ        CX, DX; \
	JGE         LT; \
	VMOVUPS     (SI)(CX*1), Y8; \
	VSUBPS      (R)(CX*1), Y8, Y8; \
	VFMADD231PS Y8, Y8, A; \
	ADDQ        $32, CX; \
LT: \
	CMPQ        CX, R13; \
	JGE         LE; \
	VMASKMOVPS  (SI)(CX*1), Y15, Y8; \
	VMASKMOVPS  (R)(CX*1), Y15, Y9; \
	VSUBPS      Y9, Y8, Y8; \
	VFMADD231PS Y8, Y8, B; \
LE:

// func squaredL2BatchAVX2(dst, q, rows []float32, stream bool)
TEXT ·squaredL2BatchAVX2(SB), NOSPLIT, $0-73
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R12
	MOVQ q_base+24(FP), SI
	MOVQ q_len+32(FP), BX
	MOVQ rows_base+48(FP), R8
	BATCH_SETUP

lb_group:
	CMPQ   R12, $4
	JLT    lb_single
	LEAQ   (R8)(R13*1), R9
	LEAQ   (R9)(R13*1), R10
	LEAQ   (R10)(R13*1), R11
	LEAQ   (R8)(R13*8), BX // prefetch pointer: two groups ahead
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPB   stream+72(FP), $0
	JNE    lb_seq
	XORQ   CX, CX
	CMPQ   CX, AX
	JGE    lb_group8

lb_group16:
	VMOVUPS     (SI)(CX*1), Y8
	VMOVUPS     32(SI)(CX*1), Y9
	VSUBPS      (R8)(CX*1), Y8, Y10
	VSUBPS      32(R8)(CX*1), Y9, Y11
	VSUBPS      (R9)(CX*1), Y8, Y12
	VSUBPS      32(R9)(CX*1), Y9, Y13
	VFMADD231PS Y10, Y10, Y0
	VFMADD231PS Y11, Y11, Y4
	VFMADD231PS Y12, Y12, Y1
	VFMADD231PS Y13, Y13, Y5
	VSUBPS      (R10)(CX*1), Y8, Y10
	VSUBPS      32(R10)(CX*1), Y9, Y11
	VSUBPS      (R11)(CX*1), Y8, Y12
	VSUBPS      32(R11)(CX*1), Y9, Y13
	VFMADD231PS Y10, Y10, Y2
	VFMADD231PS Y11, Y11, Y6
	VFMADD231PS Y12, Y12, Y3
	VFMADD231PS Y13, Y13, Y7
	PREFETCHT0  0(BX)
	PREFETCHT0  64(BX)
	PREFETCHT0  128(BX)
	PREFETCHT0  192(BX)
	ADDQ        $256, BX
	ADDQ        $64, CX
	CMPQ        CX, AX
	JLT         lb_group16
	JMP         lb_group8

lb_seq:
	// Streamed rows in memory order, as in dotBatchAVX2.
	SEQROWL2(R8, Y0, Y4, lbs0_16, lbs0_8, lbs0_t, lbs0_e)
	SEQROWL2(R9, Y1, Y5, lbs1_16, lbs1_8, lbs1_t, lbs1_e)
	SEQROWL2(R10, Y2, Y6, lbs2_16, lbs2_8, lbs2_t, lbs2_e)
	SEQROWL2(R11, Y3, Y7, lbs3_16, lbs3_8, lbs3_t, lbs3_e)
	JMP lb_groupsum

lb_group8:
	CMPQ        CX, DX
	JGE         lb_grouptail
	VMOVUPS     (SI)(CX*1), Y8
	VSUBPS      (R8)(CX*1), Y8, Y10
	VSUBPS      (R9)(CX*1), Y8, Y11
	VSUBPS      (R10)(CX*1), Y8, Y12
	VSUBPS      (R11)(CX*1), Y8, Y13
	VFMADD231PS Y10, Y10, Y0
	VFMADD231PS Y11, Y11, Y1
	VFMADD231PS Y12, Y12, Y2
	VFMADD231PS Y13, Y13, Y3
	ADDQ        $32, CX

lb_grouptail:
	CMPQ        CX, R13
	JGE         lb_groupsum
	VMASKMOVPS  (SI)(CX*1), Y15, Y8
	VMASKMOVPS  (R8)(CX*1), Y15, Y10
	VMASKMOVPS  (R9)(CX*1), Y15, Y11
	VMASKMOVPS  (R10)(CX*1), Y15, Y12
	VMASKMOVPS  (R11)(CX*1), Y15, Y13
	VSUBPS      Y10, Y8, Y10
	VSUBPS      Y11, Y8, Y11
	VSUBPS      Y12, Y8, Y12
	VSUBPS      Y13, Y8, Y13
	VFMADD231PS Y10, Y10, Y4
	VFMADD231PS Y11, Y11, Y5
	VFMADD231PS Y12, Y12, Y6
	VFMADD231PS Y13, Y13, Y7

lb_groupsum:
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	HSUM4x256
	VMOVUPS X0, (DI)
	ADDQ    $16, DI
	LEAQ    (R11)(R13*1), R8
	SUBQ    $4, R12
	JMP     lb_group

lb_single:
	TESTQ  R12, R12
	JZ     lb_done
	VXORPS Y0, Y0, Y0
	VXORPS Y4, Y4, Y4
	XORQ   CX, CX
	CMPQ   CX, AX
	JGE    lb_single8

lb_single16:
	VMOVUPS     (SI)(CX*1), Y8
	VMOVUPS     32(SI)(CX*1), Y9
	VSUBPS      (R8)(CX*1), Y8, Y10
	VSUBPS      32(R8)(CX*1), Y9, Y11
	VFMADD231PS Y10, Y10, Y0
	VFMADD231PS Y11, Y11, Y4
	ADDQ        $64, CX
	CMPQ        CX, AX
	JLT         lb_single16

lb_single8:
	CMPQ        CX, DX
	JGE         lb_singletail
	VMOVUPS     (SI)(CX*1), Y8
	VSUBPS      (R8)(CX*1), Y8, Y10
	VFMADD231PS Y10, Y10, Y0
	ADDQ        $32, CX

lb_singletail:
	CMPQ        CX, R13
	JGE         lb_singlesum
	VMASKMOVPS  (SI)(CX*1), Y15, Y8
	VMASKMOVPS  (R8)(CX*1), Y15, Y10
	VSUBPS      Y10, Y8, Y10
	VFMADD231PS Y10, Y10, Y4

lb_singlesum:
	VADDPS Y4, Y0, Y0
	HSUM256(Y0, X0, X1)
	MOVSS  X0, (DI)
	ADDQ   $4, DI
	ADDQ   R13, R8
	DECQ   R12
	JMP    lb_single

lb_done:
	VZEROUPPER
	RET

// func dotInt8AVX2(a, b []int8) int32
//
// Bytes are sign-extended to 16 bits and multiplied pairwise into 32-bit
// sums with VPMADDWD; the last len%16 bytes are done one at a time.
TEXT ·dotInt8AVX2(SB), NOSPLIT, $0-52
	MOVQ  a_base+0(FP), SI
	MOVQ  a_len+8(FP), CX
	MOVQ  b_base+24(FP), DI
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	CMPQ  CX, $64
	JLT   i8_16

i8_64:
	VPMOVSXBW (SI), Y4
	VPMOVSXBW 16(SI), Y5
	VPMOVSXBW 32(SI), Y6
	VPMOVSXBW 48(SI), Y7
	VPMOVSXBW (DI), Y8
	VPMOVSXBW 16(DI), Y9
	VPMOVSXBW 32(DI), Y10
	VPMOVSXBW 48(DI), Y11
	VPMADDWD  Y8, Y4, Y4
	VPMADDWD  Y9, Y5, Y5
	VPMADDWD  Y10, Y6, Y6
	VPMADDWD  Y11, Y7, Y7
	VPADDD    Y4, Y0, Y0
	VPADDD    Y5, Y1, Y1
	VPADDD    Y6, Y2, Y2
	VPADDD    Y7, Y3, Y3
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, CX
	CMPQ      CX, $64
	JGE       i8_64

i8_16:
	CMPQ      CX, $16
	JLT       i8_sum
	VPMOVSXBW (SI), Y4
	VPMOVSXBW (DI), Y8
	VPMADDWD  Y8, Y4, Y4
	VPADDD    Y4, Y0, Y0
	ADDQ      $16, SI
	ADDQ      $16, DI
	SUBQ      $16, CX
	JMP       i8_16

i8_sum:
	VPADDD       Y1, Y0, Y0
	VPADDD       Y3, Y2, Y2
	VPADDD       Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0xb1, X0, X1
	VPADDD       X1, X0, X0
	VMOVD        X0, AX
	VZEROUPPER
	TESTQ        CX, CX
	JZ           i8_done

i8_tail:
	MOVBLSX (SI), DX
	MOVBLSX (DI), BX
	IMULL   BX, DX
	ADDL    DX, AX
	INCQ    SI
	INCQ    DI
	DECQ    CX
	JNZ     i8_tail

i8_done:
	MOVL AX, ret+48(FP)
	RET

// func hammingPOPCNT(a, b []uint64) int
//
// Scalar POPCNTQ over four independent counts (a plain Go loop measured
// ~3.5 cycles a word here: one serial sum plus Go's POPCNT feature check on
// every call). POPCNTQ r, r avoids the false output dependency of some
// Intel cores.
TEXT ·hammingPOPCNT(SB), NOSPLIT, $0-56
	MOVQ a_base+0(FP), SI
	MOVQ a_len+8(FP), CX
	MOVQ b_base+24(FP), DI
	XORQ AX, AX
	XORQ BX, BX
	XORQ DX, DX
	XORQ R8, R8
	CMPQ CX, $4
	JLT  pop_tail

pop_4:
	MOVQ    (SI), R9
	MOVQ    8(SI), R10
	MOVQ    16(SI), R11
	MOVQ    24(SI), R12
	XORQ    (DI), R9
	XORQ    8(DI), R10
	XORQ    16(DI), R11
	XORQ    24(DI), R12
	POPCNTQ R9, R9
	POPCNTQ R10, R10
	POPCNTQ R11, R11
	POPCNTQ R12, R12
	ADDQ    R9, AX
	ADDQ    R10, BX
	ADDQ    R11, DX
	ADDQ    R12, R8
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX
	CMPQ    CX, $4
	JGE     pop_4

pop_tail:
	TESTQ CX, CX
	JZ    pop_done

pop_1:
	MOVQ    (SI), R9
	XORQ    (DI), R9
	POPCNTQ R9, R9
	ADDQ    R9, AX
	ADDQ    $8, SI
	ADDQ    $8, DI
	DECQ    CX
	JNZ     pop_1

pop_done:
	ADDQ BX, AX
	ADDQ R8, DX
	ADDQ DX, AX
	MOVQ AX, ret+48(FP)
	RET
