// cputime_other_test.go: no CPU-time reading off unix; benchmarks then
// report wall-clock rates only.

//go:build !unix

package transformer

func userCPUSeconds() float64 { return 0 }
