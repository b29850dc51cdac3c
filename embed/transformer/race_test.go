// race_test.go tells tests whether the race detector is on, to keep the
// slowest parity runs short under it.

//go:build race

package transformer

const raceEnabled = true
