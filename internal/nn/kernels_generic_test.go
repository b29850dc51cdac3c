// This file lists the pure-Go kernels for the tests; kernels_amd64_test.go
// adds the assembly ones.

package nn

var genericKernelSet = kernelSet{name: "go", exp: expGeneric, erf: erfGeneric, gelu: geluGeneric, geluTanh: geluTanhGeneric, silu: siluGeneric, biasGELU: biasGELUGeneric, add: addGeneric, expShiftSum: expShiftSumGeneric,
	rowSum: rowSumGeneric, rowSqDev: rowSqDevGeneric, rowNorm: rowNormGeneric}
