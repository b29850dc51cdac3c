// This file reads the process's user CPU time on unix systems, for
// ProcessCPUSeconds.

//go:build unix

package testutil

import "syscall"

func rusageUserSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()) / 1e9
}
