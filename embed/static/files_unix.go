// This file sets the open flag of files_*.go on unix systems: model files
// are opened non-blocking, so that one replaced by a FIFO after its check
// cannot block the open.

//go:build unix

package static

import "syscall"

const openNonblock = syscall.O_NONBLOCK
