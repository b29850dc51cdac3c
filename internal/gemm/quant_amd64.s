// AVX-512 helpers of the int8 path: the largest |x| of a row, and a row
// quantised to uint8 (zero point 128, round half up) written straight
// into an A panel, 4 inputs per 4-byte group, groups qmr·4 = 56 bytes
// apart.

//go:build amd64 && !purego

#include "textflag.h"

// func maxAbsAVX512(x *float32, n int) float32   (n % 16 == 0, n > 0)
TEXT ·maxAbsAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z1
	VPXORD Z0, Z0, Z0
	SHRQ $4, CX

maloop:
	VANDPS (SI), Z1, Z2
	VMAXPS Z2, Z0, Z0
	ADDQ $64, SI
	DECQ CX
	JNE maloop
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

// func quantRowAVX512(dst *uint8, x *float32, n int, inv float32)   (n % 16 == 0, n > 0)
// group g of x (x[4g..4g+3]) goes to dst[56g..56g+3] as uint8(x·inv+128.5),
// with x·inv rounded before the add (no FMA), as in quantRowGeneric.
TEXT ·quantRowAVX512(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Z1
	MOVL $0x43008000, AX // 128.5
	VPBROADCASTD AX, Z2
	SHRQ $4, CX

qloop:
	VMULPS (SI), Z1, Z0
	VADDPS Z2, Z0, Z0
	VCVTTPS2DQ Z0, Z0
	VPMOVUSDB Z0, X0
	VMOVD X0, (DI)
	VPEXTRD $1, X0, 56(DI)
	VPEXTRD $2, X0, 112(DI)
	VPEXTRD $3, X0, 168(DI)
	ADDQ $64, SI
	ADDQ $224, DI
	DECQ CX
	JNE qloop
	VZEROUPPER
	RET
