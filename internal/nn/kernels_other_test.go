// This file lists the kernels to test where no assembly exists, and checks
// that the exported functions use them.

//go:build (!amd64 && !arm64) || purego

package nn

import (
	"reflect"
	"testing"
)

func kernelSets() []kernelSet { return []kernelSet{genericKernelSet} }

func TestDispatchFollowsCPULevel(t *testing.T) {
	for _, b := range [][2]any{
		{expVec, expGeneric}, {erfVec, erfGeneric}, {geluVec, geluGeneric}, {biasGELUVec, biasGELUGeneric},
		{geluTanhVec, geluTanhGeneric}, {siluVec, siluGeneric}, {addVec, addGeneric}, {expShiftSum, expShiftSumGeneric},
		{rowSum, rowSumGeneric}, {maxVec, maxGeneric}, {scaleVec, scaleGeneric}, {rowSqDev, rowSqDevGeneric},
		{rowNorm, rowNormGeneric}, {softmaxRows, softmaxRowsGeneric},
	} {
		if reflect.ValueOf(b[0]).Pointer() != reflect.ValueOf(b[1]).Pointer() {
			t.Errorf("an assembly kernel is bound in a build without assembly")
		}
	}
}
