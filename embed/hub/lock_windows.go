// lock_windows.go locks files with LockFileEx on Windows.

//go:build windows

package hub

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockSupported reports whether lockFile excludes other processes.
const lockSupported = true

// tryLock takes an exclusive lock on the first byte of f without waiting,
// reporting false if another handle holds it.
func tryLock(f *os.File) (bool, error) {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return false, nil
	}
	return err == nil, err
}

// unlockFile releases the lock tryLock took on f.
func unlockFile(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}
