// This file reads the calling thread's CPU time on Linux, so that the
// benchmark can discount the time other processes held the CPU.

//go:build linux

package main

import (
	"syscall"
	"unsafe"
)

const clockThreadCPUTimeID = 3 // CLOCK_THREAD_CPUTIME_ID

// threadCPUTime returns the CPU time consumed by the calling OS thread, in
// nanoseconds, and whether it is available.
func threadCPUTime() (int64, bool) {
	var ts syscall.Timespec
	_, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	if e != 0 {
		return 0, false
	}
	return ts.Nano(), true
}
