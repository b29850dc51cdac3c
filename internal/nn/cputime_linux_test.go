// This file gives the benchmarks the CPU time of the calling OS thread,
// which, unlike wall time, does not count time slices taken by other
// processes on a shared machine.

package nn

import "golang.org/x/sys/unix"

func threadCPUSeconds() float64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}
