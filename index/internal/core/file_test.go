// This file tests WriteFileAtomic's errors (the callback's as they are,
// the file system's with "index: save PATH"), ReadFile's rejection of
// trailing data, and that both remove dead saves' temporary files.
// internal/atomicfile tests the writing itself.

package core

import (
	"errors"
	"github.com/ganada/ganada/errs"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ganada/ganada/internal/atomicfile"
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
	if err := ReadFile(path, readN(5)); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("one byte left: %v, want errs.ErrCorrupt", err)
	}
	boom := errors.New("boom")
	if err := ReadFile(path, func(io.Reader) error { return boom }); !errors.Is(err, boom) || errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("read's own error: %v", err)
	}
}

// TestStaleTempsRemoved plants the temporary file of a save whose process
// is gone (a reaped child's pid) beside a live one (this process's) and
// checks that ReadFile, and then WriteFileAtomic, remove the first and keep
// the second. (internal/atomicfile kills real writers mid-save.)
func TestStaleTempsRemoved(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		t.Skip("needs a unix process check")
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.idx")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	live := atomicfile.TempName(path, os.Getpid())
	if err := os.WriteFile(live, []byte("being written"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"ReadFile", "WriteFileAtomic"} {
		stale := atomicfile.TempName(path, child.Process.Pid)
		if err := os.WriteFile(stale, make([]byte, 1<<16), 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		if step == "ReadFile" {
			err = ReadFile(path, func(r io.Reader) error { _, err := io.ReadFull(r, make([]byte, 3)); return err })
		} else {
			err = WriteFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "abc"); return err })
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left a dead process's temporary file: %v", step, err)
		}
		if _, err := os.Stat(live); err != nil {
			t.Errorf("%s removed a live process's temporary file: %v", step, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "abc" {
			t.Errorf("%s: the file holds %q", step, b)
		}
	}
}
