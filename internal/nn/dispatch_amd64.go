// This file installs the assembly kernels for the module's kernel level
// (internal/cpu): those of kernels_amd64.s at the AVX512 level
// (VRNDSCALEPS, VSCALEFPS, masked tails), those of kernels_avx2_amd64.s at
// the AVX2 level (and erf, the tanh GELU and SiLU at both levels: see
// doc.go); the wrappers here check lengths and run the tails the kernels
// leave. The kernels and their constant table are generated
// (gen_kernels.go, kernels_amd64.go).

//go:build amd64 && !purego

package nn

import (
	"github.com/ganada/ganada/internal/cpu"
)

func init() {
	if cpu.Selected() >= cpu.AVX2 {
		expVec = expVecAVX2
		geluVec = geluVecAVX2
		biasGELUVec = biasGELUVecAVX2
		expShiftSum = expShiftSumVecAVX2
		erfVec = erfVecAVX2
		geluTanhVec = geluTanhVecAVX2
		siluVec = siluVecAVX2
		addVec = addVecAVX2
		rowSum = rowSumAVX2Vec
		rowSqDev = rowSqDevAVX2Vec
		rowNorm = rowNormAVX2Vec
	}
	if cpu.Selected() >= cpu.AVX512 {
		expVec = expVecAVX512
		geluVec = geluVecAVX512
		biasGELUVec = biasGELUVecAVX512
		addVec = addVecAVX512
		rowSum = rowSumAVX512Vec
		maxVec = maxVecAVX512
		scaleVec = scaleVecAVX512
		rowSqDev = rowSqDevAVX512Vec
		rowNorm = rowNormAVX512Vec
		expShiftSum = expShiftSumVecAVX512
		softmaxRows = softmaxRowsVecAVX512
	}
}

// unaryAVX2 runs an elementwise AVX2 kernel on the whole 8-float blocks
// of x and on the tail through an 8-float buffer, so every element gets
// the same arithmetic.
func unaryAVX2(dst, x []float32, k func(dst, x *float32, n int, c *float32)) {
	n := len(x)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		k(&dst[0], &x[0], body, &kernelConsts[0])
	}
	if body < n {
		var buf [8]float32
		copy(buf[:], x[body:])
		k(&buf[0], &buf[0], 8, &kernelConsts[0])
		copy(dst[body:n], buf[:])
	}
}

func erfVecAVX2(dst, x []float32)      { unaryAVX2(dst, x, erfAVX2) }
func geluTanhVecAVX2(dst, x []float32) { unaryAVX2(dst, x, geluTanhAVX2) }
func siluVecAVX2(dst, x []float32)     { unaryAVX2(dst, x, siluAVX2) }

func softmaxRowsVecAVX512(x []float32, rows, n, ld int, scale float32) {
	if rows == 0 || n == 0 {
		return
	}
	_ = x[(rows-1)*ld+n-1]
	softmaxRowsAVX512(&x[0], rows, n, ld, scale, &kernelConsts[0])
}

func expVecAVX512(dst, x []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	expAVX512(&dst[0], &x[0], len(x), &kernelConsts[0])
}

func geluVecAVX512(dst, x []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	geluAVX512(&dst[0], &x[0], nil, len(x), &kernelConsts[0])
}

func biasGELUVecAVX512(dst, x, bias []float32) {
	if len(x) == 0 {
		return
	}
	_ = dst[len(x)-1]
	_ = bias[len(x)-1]
	geluAVX512(&dst[0], &x[0], &bias[0], len(x), &kernelConsts[0])
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
	expShiftSumAVX512(&x[0], len(x), m, scale, &kernelConsts[0], &lanes)
	var s float32
	for _, v := range lanes {
		s += v
	}
	return s
}

// The AVX2 kernels take whole multiples of 8; the wrappers pass the tail
// through an 8-float buffer so every element gets the same arithmetic.

func expVecAVX2(dst, x []float32) {
	n := len(x)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		expAVX2(&dst[0], &x[0], body, &kernelConsts[0])
	}
	if body < n {
		var buf [8]float32
		copy(buf[:], x[body:])
		expAVX2(&buf[0], &buf[0], 8, &kernelConsts[0])
		copy(dst[body:n], buf[:])
	}
}

