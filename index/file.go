// This file holds the crash-safe file helpers behind every index's Save and
// Load: write to a temporary file in the target directory, fsync, rename over
// the target, fsync the directory.

package index

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// WriteFileAtomic writes path with write, atomically: the data goes to a
// temporary file in the same directory, which is flushed to stable storage
// and renamed over path, and the directory is then synced. Readers see either
// the old file or the complete new one, never a partial file. On error the
// temporary file is removed and path is untouched.
//
// Permissions are those a plain rewrite would give: a file that exists keeps
// its permission bits, and a new one gets 0666 less the umask, as
// os.WriteFile(path, data, 0o666) would create it.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".tmp-")
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
	if st, serr := os.Stat(path); serr == nil {
		if err = f.Chmod(st.Mode().Perm()); err != nil {
			return fmt.Errorf("index: save %s: %w", path, err)
		}
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

// ReadFile opens path and calls read with a buffered reader over it. The
// file must hold exactly what read consumes: if read succeeds but bytes
// remain after it, ReadFile returns an error wrapping ErrCorrupt, as a file
// with data after its end marker is not one Save wrote.
func ReadFile(path string, read func(r io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("index: load %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	if err := read(br); err != nil {
		return err
	}
	switch _, err := br.ReadByte(); {
	case err == nil:
		return fmt.Errorf("index: load %s: %w: data after the end of the index", path, ErrCorrupt)
	case err != io.EOF:
		return fmt.Errorf("index: load %s: %w", path, err)
	}
	return nil
}
