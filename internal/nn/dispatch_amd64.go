// This file installs the AVX-512 kernels of kernels_amd64.s when the
// processor has AVX-512 F/DQ (VRNDSCALEPS, VSCALEFPS, masked tails).

//go:build amd64 && !purego

package nn

import (
	"math"

	"golang.org/x/sys/cpu"
)

// avx512Consts is the constant table of kernels_amd64.s; its offsets are
// the C_* defines there.
var avx512Consts = [...]float32{
	invSqrt2, erfSplit, erfHi, 1, 2, 0.5, -erfHi,
	erfP0, erfP1, erfP2, erfP3, erfP4, erfP5,
	erfQ0, erfQ1, erfQ2, erfQ3, erfQ4, erfQ5, erfQ6, erfQ7,
	log2e, ln2Hi, ln2Lo,
	expP0, expP1, expP2, expP3, expP4, expP5,
	expMin, expMax, float32(math.Inf(1)),
}

//go:noescape
func expAVX512(dst, x *float32, n int, c *float32)

//go:noescape
func geluAVX512(dst, x, bias *float32, n int, c *float32)

//go:noescape
func addAVX512(dst, a, b *float32, n int)

//go:noescape
func expShiftSumAVX512(x *float32, n int, m, scale float32, c *float32, sum *[16]float32)

var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

func init() {
	if hasAVX512 {
		expVec = expVecAVX512
		geluVec = geluVecAVX512
		biasGELUVec = biasGELUVecAVX512
		addVec = addVecAVX512
		expShiftSum = expShiftSumVecAVX512
	}
}

func expVecAVX512(dst, x []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	expAVX512(&dst[0], &x[0], len(x), &avx512Consts[0])
}

func geluVecAVX512(dst, x []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	geluAVX512(&dst[0], &x[0], nil, len(x), &avx512Consts[0])
}

func biasGELUVecAVX512(dst, x, bias []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	_ = bias[len(x)-1]
	geluAVX512(&dst[0], &x[0], &bias[0], len(x), &avx512Consts[0])
}

func addVecAVX512(dst, a, b []float32) {
	if len(a) == 0 {
		return
	}
	_ = dst[len(a)-1]
	_ = b[len(a)-1]
	addAVX512(&dst[0], &a[0], &b[0], len(a))
}

func expShiftSumVecAVX512(x []float32, m, scale float32) float32 {
	if len(x) == 0 {
		return 0
	}
	var lanes [16]float32
	expShiftSumAVX512(&x[0], len(x), m, scale, &avx512Consts[0], &lanes)
	var s float32
	for _, v := range lanes {
		s += v
	}
	return s
}
