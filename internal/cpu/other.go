// This file describes the architectures without assembly kernels: the
// Purego level only.

//go:build !amd64 && !arm64

package cpu

import "runtime"

var thisArch = arch{levels: []Level{Purego}}

// haveCPUID: there is no CPUID to identify the processor with.
const haveCPUID = false

func detect() (Feature, Processor) { return 0, Processor{Arch: runtime.GOARCH} }
