// lock_unix.go locks files with flock(2) on Unix systems that have it.

//go:build unix && !solaris && !aix

package hub

import (
	"errors"
	"os"
	"syscall"
)

// lockSupported reports whether lockFile excludes other processes.
const lockSupported = true

// tryLock takes an exclusive flock on f without waiting, reporting false
// if another open file holds it.
func tryLock(f *os.File) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return false, err
	}
	if errors.Is(ferr, syscall.EWOULDBLOCK) || errors.Is(ferr, syscall.EAGAIN) {
		return false, nil
	}
	return ferr == nil, ferr
}

// unlockFile releases the flock on f (closing f would too).
func unlockFile(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = syscall.Flock(int(fd), syscall.LOCK_UN) }); err != nil {
		return err
	}
	return ferr
}
