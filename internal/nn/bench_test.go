// This file benchmarks the row operations at transformer sizes.

package nn

import (
	"math/rand"
	"testing"
)

func benchRow(n int) []float32 {
	r := rand.New(rand.NewSource(1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 2)
	}
	return x
}

func BenchmarkGELU1536(b *testing.B) {
	x := benchRow(1536)
	dst := make([]float32, len(x))
	b.SetBytes(int64(4 * len(x)))
	for i := 0; i < b.N; i++ {
		GELU(dst, x)
	}
}

func BenchmarkSoftmax128(b *testing.B) {
	x := benchRow(128)
	y := make([]float32, len(x))
	b.SetBytes(int64(4 * len(x)))
	for i := 0; i < b.N; i++ {
		copy(y, x)
		Softmax(y, 0.125)
	}
}

func BenchmarkLayerNorm384(b *testing.B) {
	x := benchRow(384 * 16)
	g, be := benchRow(384), benchRow(384)
	dst := make([]float32, len(x))
	b.SetBytes(int64(4 * len(x)))
	for i := 0; i < b.N; i++ {
		LayerNorm(dst, x, g, be, 1e-12)
	}
}

func BenchmarkAdd1536(b *testing.B) {
	x := benchRow(1536)
	y := benchRow(1536)
	b.SetBytes(int64(4 * len(x)))
	for i := 0; i < b.N; i++ {
		Add(x, x, y)
	}
}
