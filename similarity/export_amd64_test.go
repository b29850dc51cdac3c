// This file lets the tests run the exported functions on every amd64
// implementation level.

//go:build amd64 && !purego

package similarity

import "testing"

// forEachLevel runs f once per implementation level this machine supports,
// with the exported functions dispatching to that level.
func forEachLevel(t *testing.T, f func(t *testing.T)) {
	saved := level
	defer func() { level = saved }()
	for l := levelGeneric; l <= levelAVX512; l++ {
		if (l == levelAVX2 && !x86HasAVX2) || (l == levelAVX512 && !x86HasAVX512) {
			continue
		}
		level = l
		t.Run(levelNames[l], f)
	}
}

// forEachLevelB is forEachLevel for benchmarks.
func forEachLevelB(b *testing.B, name string, f func(b *testing.B)) {
	saved := level
	defer func() { level = saved }()
	for l := levelGeneric; l <= levelAVX512; l++ {
		if (l == levelAVX2 && !x86HasAVX2) || (l == levelAVX512 && !x86HasAVX512) {
			continue
		}
		level = l
		b.Run(levelNames[l]+"/"+name, f)
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
}
