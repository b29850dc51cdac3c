// This file registers the assembly micro-kernels of kernels_amd64.s for the
// module's kernel level (internal/cpu): AVX2 at the AVX2 level, AVX-512 (and
// the int8 VNNI kernel where AVX512_VNNI is present) at the AVX512 level.

//go:build amd64 && !purego

package gemm

import (
	"unsafe"

	"github.com/ganada/ganada/internal/cpu"
)

// Blocking measured on a Zen 4 EPYC (1 MB L2), single thread, CPU time:
// kc = 1536 beat 384–1024 by 5–10% at k = 1536 and 3072, and mc from 56 to
// 448 made no measurable difference.
var avx512Impl = &kernelImpl{name: "avx512", mr: 14, nr: 32, kc: 1536, mc: 112, direct: directAVX512}

// AVX2 machines often have smaller L2 caches (256 KB–1.25 MB): a middle kc.
var avx2Impl = &kernelImpl{name: "avx2", mr: 6, nr: 16, kc: 768, mc: 96, direct: directAVX2}

func init() {
	if cpu.Selected() >= cpu.AVX2 {
		impls = append(impls, avx2Impl)
		best = avx2Impl
	}
	if cpu.Selected() >= cpu.AVX512 {
		impls = append(impls, avx512Impl)
		best = avx512Impl
		packBt = packBtVec
		maxAbs = maxAbsAVX512Vec
		quantRow = quantRowAVX512Vec
		if cpu.Has(cpu.X86AVX512VNNI) {
			qkernels = append(qkernels, qkernelVNNI)
			qkernel = qkernelVNNI
			int8Accel = true
		}
	}
}

func qkernelVNNI(rows, kg int, a []uint8, b []int8, c []float32, ldc int, corr, sw, sa []float32) {
	_ = a[qmr*4*kg-1]
	_ = b[qnr*4*kg-1]
	_ = c[(rows-1)*ldc+qnr-1]
	_ = corr[qnr-1]
	_ = sw[qnr-1]
	_ = sa[rows-1]
	vnniRTable[rows-1](kg, &a[0], (*byte)(unsafe.Pointer(&b[0])), &c[0], ldc, &corr[0], &sw[0], &sa[0])
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func directAVX512(rows, k int, a []float32, lda int, b, c []float32, ldc int, acc bool) {
	_ = a[(rows-1)*lda+k-1]
	_ = b[32*k-1]
	_ = c[(rows-1)*ldc+31]
	avx512DTable[rows-1](k, &a[0], lda, &b[0], &c[0], ldc, b2i(acc))
}

func directAVX2(rows, k int, a []float32, lda int, b, c []float32, ldc int, acc bool) {
	_ = a[(rows-1)*lda+k-1]
	_ = b[16*k-1]
	_ = c[(rows-1)*ldc+15]
	avx2DTable[rows-1](k, &a[0], lda, &b[0], &c[0], ldc, b2i(acc))
}

//go:noescape
func maxAbsAVX512(x *float32, n int) float32

//go:noescape
func quantRowAVX512(dst *uint8, x *float32, n int, inv float32)

func maxAbsAVX512Vec(x []float32) float32 {
	body := len(x) &^ 15
	var m float32
	if body > 0 {
		m = maxAbsAVX512(&x[0], body)
	}
	return max(m, maxAbsGeneric(x[body:]))
}

func quantRowAVX512Vec(dst []uint8, x []float32, inv float32) {
	body := len(x) &^ 15
	if body > 0 {
		_ = dst[(body/4-1)*qmr*4+3]
		quantRowAVX512(&dst[0], &x[0], body, inv)
	}
	if body < len(x) {
		quantRowGeneric(dst[(body/4)*qmr*4:], x[body:], inv)
	}
}

//go:noescape
func packBtAVX512(dst, b *float32, ldb, k int, idx *[16]int32, mask0, mask1 int)

// packBtVec is packBt for nr = 32 with gathers. Rows are read only where
// they exist (masked lanes load nothing), so b may end at its last row.
func packBtVec(dst, b []float32, ldb, n, k, nr int) {
	if nr != 32 || k == 0 || n == 0 || 16*ldb >= 1<<31/4 {
		packBtGeneric(dst, b, ldb, n, k, nr)
		return
	}
	var idx [16]int32
	for j := range idx {
		idx[j] = int32(j * ldb)
	}
	_ = b[(n-1)*ldb+k-1]
	for j0 := 0; j0 < n; j0 += 32 {
		cols := min(32, n-j0)
		m0 := 1<<min(cols, 16) - 1
		m1 := 0
		if cols > 16 {
			m1 = 1<<(cols-16) - 1
		}
		panel := dst[j0*k : (j0+32)*k]
		packBtAVX512(&panel[0], &b[j0*ldb], ldb, k, &idx, m0, m1)
	}
}
