// This file records that the race detector is off: quality tests use their
// full sizes.

//go:build !race

package hnsw

const raceEnabled = false
