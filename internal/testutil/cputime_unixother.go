// This file gives unix systems other than Linux the CPU-time functions:
// the process clock only; benchmarks report wall-time figures for the
// thread.

//go:build unix && !linux

package testutil

// ThreadCPUSeconds returns 0: no thread CPU clock here.
func ThreadCPUSeconds() float64 { return 0 }

// ProcessCPUSeconds returns the user CPU time of the whole process.
func ProcessCPUSeconds() float64 { return rusageUserSeconds() }
