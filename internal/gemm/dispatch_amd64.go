// This file registers the assembly micro-kernels of kernels_amd64.s for the
// module's kernel level (internal/cpu): AVX2 at the AVX2 level, AVX-512 (and
// the int8 VNNI kernel where AVX512_VNNI is present) at the AVX512 level.

//go:build amd64 && !purego

package gemm

import (
	"unsafe"

	"github.com/ganada/ganada/internal/cpu"
)

// The kernel families; their cache blocking (kc, mc, nc) is set at init
// from the tuning (blockingFor). The panel width nr stays fixed per family,
// so a Packed's layout does not depend on the tuning.
var (
	avx512Impl = &kernelImpl{name: "avx512", mr: 14, nr: 32, direct: directAVX512}
	avx2Impl   = &kernelImpl{name: "avx2", mr: 6, nr: 16, direct: directAVX2, directN: directNAVX2}
)

// blocking is one kernel family's cache blocking: kc inputs per k block,
// mc rows per row block (a multiple of mr), nc columns per column block
// (a multiple of nr; 0: all columns in one block).
type blocking struct{ kc, mc, nc int }

// blockingFor returns the blocking of a kernel family ("avx2" or
// "avx512") on a tuning. The kernels read A in place (no packing), so a
// larger kc saves reloads and stores of C between k blocks; the limit is
// the A block (mc·kc floats) plus the panels of B passing through, which
// should stay in L2. Measured where the CPU was at hand, argued from
// published cache sizes elsewhere:
//
//   - AVX-512 on Zen 4 (L1D 32 KB, L2 1 MB), measured single-threaded by
//     CPU time: kc = 1536 beat 384–1024 by 5–10% at k = 1536 and 3072, and
//     mc from 56 to 448 made no measurable difference. Zen 5 (L1D 48 KB,
//     L2 1 MB) and Intel server cores with AVX-512 (Skylake-SP to Cascade
//     Lake: L2 1 MB; Sapphire/Granite Rapids: L2 2 MB) have at least the
//     same L2, where the 14-row A block of 1536 inputs (86 KB) and a row
//     block (112·1536·4 = 688 KB) fit: the same blocking, not measured.
//   - AVX2 on Zen 3 (L1D 32 KB, L2 512 KB), measured (TestBlockingEncoder:
//     the products of a MiniLM-L6 encoder at 450 and 14 rows, blockings
//     interleaved round by round, thread CPU time, on a shared 2-core
//     EPYC 7B13 at load 15–20): kc = 768, mc = 96 was the fastest of the
//     blockings tried; BLIS's Zen 3 sgemm blocking (kc = 256, mc = 144,
//     for kernels that read a packed A) was 11% slower with these kernels
//     at 450 rows and 9% at 14, kc = 384 with mc = 144 5% and 1% slower;
//     mc = 48 or 144, kc = 1536 and column blocks of nc = 768 were within
//     3% of it either way (the noise of that load): no column blocking.
//     Zen 4 and Zen 5 run the AVX2 family only when GANADA_CPU=avx2 forces
//     it: their L2 is twice Zen 3's, the same blocking.
//   - AVX2 on Intel: client cores from Haswell to Comet Lake have a 256 KB
//     L2, where a 96×768 A block (295 KB) does not fit: kc = 384 (147 KB).
//     Not measured.
//   - Unknown processors keep the Zen 3 / Zen 4 values.
func blockingFor(family string, t cpu.Tuning) blocking {
	if family == "avx512" {
		return blocking{kc: 1536, mc: 112}
	}
	if t == cpu.TuneIntel {
		return blocking{kc: 384, mc: 96}
	}
	return blocking{kc: 768, mc: 96}
}

// setBlocking installs the tuning's blocking into impl.
func setBlocking(impl *kernelImpl, t cpu.Tuning) {
	b := blockingFor(impl.name, t)
	impl.kc, impl.mc, impl.nc = b.kc, b.mc, b.nc
}

func init() {
	setBlocking(avx2Impl, cpu.Tune())
	setBlocking(avx512Impl, cpu.Tune())
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

func directNAVX2(tiles, k int, a []float32, lda int, b, c []float32, ldc int, acc bool) {
	_ = a[(tiles*6-1)*lda+k-1]
	_ = b[16*k-1]
	_ = c[(tiles*6-1)*ldc+15]
	avx2D6N(tiles, k, &a[0], lda, &b[0], &c[0], ldc, b2i(acc))
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
