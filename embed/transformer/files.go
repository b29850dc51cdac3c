// files.go reads the model's own files through internal/fileio (regular
// files only, never blocking on a FIFO, read up to a size limit), with
// errors wrapping errs.ErrCorrupt.

package transformer

import (
	"errors"
	"fmt"
	"os"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/fileio"
)

// Size limits of the files read whole. Configuration files of real
// models are a few kilobytes (a config.json with tens of thousands of
// labels, a megabyte or two); the largest tokenizer.json files are tens
// of megabytes.
const (
	maxConfigBytes    = 16 << 20
	maxTokenizerBytes = 256 << 20
)

// openRegular opens path for reading if it is a regular file (see
// internal/fileio). Errors wrap errs.ErrCorrupt and name the file.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	f, st, err := fileio.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("transformer: %w: %w", err, errs.ErrCorrupt)
	}
	return f, st, nil
}

// asCorrupt makes an error of the safetensors, tokenizer or pool package
// about a file of the model wrap errs.ErrCorrupt, unless it already does
// or says errs.ErrUnsupported (a dtype or component this version does not
// read).
func asCorrupt(err error) error {
	if errors.Is(err, errs.ErrCorrupt) || errors.Is(err, errs.ErrUnsupported) {
		return err
	}
	return fmt.Errorf("%w: %w", err, errs.ErrCorrupt)
}

// readFile reads the regular file at path, of at most limit bytes.
// Errors wrap errs.ErrCorrupt and name the file.
func readFile(path string, limit int64) ([]byte, error) {
	b, err := fileio.Read(path, limit)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w: %w", err, errs.ErrCorrupt)
	}
	return b, nil
}
