// This file tests WriteFileAtomic's errors (the callback's as they are,
// the file system's with "index: save PATH") and ReadFile's rejection of
// trailing data. internal/atomicfile tests the writing itself.

package index

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	path := filepath.Join(dir, "x.idx")
	if err := WriteFileAtomic(path, func(io.Writer) error { return boom }); err != boom {
		t.Errorf("callback error came back as %v", err)
	}
	missing := filepath.Join(dir, "no", "such", "x.idx")
	err := WriteFileAtomic(missing, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "index: save "+missing+": ") {
		t.Errorf("missing directory: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("failed save left %s: %v", path, err)
	}
}

func TestReadFileTrailingData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.idx")
	readN := func(n int) func(io.Reader) error {
		return func(r io.Reader) error {
			_, err := io.ReadFull(r, make([]byte, n))
			return err
		}
	}
	if err := os.WriteFile(path, []byte("abcdef"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReadFile(path, readN(6)); err != nil {
		t.Fatalf("exact read: %v", err)
	}
	if err := ReadFile(path, readN(5)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("one byte left: %v, want ErrCorrupt", err)
	}
	boom := errors.New("boom")
	if err := ReadFile(path, func(io.Reader) error { return boom }); !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("read's own error: %v", err)
	}
}
