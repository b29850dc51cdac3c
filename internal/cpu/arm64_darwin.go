// This file reads macOS's report of the dot-product instructions, which
// golang.org/x/sys/cpu does not detect there (every Apple M-series
// processor has them).

//go:build arm64 && darwin

package cpu

import "golang.org/x/sys/unix"

// darwinDotProd reports sysctl hw.optional.arm.FEAT_DotProd (macOS 12 and
// later).
func darwinDotProd() bool {
	v, err := unix.SysctlUint32("hw.optional.arm.FEAT_DotProd")
	return err == nil && v == 1
}
