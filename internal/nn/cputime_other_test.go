// This file stubs the thread CPU clock where it is not available; the
// benchmarks then report wall-time figures only.

//go:build !linux

package nn

func threadCPUSeconds() float64 { return 0 }
