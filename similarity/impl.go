// This file describes a complete set of kernels, so that tests (and
// benchmarks) can run every implementation available on the machine through
// the same table.

package similarity

//go:generate go run gen_kernels.go gen_common.go
//go:generate go run gen_kernels_neon.go gen_common.go

// kernels is one implementation of every low-level kernel. The kernels
// assume validated arguments: equal lengths, len(rows) == len(dst)*len(q).
type kernels struct {
	name           string
	dot            func(a, b []float32) float32
	squaredL2      func(a, b []float32) float32
	cosine         func(a, b []float32) (ab, aa, bb, c float32)
	scale          func(v []float32, s float32)
	dotBatch       func(dst, q, rows []float32)
	squaredL2Batch func(dst, q, rows []float32)
	dotInt8        func(a, b []int8) int32
	hamming        func(a, b []uint64) int
}

// genericKernels is the portable implementation, present on every platform.
var genericKernels = kernels{
	name:           "generic",
	dot:            dotGeneric,
	squaredL2:      squaredL2Generic,
	cosine:         cosineGeneric,
	scale:          scaleGeneric,
	dotBatch:       dotBatchGeneric,
	squaredL2Batch: squaredL2BatchGeneric,
	dotInt8:        dotInt8Generic,
	hamming:        hammingGeneric,
}
