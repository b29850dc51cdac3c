// mmap_other.go stands in for Map where x/sys/unix has no mmap: callers
// read the file instead.

//go:build !unix

package fileio

import "os"

// Map reports false: memory mapping is not available here.
func Map(*os.File, int64) ([]byte, func([]byte) error, bool) { return nil, nil, false }
