// This file holds Cosine for builds without assembly kernels.

//go:build (!amd64 && !arm64) || purego

package similarity

// Cosine returns the cosine similarity of a and b, clamped to [-1, 1], or 0
// when either vector has zero norm; NaN or Inf components give NaN. All three
// sums are taken in one pass over the data, falling back to float64 when a
// sum of squares overflows or underflows float32. It panics if
// len(a) != len(b).
func Cosine(a, b []float32) float32 {
	checkLen(len(a), len(b))
	_, aa, bb, c := cosineGeneric(a, b)
	return cosineResult(a, b, aa, bb, c)
}
