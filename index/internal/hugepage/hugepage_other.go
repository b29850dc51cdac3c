// This file is the no-op advice for systems without MADV_HUGEPAGE.

//go:build !linux

package hugepage

import "unsafe"

func advise(p unsafe.Pointer, n uintptr) {}
