// This file tests saving and loading: round trips that preserve documents,
// metadata and query results, byte-for-byte determinism, encoder identity
// checks, and detection of every corruption and truncation.

package ganada_test

import (
	"bytes"
	"errors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/hnsw"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
)

func saveTemp(t testing.TB, c *ganada.Collection) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "col.ganada")
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(16)
			qd, err := embed.WithPrompts(enc, "q: ", "d: ")
			if err != nil {
				t.Fatal(err)
			}
			c := newCol(t, qd, withIndex(kind, hnsw.WithM(8)))
			docs := corpus(300, 11)
			docs[5].Metadata = nil
			docs[6].Text = "" // an empty text is a document too (its vector comes from the prompt)
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			// Replacements and deletes leave tombstones in HNSW.
			if err := c.Add(ctx, ganada.Document{ID: docs[1].ID, Text: "replaced alpha", Metadata: map[string]string{"new": "1"}}); err != nil {
				t.Fatal(err)
			}
			if err := c.Delete(ctx, docs[2].ID, docs[3].ID); err != nil {
				t.Fatal(err)
			}
			path := saveTemp(t, c)
			if _, err := ganada.Load(ctx, path, enc); !errors.Is(err, errs.ErrEncoderMismatch) || !strings.Contains(err.Error(), `query prompt "q: "`) {
				t.Fatalf("loaded without the prompts: %v, want errs.ErrEncoderMismatch naming the query prompt", err)
			}
			l, err := ganada.Load(ctx, path, qd)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(snapshot(t, l), snapshot(t, c)) {
				t.Fatal("documents differ after a round trip")
			}
			if l.Index() != kind || l.Identity() != c.Identity() || l.Len() != len(docs)-2 {
				t.Fatal("kind, identity or Len differ after a round trip")
			}
			for _, q := range []string{"alpha", "plum", "replaced alpha"} {
				for _, opts := range [][]ganada.QueryOption{nil, {ganada.WithFilter(ganada.Where("lang", "ko"))}, {ganada.WithExactSearch()}} {
					a, err1 := c.Query(ctx, q, 10, opts...)
					b, err2 := l.Query(ctx, q, 10, opts...)
					if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
						t.Fatalf("query %q: results differ after a round trip (%v, %v)", q, err1, err2)
					}
				}
			}
			// The loaded collection's encoder prefixes queries.
			n := len(enc.encodedTexts())
			if _, err := l.Query(ctx, "x", 1); err != nil {
				t.Fatal(err)
			}
			if got := enc.encodedTexts()[n]; got != "q: x" {
				t.Fatalf("loaded collection encoded %q", got)
			}
			// Saving the loaded collection reproduces the file exactly.
			a, _ := os.ReadFile(path)
			var buf bytes.Buffer
			if _, err := l.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, buf.Bytes()) {
				t.Fatal("save → load → save is not byte-identical")
			}
			// The loaded collection accepts writes and new ids do not collide.
			if err := l.Add(ctx, ganada.Document{ID: "fresh", Text: "omega omega"}); err != nil {
				t.Fatal(err)
			}
			if hits, _ := l.Query(ctx, "omega omega", 1); hits[0].ID != "fresh" {
				t.Fatalf("new document after load: %+v", hits[0])
			}
			if l.Len() != len(docs)-1 {
				t.Fatalf("Len = %d", l.Len())
			}
		})
	}
}

