// This file checks the shared helpers: golden arrays out of range are
// refused instead of panicking, MaxAbsDiff reports length mismatches and
// NaNs, and BurnCPU stops.

package testutil

import (
	"encoding/binary"
	"math"
	"math/bits"
	"testing"
)

func TestGoldenArrayFloats(t *testing.T) {
	bin := make([]byte, 16)
	for i := range 4 {
		binary.LittleEndian.PutUint32(bin[4*i:], math.Float32bits(float32(i)+0.5))
	}
	got, err := GoldenArray{Offset: 4, Shape: []int{1, 3}}.Floats(bin)
	if err != nil || len(got) != 3 || got[0] != 1.5 || got[2] != 3.5 {
		t.Fatalf("%v %v", got, err)
	}
	for _, a := range []GoldenArray{
		{Offset: 8, Shape: []int{3}},
		{Offset: -4, Shape: []int{1}},
		{Offset: 17, Shape: []int{0}},
		{Shape: []int{-1, -4}},
		{Shape: []int{1 << 62, 1 << 62}},
		{Shape: []int{math.MaxInt, 2}},
		{Offset: math.MaxInt, Shape: []int{1}},
		{Shape: []int{bits.UintSize, 1 << 58}},
	} {
		if v, err := a.Floats(bin); err == nil {
			t.Errorf("%+v accepted: %d values", a, len(v))
		}
	}
}

func TestMaxAbsDiff(t *testing.T) {
	if d := MaxAbsDiff([]float32{1, 2}, []float32{1, 2.5}); d != 0.5 {
		t.Errorf("%g", d)
	}
	if d := MaxAbsDiff([]float32{1}, []float32{1, 2}); !math.IsInf(d, 1) {
		t.Errorf("lengths differ: %g", d)
	}
	nan := float32(math.NaN())
	if d := MaxAbsDiff([]float32{nan, 5}, []float32{0, 0}); !math.IsNaN(d) {
		t.Errorf("NaN: %g", d)
	}
}

func TestBurnCPUStops(t *testing.T) {
	stop := BurnCPU(t)
	stop()
	stop()
}
