// This file binds the kernels to the portable implementation on platforms
// without assembly kernels, and in builds with the purego tag.

//go:build (!amd64 && !arm64) || purego

package similarity

// available lists every implementation this build can run on this machine.
func available() []kernels { return []kernels{genericKernels} }

// Implementation names the kernels in use: always "generic" here.
func Implementation() string { return genericKernels.name }

func dot(a, b []float32) float32            { return dotGeneric(a, b) }
func squaredL2(a, b []float32) float32      { return squaredL2Generic(a, b) }
func scale(v []float32, s float32)          { scaleGeneric(v, s) }
func dotBatch(dst, q, rows []float32)       { dotBatchGeneric(dst, q, rows) }
func squaredL2Batch(dst, q, rows []float32) { squaredL2BatchGeneric(dst, q, rows) }
func dotInt8(a, b []int8) int32             { return dotInt8Generic(a, b) }
func hamming(a, b []uint64) int             { return hammingGeneric(a, b) }
