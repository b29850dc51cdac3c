// This file declares the amd64 assembly kernels (avx2_amd64.s and
// avx512_amd64.s). Each assumes validated arguments, like the portable
// kernels in generic.go. The AVX2 batch kernels' stream flag selects the
// sequential path for scans too large for the caches (see streamMinFloats);
// AVX-512 machines run it for those scans too.

//go:build amd64 && !purego

package similarity

//go:noescape
func dotAVX2(a, b []float32) float32

//go:noescape
func squaredL2AVX2(a, b []float32) float32

//go:noescape
func cosineAVX2(a, b []float32) (ab, aa, bb, c float32)

//go:noescape
func scaleAVX2(v []float32, s float32)

//go:noescape
func dotBatchAVX2(dst, q, rows []float32, stream bool)

//go:noescape
func squaredL2BatchAVX2(dst, q, rows []float32, stream bool)

//go:noescape
func dotInt8AVX2(a, b []int8) int32

//go:noescape
func hammingPOPCNT(a, b []uint64) int

//go:noescape
func dotAVX512(a, b []float32) float32

//go:noescape
func squaredL2AVX512(a, b []float32) float32

//go:noescape
func cosineAVX512(a, b []float32) (ab, aa, bb, c float32)

//go:noescape
func scaleAVX512(v []float32, s float32)

//go:noescape
func dotBatchAVX512(dst, q, rows []float32)

//go:noescape
func squaredL2BatchAVX512(dst, q, rows []float32)

//go:noescape
func dotInt8VNNI(a, b []int8) int32

//go:noescape
func hammingAVX512(a, b []uint64) int
