// fifo_unix_test.go makes FIFOs for TestNotRegular on unix systems.

//go:build unix

package safetensors

import (
	"path/filepath"
	"syscall"
	"testing"
)

// makeFIFOs makes a FIFO named like a weights file and one named like an
// index in dir.
func makeFIFOs(t *testing.T, dir string) []string {
	var out []string
	for _, name := range []string{"fifo.safetensors", "fifo.safetensors.index.json"} {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Logf("mkfifo: %v", err)
			continue
		}
		out = append(out, p)
	}
	return out
}
