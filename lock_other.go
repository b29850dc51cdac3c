// This file stands for OpenFile's lock where the platform has none this
// package uses (js, wasip1, plan9): nothing is locked, and one collection
// per path at a time is the caller's to ensure.

//go:build !unix && !windows

package ganada

import "os"

// lockFile does nothing.
func lockFile(*os.File) error { return nil }
