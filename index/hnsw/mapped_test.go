// This file tests Open (the memory-mapped, read-only HNSW index): the same
// results as Load for every storage kind and metric, read-only and closed
// errors, lazy checksums caught by Verify, damage Open itself catches
// (links, counts, a CODE section claiming more codes than it holds,
// NaN ranges), older versions read in memory, and FuzzOpen.

package hnsw

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

var mappedCases = [][]Option{
	nil,
	{WithQuantization(index.Int8), WithCalibration(50)},
	{WithQuantization(index.Int8), WithCalibration(50), WithRescore(20)},
	{WithQuantization(index.Binary)},
	{WithQuantization(index.Binary), WithRescore(40)},
	{WithFunnel(8), WithRescore(20)},
}

func buildMapped(t testing.TB, n int, metric index.Metric, opts ...Option) (*Index, dataset) {
	t.Helper()
	d := newDataset(n, 16, 20, 5)
	h, err := New(16, metric, append([]Option{WithM(6), WithEfConstruction(40)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddBatch(ctx, d.ids, d.base); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i += 9 {
		if err := h.Delete(ctx, d.ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	return h, d
}

func TestOpenMapped(t *testing.T) {
	dir := t.TempDir()
	for i, opts := range mappedCases {
		for _, metric := range []index.Metric{index.Cosine, index.L2} {
			h, d := buildMapped(t, 400, metric, opts...)
			path := filepath.Join(dir, "x.hnsw")
			if err := h.Save(ctx, path); err != nil {
				t.Fatal(err)
			}
			y, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("case %d %v: %v", i, metric, err)
			}
			if y.mapped == nil || y.mapped.unmap == nil {
				t.Fatalf("case %d: not mapped", i)
			}
			if err := y.Verify(); err != nil {
				t.Fatalf("case %d: Verify: %v", i, err)
			}
			l, err := Load(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			allow := func(id uint64) bool { return id%3 == 0 }
			for _, q := range d.queries {
				for _, so := range [][]index.SearchOption{nil, {index.WithFilter(allow)}, {index.WithExact()}} {
					a, _ := h.Search(ctx, q, 7, so...)
					b, err := y.Search(ctx, q, 7, so...)
					c, _ := l.Search(ctx, q, 7, so...)
					if err != nil || !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, c) {
						t.Fatalf("case %d %v: results differ (%v):\nbuilt  %v\nopened %v\nloaded %v", i, metric, err, a, b, c)
					}
				}
			}
			if y.Len() != h.Len() || y.Tombstones() != h.Tombstones() {
				t.Fatalf("case %d: Len %d/%d Tombstones %d/%d", i, y.Len(), h.Len(), y.Tombstones(), h.Tombstones())
			}
			v, err := y.Vector(d.ids[1])
			if w, _ := h.Vector(d.ids[1]); err != nil || !reflect.DeepEqual(v, w) {
				t.Fatalf("case %d: Vector %v", i, err)
			}
			for name, err := range map[string]error{
				"Add":         y.Add(ctx, 1, d.queries[0]),
				"AddBatch":    y.AddBatch(ctx, []uint64{1}, d.queries[:1]),
				"Delete":      y.Delete(ctx, d.ids[1]),
				"Compact":     y.Compact(),
				"Reconfigure": y.Reconfigure(WithFunnel(4), WithRescore(10)),
			} {
				if !errors.Is(err, errs.ErrUnsupported) {
					t.Errorf("case %d: %s on an opened index: %v", i, name, err)
				}
			}
			if err := y.Reconfigure(WithEfSearch(30)); err != nil {
				t.Errorf("case %d: Reconfigure(WithEfSearch): %v", i, err)
			}
			// Saving an opened index writes the same index.
			var b1, b2 bytes.Buffer
			if _, err := y.WriteTo(&b1); err != nil {
				t.Fatal(err)
			}
			l.Reconfigure(WithEfSearch(30))
			if _, err := l.WriteTo(&b2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
				t.Fatalf("case %d: WriteTo of the opened and the loaded index differ", i)
			}
			if err := y.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := y.Search(ctx, d.queries[0], 3); !errors.Is(err, errs.ErrClosed) {
				t.Fatalf("Search after Close: %v", err)
			}
			if err := y.Verify(); !errors.Is(err, errs.ErrClosed) {
				t.Fatalf("Verify after Close: %v", err)
			}
			if err := y.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			// Load after Open: the loaded index takes Adds.
			if err := l.Add(ctx, 1<<40, d.queries[0]); err != nil {
				t.Fatalf("case %d: Add after Load: %v", i, err)
			}
		}
	}
}

// TestOpenOlderVersion: a version-2 file (no PAD. or CODE) is read into
// memory by Open and is read-only all the same.
func TestOpenOlderVersion(t *testing.T) {
	h, d := buildMapped(t, 200, index.Cosine, WithQuantization(index.Int8), WithCalibration(50), WithRescore(10))
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	head, secs := parseSections(t, buf.Bytes())
	var v2 []section
	for _, s := range secs {
		if s.tag != padTag && s.tag != "CODE" {
			v2 = append(v2, s)
		}
	}
	binary.LittleEndian.PutUint32(head[8:], 2)
	path := filepath.Join(t.TempDir(), "v2.hnsw")
	if err := os.WriteFile(path, joinSections(head, v2), 0o644); err != nil {
		t.Fatal(err)
	}
	y, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.Search(ctx, d.queries[0], 5)
	b, _ := y.Search(ctx, d.queries[0], 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("results differ:\n%v\n%v", a, b)
	}
	if err := y.Add(ctx, 1, d.queries[0]); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatalf("Add: %v", err)
	}
}

// TestOpenDamage: damage in the sections Open reads fails Open with
// errs.ErrCorrupt naming the file; damage in VECS or CODE passes Open and
// fails Verify.
func TestOpenDamage(t *testing.T) {
	h, _ := buildMapped(t, 200, index.L2, WithQuantization(index.Int8), WithCalibration(50), WithRescore(10))
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	open := func(b []byte) (*Index, error) {
		path := filepath.Join(dir, "d.hnsw")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return Open(ctx, path)
	}
	good := buf.Bytes()
	head, secs := parseSections(t, good)
	find := func(ss []section, tag string) int {
		for i, s := range ss {
			if s.tag == tag {
				return i
			}
		}
		t.Fatalf("no %s", tag)
		return -1
	}
	mutate := func(tag string, f func(p []byte) []byte) []byte {
		ss := make([]section, len(secs))
		copy(ss, secs)
		i := find(ss, tag)
		ss[i].payload = f(append([]byte(nil), ss[i].payload...))
		return joinSections(head, ss)
	}
	// Lazily checked: Open succeeds, Verify fails.
	for _, tag := range []string{"VECS", "CODE"} {
		b := append([]byte(nil), good...)
		i := find(secs, tag)
		off := 12
		for _, s := range secs[:i] {
			off += 16 + len(s.payload)
		}
		b[off+12+5] ^= 0x40
		y, err := open(b)
		if err != nil {
			t.Fatalf("%s damaged: Open: %v", tag, err)
		}
		if err := y.Verify(); !errors.Is(err, errs.ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte(tag)) {
			t.Fatalf("%s damaged: Verify: %v", tag, err)
		}
		y.Close()
	}
	nan := math.Float32bits(float32(math.NaN()))
	for name, b := range map[string][]byte{
		"truncated":   good[:len(good)-7],
		"trailing":    append(append([]byte(nil), good...), 0),
		"link flip":   flipIn(good, secs, head, "LNK0"),
		"upper flip":  flipIn(good, secs, head, "LNKU"),
		"label flip":  flipIn(good, secs, head, "LABL"),
		"pad too big": mutate(padTag, func(p []byte) []byte { return make([]byte, 64) }),
		// A CODE section claiming more codes than the node count (its
		// checksum right): the length is checked against n × dims.
		"code longer": mutate("CODE", func(p []byte) []byte { return append(p, make([]byte, 16)...) }),
		"code short":  mutate("CODE", func(p []byte) []byte { return p[:len(p)-16] }),
		"vecs short":  mutate("VECS", func(p []byte) []byte { return p[:len(p)-4] }),
		"link out of range": mutate("LNK0", func(p []byte) []byte {
			binary.LittleEndian.PutUint32(p[4:], 1)     // count ≥ 1
			binary.LittleEndian.PutUint32(p[4:], 1<<30) // first link
			binary.LittleEndian.PutUint32(p[0:], 1)
			return p
		}),
		"nan range": mutate("QUNT", func(p []byte) []byte {
			binary.LittleEndian.PutUint32(p[20:], nan)
			return p
		}),
		"more nodes": mutate("CONF", func(p []byte) []byte {
			binary.LittleEndian.PutUint64(p[32:], binary.LittleEndian.Uint64(p[32:])+1)
			return p
		}),
		"huge count": mutate("CONF", func(p []byte) []byte {
			binary.LittleEndian.PutUint64(p[32:], 1<<31)
			return p
		}),
	} {
		y, err := open(b)
		if !errors.Is(err, errs.ErrCorrupt) || !bytes.Contains([]byte(err.Error()), []byte("d.hnsw")) {
			t.Errorf("%s: Open: %v", name, err)
		}
		if y != nil {
			y.Close()
		}
		if _, err := Read(ctx, bytes.NewReader(b)); name != "trailing" && !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: Read: %v", name, err)
		}
	}
}

// flipIn flips a byte in the payload of section tag of file b (whose
// parsed form is head, secs), leaving its stored checksum stale.
func flipIn(b []byte, secs []section, head []byte, tag string) []byte {
	out := append([]byte(nil), b...)
	off := len(head)
	for _, s := range secs {
		if s.tag == tag {
			out[off+12+len(s.payload)/2] ^= 0x10
			return out
		}
		off += 16 + len(s.payload)
	}
	panic("no " + tag)
}

// FuzzOpen feeds arbitrary bytes to Open as a file: it must return an
// index or an error, never panic; an index that opens must search,
// verify and close without panicking.
func FuzzOpen(f *testing.F) {
	for i, opts := range mappedCases[:5] {
		h, _ := buildMapped(f, 30+10*i, index.Cosine, opts...)
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	dir := f.TempDir()
	q := make([]float32, 16)
	for i := range q {
		q[i] = float32(i%5) - 2
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.hnsw")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		y, err := Open(ctx, path)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		defer y.Close()
		y.Verify()
		if y.Dim() == len(q) {
			for _, k := range []int{1, 5, 1000} {
				y.Search(ctx, q, k)
			}
			y.Search(ctx, q, 3, index.WithFilter(func(id uint64) bool { return id%2 == 0 }))
		}
	})
}

// TestOpenConcurrentClose searches an opened index from several goroutines
// (under -race in CI, beside a CPU burner) while Verify runs and Close
// unmaps the file: every search returns results or errs.ErrClosed, none
// reads the unmapped file.
func TestOpenConcurrentClose(t *testing.T) {
	testutil.BurnCPU(t)
	h, d := buildMapped(t, 300, index.Cosine, WithQuantization(index.Int8), WithCalibration(50), WithRescore(10))
	path := filepath.Join(t.TempDir(), "c.hnsw")
	if err := h.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		y, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		closed := make(chan struct{})
		for g := 0; g < 3; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; ; i++ {
					rs, err := y.Search(ctx, d.queries[(g+i)%len(d.queries)], 5)
					if errors.Is(err, errs.ErrClosed) {
						return
					}
					if err != nil || len(rs) != 5 {
						t.Errorf("search: %v, %d results", err, len(rs))
						return
					}
					select {
					case <-closed:
						// Closed after this search began: the next one
						// must fail.
						if _, err := y.Search(ctx, d.queries[0], 5); !errors.Is(err, errs.ErrClosed) {
							t.Errorf("search after Close: %v", err)
						}
						return
					default:
					}
				}
			}(g)
		}
		if err := y.Verify(); err != nil {
			t.Error(err)
		}
		time.Sleep(time.Duration(round) * time.Millisecond)
		if err := y.Close(); err != nil {
			t.Error(err)
		}
		close(closed)
		wg.Wait()
	}
}
