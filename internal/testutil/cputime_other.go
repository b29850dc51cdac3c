// This file stubs the CPU-time clocks where neither is available (not
// unix): benchmarks then report wall-time figures only.

//go:build !unix

package testutil

// ThreadCPUSeconds returns 0: no thread CPU clock here.
func ThreadCPUSeconds() float64 { return 0 }

// ProcessCPUSeconds returns 0: no process CPU clock here.
func ProcessCPUSeconds() float64 { return 0 }
