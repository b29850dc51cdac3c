// nonblock_unix.go: files are opened non-blocking on unix systems, so
// that one replaced by a FIFO after its check cannot block the open.

//go:build unix

package fileio

import "syscall"

const openNonblock = syscall.O_NONBLOCK
