// This file holds the crash-safe file helpers behind every index's Save and
// Load: write to a temporary file in the target directory, fsync, rename over
// the target, fsync the directory.

package index

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes path with write, atomically: the data goes to a
// temporary file in the same directory, which is flushed to stable storage
// and renamed over path, and the directory is then synced. Readers see either
// the old file or the complete new one, never a partial file. On error the
// temporary file is removed and path is untouched.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("index: save %s: %w", path, err)
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
		return fmt.Errorf("index: save %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("index: save %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("index: save %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("index: save %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		serr := d.Sync()
		d.Close()
		if serr != nil {
			return fmt.Errorf("index: save %s: sync directory: %w", path, serr)
		}
	}
	return nil
}

// ReadFile opens path and calls read with a buffered reader over it.
func ReadFile(path string, read func(r io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("index: load %s: %w", path, err)
	}
	defer f.Close()
	return read(bufio.NewReaderSize(f, 1<<20))
}
