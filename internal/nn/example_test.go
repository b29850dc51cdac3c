// This file holds the package's runnable examples.

package nn_test

import (
	"fmt"
	"math"

	"github.com/ganada/ganada/internal/nn"
)

// One attention row: scaled softmax over the real keys only.
func ExampleSoftmax() {
	scores := []float32{2, 2, float32(math.Inf(-1))} // the third key is masked
	nn.Softmax(scores, 0.5)
	fmt.Printf("%.2f\n", scores)
	// Output: [0.50 0.50 0.00]
}

// LayerNorm over rows of 4, in place, with BERT's eps.
func ExampleLayerNorm() {
	x := []float32{1, 2, 3, 4, 10, 10, 10, 10}
	gamma := []float32{1, 1, 1, 1}
	beta := []float32{0, 0, 0, 0}
	nn.LayerNorm(x, x, gamma, beta, 1e-12)
	fmt.Printf("%.4f\n", x)
	// Output: [-1.3416 -0.4472 0.4472 1.3416 0.0000 0.0000 0.0000 0.0000]
}

// Exact GELU, as BERT's "gelu".
func ExampleGELU() {
	x := []float32{-1, 0, 1, 3}
	nn.GELU(x, x)
	fmt.Printf("%.6f\n", x)
	// Output: [-0.158655 0.000000 0.841345 2.995950]
}

// SiLU, the gate of SwiGLU (Qwen3's "silu"); values as torch's
// nn.functional.silu prints them.
func ExampleSiLU() {
	x := []float32{-1, 0, 1, 3}
	nn.SiLU(x, x)
	fmt.Printf("%.6f\n", x)
	// Output: [-0.268941 0.000000 0.731059 2.857723]
}

// The tanh GELU ("gelu_pytorch_tanh"); values as torch's
// nn.functional.gelu(x, approximate="tanh") prints them.
func ExampleGELUTanh() {
	x := []float32{-1, 0, 1, 3}
	nn.GELUTanh(x, x)
	fmt.Printf("%.6f\n", x)
	// Output: [-0.158808 0.000000 0.841192 2.996363]
}
