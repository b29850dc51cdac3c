//go:build amd64

#include "textflag.h"

// func rsqrtNewton(x float32) float32: VRSQRTSS, then one Newton step
// y·(1.5 − 0.5·x·y²), the finish of vek32.CosineSimilarity.
TEXT ·rsqrtNewton(SB), NOSPLIT, $0-12
	MOVSS x+0(FP), X0
	VRSQRTSS X0, X0, X1
	VMULSS X1, X1, X2      // y²
	VMULSS X0, X2, X2      // x·y²
	MOVL $0x3f000000, AX   // 0.5
	VMOVD AX, X3
	VMULSS X3, X2, X2      // 0.5·x·y²
	MOVL $0x3fc00000, AX   // 1.5
	VMOVD AX, X4
	VSUBSS X2, X4, X4      // 1.5 − 0.5·x·y²
	VMULSS X4, X1, X1
	MOVSS X1, ret+8(FP)
	RET

// func rsqrtRaw(x float32) float32: VRSQRTSS alone.
TEXT ·rsqrtRaw(SB), NOSPLIT, $0-12
	MOVSS x+0(FP), X0
	VRSQRTSS X0, X0, X1
	MOVSS X1, ret+8(FP)
	RET
