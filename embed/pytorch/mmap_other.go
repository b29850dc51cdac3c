// mmap_other.go is the fallback for systems without mmap: files are read
// into memory once.

//go:build !unix

package pytorch

import "os"

func mmapFile(*os.File, int64) ([]byte, func([]byte) error, bool) { return nil, nil, false }
