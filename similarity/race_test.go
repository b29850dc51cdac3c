// This file tells the tests that the race detector is on.

//go:build race

package similarity

// raceEnabled thins the exhaustive length sweeps under -race, where every
// memory access is instrumented; the normal and purego runs sweep them all.
const raceEnabled = true
