// This file describes the architectures without assembly kernels yet: the
// Purego level only (arm64 will get a NEON level here).

//go:build !amd64

package cpu

import "runtime"

var thisArch = arch{levels: []Level{Purego}}

// haveCPUID: there is no CPUID to identify the processor with.
const haveCPUID = false

func detect() (Feature, Processor) { return 0, Processor{Arch: runtime.GOARCH} }
