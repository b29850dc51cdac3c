// This file lets the tests run the exported functions on every arm64
// implementation level.

//go:build arm64 && !purego

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

// streamVariants runs f once: the arm64 batch kernels have one path.
func streamVariants(t *testing.T, f func(t *testing.T)) { f(t) }
