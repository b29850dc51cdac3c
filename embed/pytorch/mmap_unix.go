// mmap_unix.go maps checkpoint files read-only into memory on unix systems.

//go:build unix

package pytorch

import (
	"os"

	"golang.org/x/sys/unix"
)

// mmapFile maps the whole file read-only. It reports false when mapping is
// not possible, and the caller then reads the file instead.
func mmapFile(f *os.File, size int64) ([]byte, func([]byte) error, bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return b, unix.Munmap, true
}
