// This file binds the kernel names used by the exported functions to an
// implementation. Until an architecture provides its own, they are the
// pure-Go kernels.

package similarity

var (
	dot            = dotGeneric
	squaredL2      = squaredL2Generic
	scale          = scaleGeneric
	dotBatch       = dotBatchGeneric
	squaredL2Batch = squaredL2BatchGeneric
	dotInt8        = dotInt8Generic
)
