// This file takes OpenFile's lock on unix: flock(2), exclusive and not
// waiting, on the collection's lock file; the kernel releases it when the
// file is closed or the process dies.

//go:build unix

package ganada

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile locks f exclusively or fails at once.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			return err
		}
	}
}
