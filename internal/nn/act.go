// This file holds the elementwise activations of a feed-forward block:
// exact GELU (erf, as torch's default nn.GELU and BERT's "gelu"),
// tanh-approximated GELU ("gelu_new", "gelu_pytorch_tanh"), SiLU (the
// gate of SwiGLU) and ReLU.

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
	geluTanhVec(dst, x)
}

func geluTanhGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = geluTanh32(v)
	}
}

// The constants of the tanh GELU: √(2/π) and the cubic's coefficient.
const (
	geluTanhC = 0.7978845608028654
	geluTanhK = 0.044715
)

// geluTanh32 uses x/2·(1+tanh(y)) = x·(1 - 1/(e^{2y}+1)), stable at both
// ends: e^{2y} overflows to +Inf (result x) or underflows to 0 (result 0).
func geluTanh32(x float32) float32 {
	y := geluTanhC * (x + geluTanhK*x*x*x)
	if y != y {
		return y
	}
	e := exp32(2 * y)
	if e > math.MaxFloat32 {
		return x
	}
	return x - x/(e+1)
}

// SiLU sets dst[i] = x[i]·σ(x[i]) = x[i]/(1+e^{-x[i]}),
// torch.nn.functional.silu (Swish with β = 1).
func SiLU(dst, x []float32) {
	checkSame(len(dst), len(x))
	siluVec(dst, x)
}

func siluGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = silu32(v)
	}
}

// silu32 returns x/(1+e^{-x}): x for large x, -0 once e^{-x} overflows
// (x below about -88.4, where the exact value is under 4e-37 in
// magnitude), NaN for NaN and for -Inf (as x·σ(x) is in torch).
func silu32(x float32) float32 {
	return x / (1 + exp32(-x))
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
