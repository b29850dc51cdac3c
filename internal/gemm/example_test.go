// This file holds the package's runnable examples.

package gemm_test

import (
	"fmt"

	"github.com/ganada/ganada/internal/gemm"
)

// A Linear layer y = GELU(x·Wᵀ + b): pack W once, then multiply batches of
// token rows with the bias and activation fused.
func ExamplePacked_Mul() {
	const in, out = 3, 2
	w := []float32{ // torch layout [out][in]
		1, 0, -1,
		0.5, 0.5, 0.5,
	}
	b := []float32{0, -1}
	p := gemm.Pack(w, out, in)

	x := []float32{ // 2 tokens × 3 inputs
		1, 2, 3,
		-1, 0, 1,
	}
	y := make([]float32, 2*out)
	p.Mul(y, x, 2, gemm.Epilogue{Bias: b, Act: gemm.ReLU})
	fmt.Println(y)
	// Output: [0 2 0 0]
}

// Attention scores of one head, Q·Kᵀ, read in place from [tokens × hidden]
// buffers: head h of width d starts at column h·d, row stride = hidden.
func ExampleMulABt() {
	const tokens, hidden, d, h = 2, 4, 2, 1
	q := []float32{
		0, 0, 1, 2,
		0, 0, 3, 4,
	}
	k := []float32{
		9, 9, 1, 0,
		9, 9, 0, 1,
	}
	scores := make([]float32, tokens*tokens)
	gemm.MulABt(tokens, tokens, d, q[h*d:], hidden, k[h*d:], hidden, scores, tokens)
	fmt.Println(scores)
	// Output: [1 2 3 4]
}

// Workers split a product across goroutines; For runs any other loop.
func ExampleWorkers() {
	w := gemm.NewWorkers(2)
	defer w.Close()
	p := gemm.Pack([]float32{1, 1}, 1, 2)
	y := make([]float32, 3)
	w.Mul(p, y, []float32{1, 2, 3, 4, 5, 6}, 3, gemm.Epilogue{})
	fmt.Println(y)
	// Output: [3 7 11]
}
