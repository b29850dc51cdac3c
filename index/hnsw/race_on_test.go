// This file records that the race detector is on, so that the quality tests
// shrink their data sets (the detector slows them about tenfold) while still
// checking the same properties.

//go:build race

package hnsw

const raceEnabled = true
