// activation.go holds the element-wise activation functions of the feed-
// forward layers and of sentence-transformers Dense modules.

package transformer

import "math"

// activation applies a function to every element of x in place.
type activation func(x []float32)

func activationByName(name string) (activation, bool) {
	switch name {
	case "gelu":
		return geluErf, true
	case "gelu_new", "gelu_pytorch_tanh":
		return geluTanh, true
	case "relu":
		return relu, true
	}
	return nil, false
}

// geluErf is the exact GELU, x·Φ(x) = x/2·(1+erf(x/√2)), as torch's
// nn.functional.gelu computes it.
func geluErf(x []float32) {
	for i, v := range x {
		x[i] = float32(0.5 * float64(v) * (1 + math.Erf(float64(v)*math.Sqrt2/2)))
	}
}

// geluTanh is the tanh approximation used by gelu_new and
// gelu_pytorch_tanh: x/2·(1+tanh(√(2/π)·(x+0.044715x³))).
func geluTanh(x []float32) {
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Tanh(c*(f+0.044715*f*f*f))))
	}
}

func relu(x []float32) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}

func tanhAct(x []float32) {
	for i, v := range x {
		x[i] = float32(math.Tanh(float64(v)))
	}
}

func identityAct([]float32) {}

func sigmoid(x []float32) {
	for i, v := range x {
		x[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}
