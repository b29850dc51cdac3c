// This file opens the model files defensively: only regular files,
// checked before they are opened (opening a FIFO blocks until a writer
// comes), opened non-blocking where the platform allows it (in case the
// file was replaced in between), and small files read up to a limit.

package static

import (
	"fmt"
	"io"
	"os"
)

// Size limits of the Model2Vec files read whole: configuration files of
// real models are a few kilobytes, the largest tokenizer.json files tens
// of megabytes.
const (
	maxConfigBytes    = 16 << 20
	maxTokenizerBytes = 256 << 20
)

// openRegular opens path for reading if it is a regular file. A FIFO, a
// device or a directory gives an error wrapping ErrMalformed that names
// the file.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%w: %s: not a regular file (%s)", ErrMalformed, path, fileKind(st.Mode()))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%w: %s: not a regular file (%s)", ErrMalformed, path, fileKind(st.Mode()))
	}
	return f, st, nil
}

// readFile reads the regular file at path, of at most limit bytes
// (limit < 0: any size).
func readFile(path string, limit int64) ([]byte, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if limit >= 0 && st.Size() > limit {
		return nil, fmt.Errorf("%w: %s: %d bytes, more than the %d this file may have", ErrMalformed, path, st.Size(), limit)
	}
	if int64(int(st.Size())) != st.Size() {
		return nil, fmt.Errorf("%w: %s: %d bytes is too large for this platform", ErrMalformed, path, st.Size())
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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

// preallocRows returns how many rows of dim components a reader should
// allocate room for when a header declares n: at most what the rest of
// the input could hold, when its size is known (size ≥ 0) and each row
// takes at least minBytes, at most 1024 when it is not (append grows the
// room with what is actually read), and never more than 16 MB of
// float32s. A header claiming 2^63 words allocated 307 MB before any
// word was read.
func preallocRows(n, dim int, size int64, minBytes int) int {
	c := min(n, (1<<22)/dim+1)
	if size < 0 {
		return min(c, 1024)
	}
	return int(min(int64(c), size/int64(minBytes)+1))
}
