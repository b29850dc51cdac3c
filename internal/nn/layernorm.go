// This file holds LayerNorm over the last dimension, matching
// torch.nn.LayerNorm: biased variance, eps inside the square root.

package nn

import "math"

// LayerNorm normalises each row of x (rows of len(gamma) elements) and
// writes dst = (x-mean)/sqrt(var+eps)·gamma + beta, with the mean and the
// biased variance of the row. Statistics are accumulated in float64 (two
// passes over the row, which is in L1), so the result is the float32
// rounding of the exact value up to a few ulps. dst may be x.
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
	dst = dst[:n]
	gamma = gamma[:n]
	beta = beta[:n]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < n; i++ {
		s0 += float64(x[i])
	}
	mean := (s0 + s1 + s2 + s3) / float64(n)
	var v0, v1, v2, v3 float64
	i = 0
	for ; i+4 <= n; i += 4 {
		d0 := float64(x[i]) - mean
		d1 := float64(x[i+1]) - mean
		d2 := float64(x[i+2]) - mean
		d3 := float64(x[i+3]) - mean
		v0 += d0 * d0
		v1 += d1 * d1
		v2 += d2 * d2
		v3 += d3 * d3
	}
	for ; i < n; i++ {
		d := float64(x[i]) - mean
		v0 += d * d
	}
	variance := (v0 + v1 + v2 + v3) / float64(n)
	inv := 1 / math.Sqrt(variance+float64(eps))
	for j, v := range x {
		dst[j] = float32((float64(v)-mean)*inv)*gamma[j] + beta[j]
	}
}
