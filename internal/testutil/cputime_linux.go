// This file reads CPU-time clocks on Linux, so that benchmarks can report
// figures that, unlike wall time, do not count the time slices other
// processes take on a shared machine.

package testutil

import "golang.org/x/sys/unix"

// ThreadCPUSeconds returns the CPU time of the calling OS thread (lock the
// goroutine to its thread around a measurement), or 0 where the clock is
// not available.
func ThreadCPUSeconds() float64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}

// ProcessCPUSeconds returns the user CPU time of the whole process (every
// thread), or 0 where it is not available.
func ProcessCPUSeconds() float64 { return rusageUserSeconds() }
