// cputime_unix_test.go reads the process's user CPU time, so benchmarks
// can report per-CPU-second rates that a busy machine disturbs less than
// wall-clock ones.

//go:build unix

package transformer

import "syscall"

func userCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()) / 1e9
}
