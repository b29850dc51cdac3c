// This file tests WriteTo/ReadFrom and Save/Load: exact round trips,
// embedding in a larger stream, rejection of every truncation and byte flip,
// rejection of well-checksummed but impossible graphs, and FuzzReadFrom.

package hnsw

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"github.com/ganada/ganada/errs"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ganada/ganada/index"
)

func smallIndex(t testing.TB, n int) *Index {
	t.Helper()
	d := newDataset(n, 8, 1, 11)
	h, err := New(8, index.Cosine, WithM(4), WithEfConstruction(16))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range d.base {
		if err := h.Add(ctx, d.ids[i], v); err != nil {
			t.Fatal(err)
		}
	}
	if n > 3 {
		if err := h.Delete(ctx, d.ids[1]); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func TestRoundTrip(t *testing.T) {
	d := newDataset(scaled(3000), 32, 50, 12)
	h := buildHNSW(t, d, index.L2, WithM(8), WithEfSearch(40))
	for i := 0; i < 100; i++ {
		h.Delete(ctx, d.ids[i*5])
	}
	var buf bytes.Buffer
	n, err := h.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, buf.Len())
	}
	trailer := []byte("collection data after the index")
	buf.Write(trailer)
	var g Index // the zero value is a ReadFrom target
	r := bytes.NewReader(buf.Bytes())
	m, err := g.ReadFrom(r)
	if err != nil || m != n {
		t.Fatalf("ReadFrom = %d, %v; want %d", m, err, n)
	}
	rest, _ := io.ReadAll(r)
	if !bytes.Equal(rest, trailer) {
		t.Fatalf("ReadFrom consumed past the index: left %q", rest)
	}
	if g.Dim() != 32 || g.Metric() != index.L2 || g.M() != 8 || g.Len() != h.Len() || g.Tombstones() != h.Tombstones() {
		t.Fatalf("loaded config differs: dim %d metric %v M %d len %d", g.Dim(), g.Metric(), g.M(), g.Len())
	}
	checkGraph(t, &g)
	for _, q := range d.queries {
		a, _ := h.Search(ctx, q, 10)
		b, _ := g.Search(ctx, q, 10)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("results differ after round trip:\n%v\n%v", a, b)
		}
	}
	// Read is ReadFrom into a new index.
	r2, err := Read(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil || r2.Len() != h.Len() {
		t.Fatalf("Read: %v", err)
	}
	// Save/Load through a file, and keep working after loading.
	path := filepath.Join(t.TempDir(), "idx.hnsw")
	if err := g.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Add(ctx, 1<<50, d.queries[0]); err != nil {
		t.Fatal(err)
	}
	if rs, _ := l.Search(ctx, d.queries[0], 1); rs[0].ID != 1<<50 {
		t.Fatalf("loaded index: added vector not found: %v", rs)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("Save left temporary files: %v", entries)
	}
	// A file with bytes after the end marker is not one Save wrote, though
	// ReadFrom on a stream stops at the marker (above).
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range []string{"\x00", "trailer"} {
		if err := os.WriteFile(path, append(append([]byte(nil), saved...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(ctx, path); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("Load with %q appended: %v, want errs.ErrCorrupt", extra, err)
		}
	}
	if _, err := Load(ctx, filepath.Join(t.TempDir(), "missing")); err == nil || errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("Load(ctx, missing) = %v, want a not-exist error", err)
	}
}

func TestReadFromRejectsDamage(t *testing.T) {
	h := smallIndex(t, 40)
	var buf bytes.Buffer
	if _, err := h.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for cut := 0; cut < len(good); cut++ {
		var g Index
		if _, err := g.ReadFrom(bytes.NewReader(good[:cut])); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("truncated at %d/%d: %v, want errs.ErrCorrupt", cut, len(good), err)
		}
	}
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x40
		var g Index
		if _, err := g.ReadFrom(bytes.NewReader(bad)); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("byte %d flipped: %v, want errs.ErrCorrupt", i, err)
		}
	}
	// A failed ReadFrom leaves the receiver as it was.
	before := h.Len()
	if _, err := h.ReadFrom(bytes.NewReader(good[:len(good)/2])); err == nil {
		t.Fatal("ReadFrom accepted half a file")
	}
	if h.Len() != before {
		t.Fatal("failed ReadFrom changed the index")
	}
}

// section is one parsed section of a serialised index.
type section struct {
	tag     string
	payload []byte
}

func parseSections(t *testing.T, b []byte) (head []byte, secs []section) {
	t.Helper()
	head, b = b[:12], b[12:]
	for len(b) > 0 {
		n := binary.LittleEndian.Uint64(b[4:])
		secs = append(secs, section{string(b[:4]), append([]byte(nil), b[12:12+n]...)})
		b = b[12+n+4:]
	}
	return head, secs
}

