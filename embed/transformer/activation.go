// activation.go holds the element-wise activation functions of the feed-
// forward layers and of sentence-transformers Dense modules.

package transformer

import (
	"math"

	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/nn"
)

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
	case "silu", "swish":
		return silu, true
	}
	return nil, false
}

// gemmActivation returns the epilogue activation of a hidden_act name
// that activationByName accepts.
func gemmActivation(name string) gemm.Activation {
	switch name {
	case "gelu":
		return gemm.GELU
	case "gelu_new", "gelu_pytorch_tanh":
		return gemm.GELUTanh
	case "relu":
		return gemm.ReLU
	case "silu", "swish":
		return gemm.SiLU
	}
	return gemm.None
}

// geluErf is the exact GELU, x·Φ(x) = x/2·(1+erf(x/√2)), as torch's
// nn.functional.gelu computes it.
func geluErf(x []float32) { nn.GELU(x, x) }

// geluTanh is the tanh approximation used by gelu_new and
// gelu_pytorch_tanh: x/2·(1+tanh(√(2/π)·(x+0.044715x³))).
func geluTanh(x []float32) { nn.GELUTanh(x, x) }

func relu(x []float32) { nn.ReLU(x, x) }

// silu is x·σ(x) (torch's nn.functional.silu); the matrix kernels'
// epilogue applies the same function (gemm.SiLU) in the forward pass.
func silu(x []float32) { nn.SiLU(x, x) }

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
