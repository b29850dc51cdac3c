// This file lists the kernels to test on amd64: the pure-Go ones and the
// assembly ones of every level up to the selected one (cpu.Levels), and
// checks that the exported functions use the selected level's.

//go:build amd64 && !purego

package nn

import (
	"reflect"
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

func kernelSets() []kernelSet {
	sets := []kernelSet{genericKernelSet}
	if cpu.Selected() >= cpu.AVX2 {
		sets = append(sets, kernelSet{name: "avx2", exp: expVecAVX2, erf: erfVecAVX2, gelu: geluVecAVX2, geluTanh: geluTanhVecAVX2, silu: siluVecAVX2, biasGELU: biasGELUVecAVX2, add: addVecAVX2, expShiftSum: expShiftSumVecAVX2,
			rowSum: rowSumAVX2Vec, rowSqDev: rowSqDevAVX2Vec, rowNorm: rowNormAVX2Vec})
	}
	if cpu.Selected() >= cpu.AVX512 {
		sets = append(sets, kernelSet{name: "avx512", exp: expVecAVX512, erf: erfVecAVX2, gelu: geluVecAVX512, geluTanh: geluTanhVecAVX2, silu: siluVecAVX2, biasGELU: biasGELUVecAVX512, add: addVecAVX512, expShiftSum: expShiftSumVecAVX512,
			rowSum: rowSumAVX512Vec, rowSqDev: rowSqDevAVX512Vec, rowNorm: rowNormAVX512Vec})
	}
	return sets
}

func TestDispatchFollowsCPULevel(t *testing.T) {
	type binding struct {
		name      string
		got, want any
	}
	bindings := []binding{
		{"exp", expVec, expGeneric}, {"gelu", geluVec, geluGeneric}, {"biasGELU", biasGELUVec, biasGELUGeneric},
		{"expShiftSum", expShiftSum, expShiftSumGeneric}, {"add", addVec, addGeneric}, {"rowSum", rowSum, rowSumGeneric},
		{"max", maxVec, maxGeneric}, {"scale", scaleVec, scaleGeneric}, {"rowSqDev", rowSqDev, rowSqDevGeneric},
		{"rowNorm", rowNorm, rowNormGeneric}, {"softmaxRows", softmaxRows, softmaxRowsGeneric}, {"erf", erfVec, erfGeneric},
		{"geluTanh", geluTanhVec, geluTanhGeneric}, {"silu", siluVec, siluGeneric},
	}
	switch cpu.Selected() {
	case cpu.AVX512:
		avx512 := []any{expVecAVX512, geluVecAVX512, biasGELUVecAVX512, expShiftSumVecAVX512, addVecAVX512, rowSumAVX512Vec,
			maxVecAVX512, scaleVecAVX512, rowSqDevAVX512Vec, rowNormAVX512Vec, softmaxRowsVecAVX512,
			erfVecAVX2, geluTanhVecAVX2, siluVecAVX2}
		for i, f := range avx512 {
			bindings[i].want = f
		}
	case cpu.AVX2:
		for i, f := range []any{expVecAVX2, geluVecAVX2, biasGELUVecAVX2, expShiftSumVecAVX2, addVecAVX2, rowSumAVX2Vec} {
			bindings[i].want = f
		}
		bindings[8].want = rowSqDevAVX2Vec
		bindings[9].want = rowNormAVX2Vec
		for i, f := range []any{erfVecAVX2, geluTanhVecAVX2, siluVecAVX2} {
			bindings[11+i].want = f
		}
	}
	for _, b := range bindings {
		if reflect.ValueOf(b.got).Pointer() != reflect.ValueOf(b.want).Pointer() {
			t.Errorf("%s is not the %s kernel (%s)", b.name, cpu.Name(), cpu.Reason())
		}
	}
}
