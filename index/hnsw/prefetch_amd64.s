// This file holds prefetchRows for amd64: PREFETCHT0 over the first cache
// lines of a list of slab rows, so that a node's neighbour vectors are in
// flight before their distances are computed (as hnswlib's _mm_prefetch).

//go:build amd64 && !purego

#include "textflag.h"

// func prefetchRows(base unsafe.Pointer, ids []uint32, stride uintptr, lines int)
TEXT ·prefetchRows(SB), NOSPLIT, $0-48
	MOVQ base+0(FP), SI
	MOVQ ids_base+8(FP), DI
	MOVQ ids_len+16(FP), CX
	MOVQ stride+32(FP), DX
	MOVQ lines+40(FP), R8
	TESTQ CX, CX
	JZ done
	TESTQ R8, R8
	JZ done

loop:
	MOVL (DI), AX
	IMULQ DX, AX
	ADDQ SI, AX
	MOVQ R8, R9

line:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	DECQ R9
	JNZ line
	ADDQ $4, DI
	DECQ CX
	JNZ loop

done:
	RET
