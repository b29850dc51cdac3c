// This file makes FIFOs for the hostile file tests on unix systems.

//go:build unix

package static

import "syscall"

func makeFIFO(p string) error { return syscall.Mkfifo(p, 0o644) }
