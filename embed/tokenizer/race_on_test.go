//go:build race

// This file tells the tests that the race detector is on, so the parity
// tests check a sample of the goldens (the full set runs without -race).

package tokenizer

const raceEnabled = true
