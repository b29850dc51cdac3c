// This file holds the elementwise activations of a feed-forward block:
// exact GELU (erf, as torch's default nn.GELU and BERT's "gelu"),
// tanh-approximated GELU ("gelu_new", "gelu_pytorch_tanh") and ReLU.

package nn

import "math"

// GELU sets dst[i] = x[i]·Φ(x[i]) with the exact (erf) definition,
// torch.nn.functional.gelu(x, approximate="none").
func GELU(dst, x []float32) {
	checkSame(len(dst), len(x))
	geluVec(dst, x)
}

// BiasGELU sets dst[i] = GELU(x[i] + bias[i]) in one pass (the epilogue
// of an FFN's first product). dst may be x.
func BiasGELU(dst, x, bias []float32) {
	checkSame(len(dst), len(x))
	checkSame(len(bias), len(x))
	biasGELUVec(dst, x, bias)
}

func biasGELUGeneric(dst, x, bias []float32) {
	dst = dst[:len(x)]
	bias = bias[:len(x)]
	for i, v := range x {
		dst[i] = gelu32(v + bias[i])
	}
}

func geluGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = gelu32(v)
	}
}

// GELUTanh sets dst[i] = x/2·(1+tanh(√(2/π)·(x+0.044715x³))),
// torch.nn.functional.gelu(x, approximate="tanh").
func GELUTanh(dst, x []float32) {
	checkSame(len(dst), len(x))
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = geluTanh32(v)
	}
}

// geluTanh32 uses x/2·(1+tanh(y)) = x·(1 - 1/(e^{2y}+1)), stable at both
// ends: e^{2y} overflows to +Inf (result x) or underflows to 0 (result 0).
func geluTanh32(x float32) float32 {
	const c = 0.7978845608028654 // √(2/π)
	y := c * (x + 0.044715*x*x*x)
	if y != y {
		return y
	}
	e := exp32(2 * y)
	if e > math.MaxFloat32 {
		return x
	}
	return x - x/(e+1)
}

// ReLU sets dst[i] = max(x[i], 0).
func ReLU(dst, x []float32) {
	checkSame(len(dst), len(x))
	dst = dst[:len(x)]
	for i, v := range x {
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}
