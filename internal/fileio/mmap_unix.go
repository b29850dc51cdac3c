// mmap_unix.go maps files read-only into memory on unix systems, for the
// readers that search or decode a file in place (safetensors, PyTorch
// checkpoints, the flat index's Open).

//go:build unix

package fileio

import (
	"os"

	"golang.org/x/sys/unix"
)

// Map maps the first size bytes of f read-only and returns them with the
// function that unmaps them. It reports false when mapping is not
// possible (an empty file, a size beyond int, a system without mmap), and
// the caller then reads the file instead.
func Map(f *os.File, size int64) ([]byte, func([]byte) error, bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return b, unix.Munmap, true
}