func joinSections(head []byte, secs []section) []byte {
	out := append([]byte(nil), head...)
	tab := crc32.MakeTable(crc32.Castagnoli)
	for _, s := range secs {
		var h [12]byte
		copy(h[:], s.tag)
		binary.LittleEndian.PutUint64(h[4:], uint64(len(s.payload)))
		out = append(out, h[:]...)
		out = append(out, s.payload...)
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(s.payload, tab))
	}
	return out
}

// TestReadFromRejectsImpossibleGraphs forges files whose checksums are right
// but whose contents would make a search index out of range.
func TestReadFromRejectsImpossibleGraphs(t *testing.T) {
	h := smallIndex(t, 60)
	var buf bytes.Buffer
	h.WriteTo(&buf)
	head, secs := parseSections(t, buf.Bytes())
	find := func(ss []section, tag string) *section {
		for i := range ss {
			if ss[i].tag == tag {
				return &ss[i]
			}
		}
		t.Fatalf("no section %s", tag)
		return nil
	}
	if _, err := new(Index).ReadFrom(bytes.NewReader(joinSections(head, secs))); err != nil {
		t.Fatalf("re-joined file rejected: %v", err)
	}
	clone := func() []section {
		out := make([]section, len(secs))
		for i, s := range secs {
			out[i] = section{s.tag, append([]byte(nil), s.payload...)}
		}
		return out
	}
	forgeries := map[string]func(ss []section){
		"link out of range": func(ss []section) {
			p := find(ss, "LNK0").payload
			binary.LittleEndian.PutUint32(p[4:], 1000)
		},
		"link count too big": func(ss []section) {
			binary.LittleEndian.PutUint32(find(ss, "LNK0").payload, 99)
		},
		"level too high": func(ss []section) { find(ss, "LEVL").payload[0] = 200 },
		"duplicate id": func(ss []section) {
			p := find(ss, "LABL").payload
			copy(p[8*5:8*6], p[8*4:8*5])
		},
		"bad flag":       func(ss []section) { find(ss, "FLAG").payload[3] = 7 },
		"NaN component":  func(ss []section) { binary.LittleEndian.PutUint32(find(ss, "VECS").payload[8:], 0x7fc00000) },
		"bad metric":     func(ss []section) { find(ss, "CONF").payload[4] = 9 },
		"huge n":         func(ss []section) { binary.LittleEndian.PutUint64(find(ss, "CONF").payload[32:], 1<<31) },
		"entry beyond n": func(ss []section) { binary.LittleEndian.PutUint64(find(ss, "CONF").payload[40:], 5000) },
		"upper link to low node": func(ss []section) {
			levels := find(ss, "LEVL").payload
			low, high := -1, -1
			for i, l := range levels {
				if l == 0 && low < 0 {
					low = i
				}
				if l > 0 && high < 0 {
					high = i
				}
			}
			if low < 0 || high < 0 {
				t.Skip("no upper-layer node in the small index")
			}
			p := find(ss, "LNKU").payload // first upper list belongs to the first high node
			binary.LittleEndian.PutUint32(p, 1)
			binary.LittleEndian.PutUint32(p[4:], uint32(low))
		},
	}
	for name, forge := range forgeries {
		t.Run(name, func(t *testing.T) {
			ss := clone()
			forge(ss)
			var g Index
			if _, err := g.ReadFrom(bytes.NewReader(joinSections(head, ss))); !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("forged file: %v, want errs.ErrCorrupt", err)
			}
		})
	}
}

func FuzzReadFrom(f *testing.F) {
	for _, n := range []int{0, 1, 2, 30} {
		h := smallIndex(f, n)
		var buf bytes.Buffer
		h.WriteTo(&buf)
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()/2])
	}
	// Quantised indexes (QUNT with and without Int8 ranges).
	for _, opts := range [][]Option{
		{WithQuantization(index.Int8), WithCalibration(5), WithRescore(3)},
		{WithQuantization(index.Int8)},
		{WithQuantization(index.Binary)},
		{WithFunnel(3), WithRescore(2)},
	} {
		h := smallIndex(f, 12)
		if err := h.Reconfigure(opts...); err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		h.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var g Index
		_, err := g.ReadFrom(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error %v does not wrap errs.ErrCorrupt", err)
			}
			return
		}
		// Whatever loads must be searchable without panicking.
		q := make([]float32, g.Dim())
		for i := range q {
			q[i] = float32(i%3) - 0.5
		}
		if _, err := g.Search(ctx, q, 3); err != nil && !errors.Is(err, errs.ErrInvalidVector) {
			t.Fatal(err)
		}
	})
}

// TestSaveLoadCancelled: Save, Load and Read stop with a done context's
// error, and a cancelled Save leaves the file as it was.
func TestSaveLoadCancelled(t *testing.T) {
	h, err := New(2, index.L2)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Add(ctx, 1, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "g.hnsw")
	if err := h.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if err := h.Add(ctx, 2, []float32{3, 4}); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.Save(done, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("Save: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("a cancelled Save changed the file")
	}
	if _, err := Load(done, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load: %v", err)
	}
	if _, err := Read(done, bytes.NewReader(before)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read: %v", err)
	}
}
