// Package fileio opens and reads the files of models and indexes
// defensively: only regular files, checked before they are opened (opening
// a FIFO blocks until a writer comes), opened non-blocking where the
// platform allows it (in case the file was replaced in between) and
// checked again, and read whole only up to a size limit. A file that is
// not regular or is too large is corrupt model or index data
// (errs.ErrCorrupt); file-system errors pass through as os returns them.
package fileio

import (
	"fmt"
	"io"
	"os"

	"github.com/ganada/ganada/errs"
)

var (
	// ErrNotRegular reports a path that is a directory, FIFO, socket or
	// device instead of a regular file. It is also errs.ErrCorrupt.
	ErrNotRegular = fmt.Errorf("not a regular file: %w", errs.ErrCorrupt)
	// ErrTooLarge reports a file larger than the caller's limit. It is
	// also errs.ErrCorrupt.
	ErrTooLarge = fmt.Errorf("file too large: %w", errs.ErrCorrupt)
)

// Open opens path for reading if it is a regular file. Errors from the
// file system are returned as os returns them (so errors.Is(err,
// fs.ErrNotExist) works); a file that is not regular gives an error
// wrapping ErrNotRegular that names path and what it is.
func Open(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, notRegular(path, st.Mode())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = notRegular(path, st.Mode())
		}
		return nil, nil, err
	}
	return f, st, nil
}

// Read reads the regular file at path whole, if it has at most limit
// bytes (limit < 0: any size that fits in memory); a larger file gives an
// error wrapping ErrTooLarge.
func Read(path string, limit int64) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if limit >= 0 && st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d this file may have: %w", path, st.Size(), limit, ErrTooLarge)
	}
	if int64(int(st.Size())) != st.Size() {
		return nil, fmt.Errorf("%s: %d bytes is too large for this platform: %w", path, st.Size(), ErrTooLarge)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func notRegular(path string, m os.FileMode) error {
	return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(m))
}

// kind names the type of a file that is not regular.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}