func geluVecAVX2(dst, x []float32) {
	n := len(x)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		geluAVX2(&dst[0], &x[0], nil, body, &kernelConsts[0])
	}
	if body < n {
		var buf [8]float32
		copy(buf[:], x[body:])
		geluAVX2(&buf[0], &buf[0], nil, 8, &kernelConsts[0])
		copy(dst[body:n], buf[:])
	}
}

func biasGELUVecAVX2(dst, x, bias []float32) {
	n := len(x)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		_ = bias[n-1]
		geluAVX2(&dst[0], &x[0], &bias[0], body, &kernelConsts[0])
	}
	if body < n {
		var buf, b [8]float32
		copy(buf[:], x[body:])
		copy(b[:], bias[body:n])
		geluAVX2(&buf[0], &buf[0], &b[0], 8, &kernelConsts[0])
		copy(dst[body:n], buf[:])
	}
}

func addVecAVX2(dst, a, b []float32) {
	n := len(a)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		_ = b[n-1]
		addAVX2(&dst[0], &a[0], &b[0], body)
	}
	addGeneric(dst[body:n], a[body:], b[body:n])
}

func rowSumAVX2Vec(x []float32) float64 {
	body := len(x) &^ 7
	var s float64
	if body > 0 {
		s = rowSumAVX2(&x[0], body)
	}
	return s + rowSumGeneric(x[body:])
}

func rowSqDevAVX2Vec(x []float32, mean float64) float64 {
	body := len(x) &^ 7
	var s float64
	if body > 0 {
		s = rowSqDevAVX2(&x[0], body, mean)
	}
	return s + rowSqDevGeneric(x[body:], mean)
}

func rowNormAVX2Vec(dst, x, gamma, beta []float32, hi, lo, inv float32) {
	n := len(x)
	body := n &^ 7
	if body > 0 {
		_ = dst[n-1]
		_ = gamma[n-1]
		_ = beta[n-1]
		rowNormAVX2(&dst[0], &x[0], &gamma[0], &beta[0], body, hi, lo, inv)
	}
	rowNormGeneric(dst[body:n], x[body:], gamma[body:n], beta[body:n], hi, lo, inv)
}

func expShiftSumVecAVX2(x []float32, m, scale float32) float32 {
	n := len(x)
	body := n &^ 7
	var lanes [8]float32
	var s float32
	if body > 0 {
		expShiftSumAVX2(&x[0], body, m, scale, &kernelConsts[0], &lanes)
		for _, v := range lanes {
			s += v
		}
	}
	if body < n {
		// The padding is m, which every scale maps to e^0 (an -Inf
		// padding gave e^NaN at scale 0); only the tail's own values are
		// summed.
		var buf [8]float32
		for i := range buf {
			buf[i] = m
		}
		copy(buf[:], x[body:])
		expShiftSumAVX2(&buf[0], 8, m, scale, &kernelConsts[0], &lanes)
		copy(x[body:], buf[:n-body])
		for _, v := range buf[:n-body] {
			s += v
		}
	}
	return s
}

// The LayerNorm kernels take whole multiples of 16; the pure-Go ones
// finish the tail (the same maths).

func rowSumAVX512Vec(x []float32) float64 {
	body := len(x) &^ 15
	var s float64
	if body > 0 {
		s = rowSumAVX512(&x[0], body)
	}
	return s + rowSumGeneric(x[body:])
}

func rowSqDevAVX512Vec(x []float32, mean float64) float64 {
	body := len(x) &^ 15
	var s float64
	if body > 0 {
		s = rowSqDevAVX512(&x[0], body, mean)
	}
	return s + rowSqDevGeneric(x[body:], mean)
}

func rowNormAVX512Vec(dst, x, gamma, beta []float32, hi, lo, inv float32) {
	n := len(x)
	body := n &^ 15
	if body > 0 {
		_ = dst[n-1]
		_ = gamma[n-1]
		_ = beta[n-1]
		rowNormAVX512(&dst[0], &x[0], &gamma[0], &beta[0], body, hi, lo, inv)
	}
	rowNormGeneric(dst[body:n], x[body:], gamma[body:n], beta[body:n], hi, lo, inv)
}

func maxVecAVX512(x []float32) float32 { return maxAVX512(&x[0], len(x)) }

func scaleVecAVX512(x []float32, s float32) { scaleAVX512(&x[0], len(x), s) }
