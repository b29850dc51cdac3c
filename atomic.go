// This file holds Save's crash-safe file write: into a temporary file in
// the target's directory, flushed to stable storage, renamed over the
// target, and the directory synced.

package ganada

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes path with write, atomically: the data go to a
// temporary file ".<name>.tmp-*" in the same directory, which is flushed to
// stable storage and renamed over path, and the directory is then synced.
// Readers see either the old file or the complete new one. On error the
// temporary file is removed and path is untouched (a crash can leave the
// temporary file behind). Errors carry no "ganada:" prefix; Save adds it.
func writeFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if err != nil && !renamed {
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
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	if d, derr := os.Open(dir); derr == nil {
		serr := d.Sync()
		d.Close()
		if serr != nil {
			return fmt.Errorf("sync directory %s: %w", dir, serr)
		}
	}
	return nil
}
