// hostile_test.go checks Open on hostile input: headers built to make the
// parser allocate far more than their size, files that are not regular
// (FIFOs, devices, directories), and index files pointing at missing or
// overlapping data.

package safetensors

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
)

// hostileHeaders returns headers of about n bytes built to cost the most
// memory per byte: many zero-size tensors, one tensor of many dimensions,
// many metadata entries, many unknown fields.
func hostileHeaders(n int) map[string][]byte {
	build := func(open string, item func(i int) string, close string) []byte {
		var sb strings.Builder
		sb.WriteString(open)
		for i := 0; sb.Len() < n; i++ {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(item(i))
		}
		sb.WriteString(close)
		js := sb.String()
		return append(binary.LittleEndian.AppendUint64(nil, uint64(len(js))), js...)
	}
	return map[string][]byte{
		"many-tensors": build("{", func(i int) string {
			return fmt.Sprintf(`"%x":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`, i)
		}, "}"),
		"long-shape":     build(`{"a":{"dtype":"U8","data_offsets":[0,0],"shape":[0,`, func(int) string { return "1" }, "]}}"),
		"many-metadata":  build(`{"__metadata__":{`, func(i int) string { return fmt.Sprintf(`"%x":""`, i) }, "}}"),
		"unknown-fields": build(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],`, func(i int) string { return fmt.Sprintf(`"%x":[{}]`, i) }, "}}"),
	}
}

// TestHeaderAllocation checks that parsing a header allocates at most a
// few times its size (a 50 MB header of small entries used to allocate
// 1.5 GB, 30 times its size).
func TestHeaderAllocation(t *testing.T) {
	n := 4 << 20
	if testing.Short() {
		n = 1 << 20
	}
	for name, b := range hostileHeaders(n) {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		h, _, err := parseHeader(b)
		runtime.ReadMemStats(&m1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		alloc := m1.TotalAlloc - m0.TotalAlloc
		ratio := float64(alloc) / float64(len(b))
		t.Logf("%s: %d-byte header, %d tensors, allocated %d bytes (%.1f×)", name, len(b), len(h.tensors), alloc, ratio)
		if ratio > 6 {
			t.Errorf("%s: parsing a %d-byte header allocated %d bytes (%.1f×, want ≤ 6×)", name, len(b), alloc, ratio)
		}
	}
}

// TestIndexAllocation is TestHeaderAllocation for an index file.
func TestIndexAllocation(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString(`{"metadata":{"total_size":0},"weight_map":{`)
	for i := 0; sb.Len() < 2<<20; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"%x":"a"`, i)
	}
	sb.WriteString("}}")
	p := filepath.Join(dir, "model.safetensors.index.json")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	shards, err := IndexShards(p)
	runtime.ReadMemStats(&m1)
	if err != nil || len(shards) != 1 || shards[0] != "a" {
		t.Fatalf("IndexShards = %q, %v", shards, err)
	}
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 8*uint64(sb.Len()) {
		t.Errorf("reading a %d-byte index allocated %d bytes", sb.Len(), alloc)
	}
}

// openWithin runs Open(p) and fails the test if it does not return
// within the deadline.
func openWithin(t *testing.T, p string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		f, err := Open(p)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Open(%s) blocks", p)
		return nil
	}
}

// TestNotRegular checks that Open refuses what is not a regular file
// without blocking or reading without end: a directory named like a
// weights file or an index, a device (/dev/zero reads forever) and, on
// unix, a FIFO (opening one blocks until a writer comes).
func TestNotRegular(t *testing.T) {
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "dir.safetensors"), filepath.Join(dir, "dir.index.json")}
	for _, p := range paths {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := os.Stat(os.DevNull); err == nil && !st.Mode().IsRegular() {
		paths = append(paths, os.DevNull)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		// As a weights file and as an index (through a symlink named .json).
		link := filepath.Join(dir, "zero.json")
		if os.Symlink("/dev/zero", link) == nil {
			paths = append(paths, link)
		}
		paths = append(paths, "/dev/zero")
	}
	paths = append(paths, makeFIFOs(t, dir)...)
	for _, p := range paths {
		err := openWithin(t, p)
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "regular file") {
			t.Errorf("Open(%s) = %v, want errs.ErrCorrupt naming the file as not regular", p, err)
		}
	}
	// A shard of an index that is a FIFO or a directory.
	for _, p := range paths[:1] {
		idx := filepath.Join(dir, "bad-shard.index.json")
		body := fmt.Sprintf(`{"weight_map":{"x":%q}}`, filepath.Base(p))
		if err := os.WriteFile(idx, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := openWithin(t, idx); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), p) {
			t.Errorf("index with shard %s: %v", p, err)
		}
	}
}
