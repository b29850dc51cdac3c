// files.go reads the model's own files defensively: only regular files,
// checked before they are opened (opening a FIFO blocks until a writer
// comes), opened non-blocking where the platform allows it (in case the
// file was replaced in between), and read only up to a size limit.

package transformer

import (
	"fmt"
	"io"
	"os"
)

// Size limits of the files read whole. Configuration files of real
// models are a few kilobytes (a config.json with tens of thousands of
// labels, a megabyte or two); the largest tokenizer.json files are tens
// of megabytes.
const (
	maxConfigBytes    = 16 << 20
	maxTokenizerBytes = 256 << 20
)

// openRegular opens path for reading if it is a regular file. Errors
// wrap ErrBadModel and name the file.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%w: %s: not a regular file (%s)", ErrBadModel, path, fileKind(st.Mode()))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrBadModel, err)
		}
		return nil, nil, fmt.Errorf("%w: %s: not a regular file (%s)", ErrBadModel, path, fileKind(st.Mode()))
	}
	return f, st, nil
}

// readFile reads the regular file at path, of at most limit bytes.
// Errors wrap ErrBadModel and name the file.
func readFile(path string, limit int64) ([]byte, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, fmt.Errorf("%w: %s: %d bytes, more than the %d this file may have", ErrBadModel, path, st.Size(), limit)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadModel, path, err)
	}
	return b, nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m os.FileMode) string {
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
