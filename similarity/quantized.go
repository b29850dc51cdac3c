// This file holds the exported quantised kernels: int8 dot products and
// Hamming distance over packed bit vectors.

package similarity

// DotInt8 returns the dot product of two int8 vectors as an int32.
// It panics if len(a) != len(b). The result cannot overflow for vectors
// shorter than 2^17 elements; longer ones wrap around modulo 2^32, the same
// way on every implementation.
func DotInt8(a, b []int8) int32 {
	checkLen(len(a), len(b))
	return dotInt8(a, b)
}

// Hamming returns the number of differing bits between two packed bit
// vectors. It panics if len(a) != len(b).
func Hamming(a, b []uint64) int {
	checkLen(len(a), len(b))
	return hamming(a, b)
}
