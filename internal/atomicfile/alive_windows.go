// This file tells whether a process runs on Windows, for RemoveStale:
// OpenProcess fails for a pid no process has, and an exited process whose
// handle is still open somewhere reports an exit code other than
// STILL_ACTIVE.

//go:build windows

package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// stillActive is GetExitCodeProcess's STILL_ACTIVE.
const stillActive = 259

// processAlive reports whether a process with this pid is running. Any
// answer other than "no such process" or an exit code is taken as alive,
// the safe side (access denied, for one, means a process exists).
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}
