//go:build unix

package fileio

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFIFO checks that a FIFO is refused at once instead of blocking the
// open until a writer comes.
func TestFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Read(p, 10); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("FIFO: %v, want ErrNotRegular", err)
	}
}
