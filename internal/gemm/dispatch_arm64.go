// This file registers the NEON micro-kernels of kernels_arm64.s for the
// module's kernel level (internal/cpu): the float32 kernel at the neon and
// dotprod levels, the int8 SDOT kernel at the dotprod level.

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
	if cpu.Selected() >= cpu.DotProd {
		qkernels = append(qkernels, qkernelSDOT)
		qkernel = qkernelSDOT
		int8Accel = true
	}
}

// qkernelSDOT runs the SDOT kernels on rows of four (then the rest) and
// the two 16-column halves of the panel.
func qkernelSDOT(rows, kg int, a []uint8, b []int8, c []float32, ldc int, corr, sw, sa []float32) {
	_ = a[qmr*4*kg-1]
	_ = b[qnr*4*kg-1]
	_ = c[(rows-1)*ldc+qnr-1]
	_ = corr[qnr-1]
	_ = sw[qnr-1]
	_ = sa[rows-1]
	for r0 := 0; r0 < rows; r0 += 4 {
		kern := sdotTable[min(4, rows-r0)-1]
		for h := 0; h < qnr; h += 16 {
			kern(kg, &a[r0*4], &b[h*4], &c[r0*ldc+h], ldc, &corr[h], &sw[h], &sa[r0])
		}
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
