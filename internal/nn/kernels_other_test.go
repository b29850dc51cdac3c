// This file lists the kernels to test where no assembly exists.

//go:build !amd64 || purego

package nn

func kernelSets() []kernelSet { return []kernelSet{genericKernelSet} }
