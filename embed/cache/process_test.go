// process_test.go runs two real processes (this test binary, re-executed)
// appending to one cache file at once, then checks every record of both
// is intact and readable, and that a text one process cached is a hit for
// the other.

package cache

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCacheChild is the child process's body; it does nothing unless
// GANADA_CACHE_CHILD is set by TestTwoProcesses.
func TestCacheChild(t *testing.T) {
	path := os.Getenv("GANADA_CACHE_CHILD")
	if path == "" {
		t.Skip("only run as TestTwoProcesses' child")
	}
	id, _ := strconv.Atoi(os.Getenv("GANADA_CACHE_CHILD_ID"))
	inner := newCounter("m", 24)
	c, err := New(inner, WithFile(path), WithMemory(0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 300 {
		in := []string{fmt.Sprintf("p%d-%d", id, i), fmt.Sprintf("shared-%d", i%50)}
		got, err := c.EncodeDocuments(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		check(t, got, "m", "doc", in, 24)
	}
}

func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary twice")
	}
	path := filepath.Join(t.TempDir(), "procs.cache")
	var cmds []*exec.Cmd
	for id := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCacheChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GANADA_CACHE_CHILD="+path, fmt.Sprint("GANADA_CACHE_CHILD_ID=", id))
		cmds = append(cmds, cmd)
	}
	outs := make([][]byte, 2)
	errs := make(chan error, 2)
	for i, cmd := range cmds {
		go func() {
			var err error
			outs[i], err = cmd.CombinedOutput()
			errs <- err
		}()
	}
	for range cmds {
		if err := <-errs; err != nil {
			t.Fatalf("child: %v\n%s\n%s", err, outs[0], outs[1])
		}
	}
	inner := newCounter("m", 24)
	c, err := New(inner, WithFile(path))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var in []string
	for id := range 2 {
		for i := range 300 {
			in = append(in, fmt.Sprintf("p%d-%d", id, i))
		}
	}
	for i := range 50 {
		in = append(in, fmt.Sprintf("shared-%d", i))
	}
	got, err := c.EncodeDocuments(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, "m", "doc", in, 24)
	if inner.total() != 0 {
		t.Errorf("%d texts missing from the file after two processes wrote it", inner.total())
	}
}
