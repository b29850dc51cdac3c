// open_unix.go: files are opened non-blocking on unix systems, so that a
// file replaced by a FIFO between the check and the open cannot block.

//go:build unix

package safetensors

import "syscall"

const openNonblock = syscall.O_NONBLOCK
