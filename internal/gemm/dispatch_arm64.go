// This file registers the NEON micro-kernels of kernels_arm64.s for the
// module's kernel level (internal/cpu): the neon and dotprod levels both
// run them (no gemm kernel uses SDOT yet; the int8 path stays pure Go).

//go:build arm64 && !purego

package gemm

import "github.com/ganada/ganada/internal/cpu"

// neonImpl: 8×8 tiles. Not tuned on hardware (this project has no arm64
// machine): kc = 512 keeps a 512×8 B panel (16 KB) and eight rows of A
// (16 KB) in a 64 KB L1 (Neoverse V1/V2, 128 KB on Apple M-series), and mc
// = 64 rows of A (128 KB per k block) in L2.
var neonImpl = &kernelImpl{name: "neon", mr: 8, nr: 8, kc: 512, mc: 64, direct: directNEON}

func init() {
	if cpu.Selected() >= cpu.NEON {
		impls = append(impls, neonImpl)
		best = neonImpl
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func directNEON(rows, k int, a []float32, lda int, b, c []float32, ldc int, acc bool) {
	_ = a[(rows-1)*lda+k-1]
	_ = b[8*k-1]
	_ = c[(rows-1)*ldc+7]
	neonDTable[rows-1](k, &a[0], lda, &b[0], &c[0], ldc, b2i(acc))
}
