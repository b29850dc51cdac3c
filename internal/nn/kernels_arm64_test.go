// This file lists the kernels to test on arm64: the pure-Go ones and the
// NEON ones (at the neon and dotprod levels), and checks that the exported
// functions use the selected level's.

//go:build arm64 && !purego

package nn

import (
	"reflect"
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

func kernelSets() []kernelSet {
	sets := []kernelSet{genericKernelSet}
	if cpu.Selected() >= cpu.NEON {
		sets = append(sets, kernelSet{name: "neon", exp: expVecNEON, erf: erfVecNEON, gelu: geluVecNEON, geluTanh: geluTanhVecNEON, silu: siluVecNEON, biasGELU: biasGELUVecNEON, add: addVecNEON, expShiftSum: expShiftSumVecNEON,
			rowSum: rowSumNEONVec, rowSqDev: rowSqDevNEONVec, rowNorm: rowNormNEONVec})
	}
	return sets
}

func TestDispatchFollowsCPULevel(t *testing.T) {
	type binding struct {
		name      string
		got, want any
	}
	bindings := []binding{
		{"add", addVec, addGeneric}, {"rowSum", rowSum, rowSumGeneric}, {"rowSqDev", rowSqDev, rowSqDevGeneric},
		{"rowNorm", rowNorm, rowNormGeneric}, {"exp", expVec, expGeneric}, {"gelu", geluVec, geluGeneric},
		{"biasGELU", biasGELUVec, biasGELUGeneric}, {"expShiftSum", expShiftSum, expShiftSumGeneric},
		{"max", maxVec, maxGeneric}, {"scale", scaleVec, scaleGeneric},
		{"erf", erfVec, erfGeneric}, {"geluTanh", geluTanhVec, geluTanhGeneric}, {"silu", siluVec, siluGeneric},
		{"softmaxRows", softmaxRows, softmaxRowsGeneric},
	}
	if cpu.Selected() >= cpu.NEON {
		for i, f := range []any{addVecNEON, rowSumNEONVec, rowSqDevNEONVec, rowNormNEONVec, expVecNEON, geluVecNEON, biasGELUVecNEON, expShiftSumVecNEON, maxVecNEON, scaleVecNEON,
			erfVecNEON, geluTanhVecNEON, siluVecNEON} {
			bindings[i].want = f
		}
	}
	for _, b := range bindings {
		if reflect.ValueOf(b.got).Pointer() != reflect.ValueOf(b.want).Pointer() {
			t.Errorf("%s is not the %s kernel (%s)", b.name, cpu.Name(), cpu.Reason())
		}
	}
}
