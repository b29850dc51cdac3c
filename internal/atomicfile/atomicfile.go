// Package atomicfile writes files crash-safely, for every Save in ganada
// (the indexes' and the Collection's): the data goes to a temporary file in
// the target's directory, which is flushed to stable storage and renamed
// over the target, and the directory is then synced.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Write writes path with write, atomically: readers see either the old file
// or the complete new one, never a partial file. On error the temporary
// file is removed and path is untouched; a crash can leave the temporary
// file ".<name>.tmp-*" behind.
//
// Permissions are those a plain rewrite would give: a file that exists
// keeps its permission bits, and a new one gets 0666 less the umask, as
// os.WriteFile(path, data, 0o666) would create it.
//
// An error of write is returned as it is; the others are the os package's
// (which name the file they concern) or say which step failed. Callers add
// their own context.
func Write(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if st, serr := os.Stat(path); serr == nil {
		if err = f.Chmod(st.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		serr := d.Sync()
		d.Close()
		if serr != nil {
			return fmt.Errorf("sync directory: %w", serr)
		}
	}
	return nil
}

// createTemp creates a new file in dir named prefix plus a random suffix,
// with mode 0666 before the umask. (os.CreateTemp would make it 0600.)
func createTemp(dir, prefix string) (*os.File, error) {
	for try := 0; ; try++ {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if os.IsExist(err) && try < 10000 {
			continue
		}
		return f, err
	}
}
