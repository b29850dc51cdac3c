// This file holds LayerNorm over the last dimension, matching
// torch.nn.LayerNorm: biased variance, eps inside the square root.

package nn

import "math"

// LayerNorm normalises each row of x (rows of len(gamma) elements) and
// writes dst = (x-mean)/sqrt(var+eps)·gamma + beta, with the mean and the
// biased variance of the row. The statistics are accumulated in float64
// (two passes over the row, which is in L1) and the normalisation runs in
// float32, so the result is within a few ulps of the exact value. dst may
// be x.
func LayerNorm(dst, x, gamma, beta []float32, eps float32) {
	n := len(gamma)
	checkSame(len(beta), n)
	checkSame(len(dst), len(x))
	if n == 0 {
		if len(x) != 0 {
			panic("nn: LayerNorm with empty gamma")
		}
		return
	}
	if len(x)%n != 0 {
		panic("nn: LayerNorm: len(x) is not a multiple of len(gamma)")
	}
	for r := 0; r < len(x); r += n {
		layerNormRow(dst[r:r+n], x[r:r+n], gamma, beta, eps)
	}
}

func layerNormRow(dst, x, gamma, beta []float32, eps float32) {
	n := len(x)
	mean := rowSum(x) / float64(n)
	variance := rowSqDev(x, mean) / float64(n)
	inv := float32(1 / math.Sqrt(variance+float64(eps)))
	// x - mean in two float32 steps (mean = hi + lo) keeps the accuracy of
	// a float64 subtraction when |mean| is large against the spread.
	hi := float32(mean)
	lo := float32(mean - float64(hi))
	rowNorm(dst[:n], x, gamma[:n], beta[:n], hi, lo, inv)
}

// rowSumGeneric returns Σx in float64.
func rowSumGeneric(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// rowSqDevGeneric returns Σ(x-mean)² in float64.
func rowSqDevGeneric(x []float32, mean float64) float64 {
	var v0, v1, v2, v3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0 := float64(x[i]) - mean
		d1 := float64(x[i+1]) - mean
		d2 := float64(x[i+2]) - mean
		d3 := float64(x[i+3]) - mean
		v0 += d0 * d0
		v1 += d1 * d1
		v2 += d2 * d2
		v3 += d3 * d3
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - mean
		v0 += d * d
	}
	return (v0 + v1) + (v2 + v3)
}

// rowNormGeneric sets dst = ((x-hi)-lo)·inv·gamma + beta.
func rowNormGeneric(dst, x, gamma, beta []float32, hi, lo, inv float32) {
	dst = dst[:len(x)]
	gamma = gamma[:len(x)]
	beta = beta[:len(x)]
	for j, v := range x {
		dst[j] = ((v-hi)-lo)*inv*gamma[j] + beta[j]
	}
}