func TestSaveEmpty(t *testing.T) {
	for _, kind := range kinds() {
		enc := newHashEncoder(4)
		c := newCol(t, enc, withIndex(kind))
		l, err := ganada.Load(ctx, saveTemp(t, c), enc)
		if err != nil || l.Len() != 0 {
			t.Fatalf("%v: empty round trip: %v", kind, err)
		}
		if err := l.Add(ctx, ganada.Document{ID: "a", Text: "alpha"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteToReadCounts(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(40, 12)...); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := c.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, buf.Len())
	}
	// Read consumes exactly the collection: bytes after it stay unread.
	buf.WriteString("TRAILER")
	l, err := ganada.Read(ctx, &buf, enc)
	if err != nil || l.Len() != 40 {
		t.Fatalf("Read: %v", err)
	}
	if buf.String() != "TRAILER" {
		t.Fatalf("Read left %q", buf.String())
	}
}

func TestLoadEncoderMismatch(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(10, 13)...); err != nil {
		t.Fatal(err)
	}
	path := saveTemp(t, c)
	other := newHashEncoder(8)
	other.name = "other-model"
	wide := newHashEncoder(12)
	cases := []struct {
		name string
		enc  interface {
			Dim() int
		}
		mention []string
	}{
		{"model", other, []string{`model "hash"`, `"other-model"`}},
		{"dimension", wide, []string{"dimension 8", "12"}},
		{"no identity", plainEncoder{newHashEncoder(8)}, []string{`"ganada_test.plainEncoder"`}},
	}
	for _, tc := range cases {
		var err error
		switch e := tc.enc.(type) {
		case *hashEncoder:
			_, err = ganada.Load(ctx, path, e)
		case plainEncoder:
			_, err = ganada.Load(ctx, path, e)
		}
		if !errors.Is(err, errs.ErrEncoderMismatch) {
			t.Fatalf("%s: err = %v, want ErrEncoderMismatch", tc.name, err)
		}
		for _, m := range tc.mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not mention %s", tc.name, err, m)
			}
		}
	}
	// An encoder without Identity is recorded by type name and dimension.
	p := plainEncoder{newHashEncoder(8)}
	pc, err := ganada.NewCollection(p)
	if err != nil {
		t.Fatal(err)
	}
	if id := pc.Identity(); id.Model != "ganada_test.plainEncoder" || id.Dim != 8 || id.Revision != "" {
		t.Fatalf("identity of an encoder without Identity: %+v", id)
	}
	if _, err := ganada.Load(ctx, saveTemp(t, pc), plainEncoder{newHashEncoder(8)}); err != nil {
		t.Fatalf("same type and dim must load: %v", err)
	}
}

func TestLoadOptions(t *testing.T) {
	enc := newHashEncoder(8)
	path := saveTemp(t, newCol(t, enc))
	for _, o := range []ganada.Option{ganada.WithFlat(), ganada.WithMetric(index.Dot), ganada.WithHNSW(hnsw.WithM(4)),
		ganada.WithHNSW(hnsw.WithEfConstruction(10)), ganada.WithHNSW(hnsw.WithSeed(3)), ganada.WithHNSW(hnsw.WithCapacity(9))} {
		if _, err := ganada.Load(ctx, path, enc, o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("Load with a fixed option: %v", err)
		}
	}
	if _, err := ganada.Load(ctx, path, enc, ganada.WithBatchSize(3), ganada.WithHNSW(hnsw.WithEfSearch(100)), ganada.WithProgress(nil)); err != nil {
		t.Fatal(err)
	}
	// The index settings pass through: WithEfSearch given to NewCollection
	// is saved by the index, and Load's overrides it.
	c := newCol(t, enc, ganada.WithHNSW(hnsw.WithEfSearch(21)))
	path = saveTemp(t, c)
	if l, err := ganada.Load(ctx, path, enc); err != nil || ganada.IndexEfSearch(l) != 21 {
		t.Fatalf("Load: efSearch %d, %v; want the saved 21", ganada.IndexEfSearch(l), err)
	}
	if l, err := ganada.Load(ctx, path, enc, ganada.WithHNSW(hnsw.WithEfSearch(99))); err != nil || ganada.IndexEfSearch(l) != 99 {
		t.Fatalf("Load WithEfSearch(99): efSearch %d, %v", ganada.IndexEfSearch(l), err)
	}
	if _, err := ganada.Load(ctx, path, nil); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("nil encoder: %v", err)
	}
	if _, err := ganada.Load(ctx, filepath.Join(t.TempDir(), "missing"), enc); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestLoadDetectsCorruption flips every byte of a small file in turn, and
