// This file holds Cosine for arm64: it switches on the implementation level
// itself and calls the assembly kernel directly.

//go:build arm64 && !purego

package similarity

import "github.com/ganada/ganada/internal/cpu"

// Cosine returns the cosine similarity of a and b, clamped to [-1, 1], or 0
// when either vector has zero norm; NaN or Inf components give NaN. All three
// sums are taken in one pass over the data, falling back to float64 when a
// sum of squares overflows or underflows float32. It panics if
// len(a) != len(b).
func Cosine(a, b []float32) float32 {
	checkLen(len(a), len(b))
	var ab, aa, bb float32
	if level >= cpu.NEON {
		ab, aa, bb = cosineNEON(a, b)
	} else {
		ab, aa, bb, _ = cosineGeneric(a, b)
	}
	return cosineResult(a, b, aa, bb, clamp1(ab/(sqrt32(aa)*sqrt32(bb))))
}
