// This file detects the arm64 features the levels are made of, through
// golang.org/x/sys/cpu (the kernel's HWCAP bits on Linux and the BSDs; it
// honours GODEBUG=cpu.asimddp=off and the like). On macOS, where x/sys/cpu
// reports ASIMD only, dot-product support is read from sysctl.

//go:build arm64

package cpu

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// The arm64 levels: NEON needs ASIMD, DotProd adds SDOT/UDOT (similarity's
// int8 dot product). No kernel uses SVE or I8MM (SMMLA) yet.
var thisArch = arch{
	levels: []Level{Purego, NEON, DotProd},
	requires: map[Level]Feature{
		NEON:    ARM64ASIMD,
		DotProd: ARM64ASIMDDP,
	},
}

// haveCPUID: arm64 has no CPUID; the processor is not identified.
const haveCPUID = false

func detect() (Feature, Processor) {
	var f Feature
	if cpu.ARM64.HasASIMD {
		f |= ARM64ASIMD
	}
	if cpu.ARM64.HasASIMDDP || darwinDotProd() {
		f |= ARM64ASIMDDP
	}
	return f, Processor{Arch: runtime.GOARCH}
}
