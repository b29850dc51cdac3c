// norace_test.go tells tests the race detector is off.

//go:build !race

package transformer

const raceEnabled = false
