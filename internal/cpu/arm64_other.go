// This file stands in for macOS's sysctl check on the other arm64 systems,
// where golang.org/x/sys/cpu detects the dot-product instructions itself.

//go:build arm64 && !darwin

package cpu

func darwinDotProd() bool { return false }
