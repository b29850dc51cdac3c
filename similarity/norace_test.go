// This file tells the tests that the race detector is off.

//go:build !race

package similarity

const raceEnabled = false
