// This file lists the kernels to test on amd64: the pure-Go ones and the
// assembly ones this processor runs.

//go:build amd64 && !purego

package nn

func kernelSets() []kernelSet { return []kernelSet{genericKernelSet} }
