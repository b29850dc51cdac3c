// This file lets the tests run the exported functions on every amd64
// implementation level.

//go:build amd64 && !purego

package similarity

import (
	"testing"

	"github.com/ganada/ganada/internal/cpu"
)

// forEachLevel runs f once per implementation level up to the selected one
// (cpu.Levels: every level this machine runs unless GANADA_CPU lowers it),
// with the exported functions dispatching to that level.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	saved := level
	defer func() { level = saved }()
	for _, l := range cpu.Levels() {
		level = l
		t.Run(levelName(l), f)
	}
}

// forEachLevelB is forEachLevel for benchmarks.
func forEachLevelB(b *testing.B, name string, f func(b *testing.B)) {
	saved := level
	defer func() { level = saved }()
	for _, l := range cpu.Levels() {
		level = l
		b.Run(levelName(l)+"/"+name, f)
	}
}

// streamVariants runs f with the batch kernels' default prefetch choice and
// again with every batch treated as a large (streaming) scan (the two
// differ in access order and prefetch; the race run, where assembly is not
// instrumented, skips the second to save time).
func streamVariants(t *testing.T, f func(t *testing.T)) {
	saved := streamMinFloats
	defer func() { streamMinFloats = saved }()
	t.Run("cached", f)
	if raceEnabled {
		return
	}
	streamMinFloats = 0
	t.Run("streaming", f)
	saved256 := stream256
	defer func() { stream256 = saved256 }()
	stream256 = !saved256 // the other tuning's choice on AVX-512
	t.Run("streaming-other-tuning", f)
}

// TestTunedStream256 checks the streamed-scan choice of every tuning (the
// tests above run both choices whatever the tuning).
func TestTunedStream256(t *testing.T) {
	for _, tu := range cpu.Tunings() {
		want := tu == cpu.TuneZen4 || tu == cpu.TuneZen3 || tu == cpu.TuneUnknown
		if got := tunedStream256(tu); got != want {
			t.Errorf("tuning %s: stream256 = %v, want %v", tu, got, want)
		}
	}
	if stream256 != tunedStream256(cpu.Tune()) {
		t.Errorf("stream256 = %v under tuning %s", stream256, cpu.Tune())
	}
}