// truncates it at every length: each must fail with ErrCorrupt, never panic
// or load.
func TestLoadDetectsCorruption(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(4)
			c := newCol(t, enc, withIndex(kind, hnsw.WithM(2)))
			if err := c.Add(ctx, corpus(6, 14)...); err != nil {
				t.Fatal(err)
			}
			if err := c.Delete(ctx, "doc-0001"); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := c.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			good := buf.Bytes()
			load := func(b []byte) error {
				_, err := ganada.Read(ctx, bytes.NewReader(b), enc)
				return err
			}
			if err := load(good); err != nil {
				t.Fatal(err)
			}
			for i := range good {
				for _, flip := range []byte{0x01, 0x80, 0xff} {
					b := bytes.Clone(good)
					b[i] ^= flip
					err := load(b)
					if i >= 8 && i < 12 && errors.Is(err, errs.ErrUnsupported) {
						continue // the format version
					}
					if !errors.Is(err, errs.ErrCorrupt) {
						t.Fatalf("byte %d ^ %#x: err = %v, want ErrCorrupt", i, flip, err)
					}
				}
			}
			for n := 0; n < len(good); n++ {
				if err := load(good[:n]); !errors.Is(err, errs.ErrCorrupt) {
					t.Fatalf("truncated to %d of %d bytes: err = %v, want ErrCorrupt", n, len(good), err)
				}
			}
			path := filepath.Join(t.TempDir(), "c")
			if err := os.WriteFile(path, append(bytes.Clone(good), 0), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := ganada.Load(ctx, path, enc); !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("trailing byte: %v", err)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	// A multi-output encoder, so that files with sparse weights and
	// ColBERT vectors load too.
	enc := newMultiHash(4)
	for _, kind := range kinds() {
		for _, lex := range []ganada.Option{nil, ganada.WithLexical(), ganada.WithSparse(), ganada.WithColBERT()} {
			c, err := ganada.NewCollection(enc, withIndex(kind, hnsw.WithM(2)), lex, ganada.WithSparse())
			if err != nil {
				f.Fatal(err)
			}
			if err := c.Add(ctx, corpus(5, 15)...); err != nil {
				f.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := c.WriteTo(&buf); err != nil {
				f.Fatal(err)
			}
			f.Add(buf.Bytes())
		}
	}
	f.Add([]byte("GANADACL"))
	// Version 1 files (encoder dimension 8).
	for _, name := range []string{"testdata/v1-hnsw.gcol", "testdata/v1-flat.gcol", "testdata/v3-hnsw.gcol", "testdata/v3-flat.gcol", "testdata/v4-hnsw.gcol", "testdata/v4-flat.gcol"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	enc8 := newMultiHash(8)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ganada.Read(ctx, bytes.NewReader(b), enc)
		if errors.Is(err, errs.ErrEncoderMismatch) {
			c, err = ganada.Read(ctx, bytes.NewReader(b), enc8)
		}
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrEncoderMismatch) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("error wraps none of ErrCorrupt, ErrEncoderMismatch, ErrUnsupported: %v", err)
			}
			return
		}
		// Whatever loaded must be usable and self-consistent.
		for _, id := range c.IDs() {
			if _, ok := c.Get(id); !ok {
				t.Fatalf("IDs lists %q, Get misses it", id)
			}
		}
		hits, err := c.Query(ctx, "alpha", 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != min(3, c.Len()) {
			t.Fatalf("%d hits from %d documents", len(hits), c.Len())
		}
		if c.Lexical() {
			if _, err := c.Query(ctx, "alpha", 3, ganada.WithHybrid(ganada.RRF(60))); err != nil {
				t.Fatal(err)
			}
		}
		if c.Sparse() {
			if _, err := c.Query(ctx, "alpha", 3, ganada.WithSparseOnly()); err != nil {
				t.Fatal(err)
			}
		}
		if c.ColBERT() {
			if _, err := c.Query(ctx, "alpha", 3, ganada.WithM3(embed.MultiWeights{Dense: 1, ColBERT: 1})); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Add(ctx, ganada.Document{ID: "new", Text: "beta"}); err != nil {
			t.Fatal(err)
		}
	})
}

// failWriter accepts n bytes, then fails with errInjected.
type failWriter struct{ n int }

var errInjected = errors.New("injected write failure")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errInjected
	}
	w.n -= len(p)
	return len(p), nil
}

func TestSaveErrors(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(40, 16)...); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, err error, path string, cause error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if want := "ganada: save " + path + ": "; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "index: save") {
			t.Errorf("error %q, want it to start %q and not repeat the save", err, want)
		}
		if cause != nil && !errors.Is(err, cause) {
			t.Errorf("error %q does not wrap %v", err, cause)
		}
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "col.ganada")
	check(t, c.Save(ctx, missing), missing, fs.ErrNotExist)

	// A directory in the way: the rename fails, and the temporary file goes.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	check(t, c.Save(ctx, blocked), blocked, nil)
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("a failed Save left %d entries in the directory, want only the blocking one", len(ents))
	}

	// WriteTo passes on its writer's error.
	for _, n := range []int{0, 10, 200, 2000} {
		_, err := c.WriteTo(&failWriter{n: n})
		if !errors.Is(err, errInjected) || !strings.HasPrefix(err.Error(), "ganada: write: ") {
			t.Errorf("WriteTo failing after %d bytes: %v", n, err)
		}
	}
}

// TestSaveKeepsPermissions: Save rewrites a file as the indexes' Save
// does, keeping the permission bits of the file it replaces.
func TestSaveKeepsPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits")
	}
	c := newCol(t, newHashEncoder(4))
	path := saveTemp(t, c)
	for _, mode := range []os.FileMode{0o640, 0o604} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := c.Save(ctx, path); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != mode {
			t.Fatalf("after Save over a %v file: %v, %v", mode, st.Mode(), err)
		}
	}
}
