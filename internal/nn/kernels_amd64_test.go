// This file lists the kernels to test on amd64: the pure-Go ones and the
// assembly ones this processor runs.

//go:build amd64 && !purego

package nn

func kernelSets() []kernelSet {
	sets := []kernelSet{genericKernelSet}
	if hasAVX2 {
		sets = append(sets, kernelSet{name: "avx2", exp: expVecAVX2, erf: erfGeneric, gelu: geluVecAVX2, biasGELU: biasGELUVecAVX2, add: addGeneric, expShiftSum: expShiftSumVecAVX2,
			rowSum: rowSumGeneric, rowSqDev: rowSqDevGeneric, rowNorm: rowNormGeneric})
	}
	if hasAVX512 {
		sets = append(sets, kernelSet{name: "avx512", exp: expVecAVX512, erf: erfGeneric, gelu: geluVecAVX512, biasGELU: biasGELUVecAVX512, add: addVecAVX512, expShiftSum: expShiftSumVecAVX512,
			rowSum: rowSumAVX512Vec, rowSqDev: rowSqDevAVX512Vec, rowNorm: rowNormAVX512Vec})
	}
	return sets
}
