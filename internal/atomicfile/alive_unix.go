// This file tells whether a process runs on unix systems, for RemoveStale:
// kill(pid, 0) checks for the process without signalling it.

//go:build unix

package atomicfile

import "golang.org/x/sys/unix"

// processAlive reports whether a process with this pid exists. Only ESRCH
// ("no such process") counts as gone: EPERM means it exists under another
// user, and any other answer is taken as alive, the safe side.
func processAlive(pid int) bool {
	return unix.Kill(pid, 0) != unix.ESRCH
}
