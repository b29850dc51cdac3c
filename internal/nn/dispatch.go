// This file binds the kernel names used by the exported functions to an
// implementation: the pure-Go ones unless dispatch_amd64.go installs
// assembly at init.

package nn

//go:generate go run gen_kernels.go
//go:generate go run gen_kernels_neon.go

var (
	expVec      = expGeneric
	erfVec      = erfGeneric
	geluVec     = geluGeneric
	biasGELUVec = biasGELUGeneric
	geluTanhVec = geluTanhGeneric
	siluVec     = siluGeneric
	addVec      = addGeneric
	expShiftSum = expShiftSumGeneric
	rowSum      = rowSumGeneric
	maxVec      = maxGeneric
	scaleVec    = scaleGeneric
	rowSqDev    = rowSqDevGeneric
	rowNorm     = rowNormGeneric
	softmaxRows = softmaxRowsGeneric
)
