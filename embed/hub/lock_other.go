// lock_other.go is the fallback for platforms without flock or LockFileEx
// (js/wasm, wasip1, plan9, solaris/illumos, aix): lockFile creates the lock
// file but does not lock it, so only the in-process mutex serialises
// downloads there; two processes sharing a cache may still collide.

//go:build !(unix && !solaris && !aix) && !windows

package hub

import "os"

// lockSupported reports whether lockFile excludes other processes.
const lockSupported = false

// tryLock does nothing and reports success: no file locking here.
func tryLock(*os.File) (bool, error) { return true, nil }

// unlockFile does nothing.
func unlockFile(*os.File) error { return nil }
