// AVX-512 packing of a transposed operand (packBt): each step gathers one
// input column of 16 rows of b into 16 consecutive floats of the panel.

//go:build amd64 && !purego

#include "textflag.h"

// func packBtAVX512(dst, b *float32, ldb, k int, idx *[16]int32, mask0, mask1 int)
// For p < k: dst[p*32+j] = b[j*ldb+p] for the rows j < 16 selected by
// mask0 and dst[p*32+16+j] = b[(16+j)*ldb+p] for those selected by mask1;
// unselected lanes get 0. idx holds j*ldb for j < 16.
TEXT ·packBtAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), DX
	MOVQ k+24(FP), CX
	MOVQ idx+32(FP), AX
	MOVQ mask0+40(FP), R8
	MOVQ mask1+48(FP), R9
	VMOVDQU32 (AX), Z1
	SHLQ $6, DX // 16 rows in bytes
	LEAQ (SI)(DX*1), BX
	TESTQ CX, CX
	JE pbdone

pbloop:
	VPXORD Z0, Z0, Z0
	KMOVW R8, K1
	VGATHERDPS (SI)(Z1*4), K1, Z0
	VMOVUPS Z0, (DI)
	VPXORD Z2, Z2, Z2
	KMOVW R9, K2
	VGATHERDPS (BX)(Z1*4), K2, Z2
	VMOVUPS Z2, 64(DI)
	ADDQ $4, SI
	ADDQ $4, BX
	ADDQ $128, DI
	DECQ CX
	JNE pbloop

pbdone:
	VZEROUPPER
	RET
