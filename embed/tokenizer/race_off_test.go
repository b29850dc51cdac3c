//go:build !race

// This file tells the tests that the race detector is off.

package tokenizer

const raceEnabled = false
