// This file takes OpenFile's lock on Windows: LockFileEx, exclusive and
// not waiting, on the first byte of the collection's lock file; Windows
// releases it when the handle is closed or the process dies.

//go:build windows

package ganada

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockFile locks f exclusively or fails at once.
func lockFile(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
}
