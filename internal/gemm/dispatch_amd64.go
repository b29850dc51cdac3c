// This file registers the assembly micro-kernels of kernels_amd64.s when
// the processor supports them.

//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

var avx512Impl = &kernelImpl{name: "avx512", mr: 14, nr: 32, kc: 384, mc: 112, kernel: kernelAVX512}

var avx2Impl = &kernelImpl{name: "avx2", mr: 6, nr: 16, kc: 384, mc: 96, kernel: kernelAVX2}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		impls = append(impls, avx2Impl)
		best = avx2Impl
	}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
		impls = append(impls, avx512Impl)
		best = avx512Impl
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func kernelAVX512(rows, k int, a, b, c []float32, ldc int, acc bool) {
	_ = a[14*k-1]
	_ = b[32*k-1]
	_ = c[(rows-1)*ldc+31]
	avx512RTable[rows-1](k, &a[0], &b[0], &c[0], ldc, b2i(acc))
}

func kernelAVX2(rows, k int, a, b, c []float32, ldc int, acc bool) {
	_ = a[6*k-1]
	_ = b[16*k-1]
	_ = c[(rows-1)*ldc+15]
	avx2RTable[rows-1](k, &a[0], &b[0], &c[0], ldc, b2i(acc))
}
