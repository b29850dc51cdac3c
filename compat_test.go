// This file checks that collection files of format versions 1 to 4 still
// load with everything they held, and that saving them again writes
// version 5. testdata/v1-*.gcol were written by the code before the file
// format moved onto internal/persist and CONF stopped repeating the
// index's parameters; testdata/v2-*.gcol by the code before the
// Collection's own prompts became the encoder's (each is its v1 file
// loaded and saved again). The Collection had put its query and document
// prompts before the texts itself; now the encoder does, so these files
// load with embed.WithPrompts around the same encoder. testdata/v3-*.gcol
// were written by the code before the lexical index (version 4), each its
// v2 file loaded and saved again. testdata/v4-*.gcol were written by the
// code before the sparse weights and ColBERT vectors (version 5), each its
// v3 file loaded and saved again (v4-hnsw.gcol WithLexical, so it holds a
// lexical index); the program is in the comment of TestLoadVersions1To4.

package ganada_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
)

// v1Docs are the documents testdata/v1-*.gcol hold: five were added, "c"
// was deleted.
var v1Docs = []ganada.Document{
	{ID: "a", Text: "the cat sat on the mat", Metadata: map[string]string{"lang": "en", "src": "x"}},
	{ID: "b", Text: "a dog barked at the moon"},
	{ID: "d", Text: "café au lait", Metadata: map[string]string{"lang": "fr"}},
	{ID: "e", Text: "cats and dogs living together"},
}

// TestLoadVersions1To4 loads every older file. The v4 files were made at
// commit eb5053d by this test, run in that tree:
//
//	func TestGenV4(t *testing.T) {
//		for _, f := range []string{"hnsw", "flat"} {
//			h := newHashEncoder(8)
//			var enc embed.Encoder = h
//			opts := []ganada.Option{}
//			if f == "hnsw" {
//				enc, _ = embed.WithPrompts(h, "query: ", "passage: ")
//				opts = append(opts, ganada.WithLexical())
//			}
//			c, err := ganada.Load(ctx, "testdata/v3-"+f+".gcol", enc, opts...)
//			if err != nil {
//				t.Fatal(err)
//			}
//			if err := c.Save(ctx, "v4-"+f+".gcol"); err != nil {
//				t.Fatal(err)
//			}
//		}
//	}
func TestLoadVersions1To4(t *testing.T) {
	for _, tc := range []struct {
		file           string
		kind           ganada.IndexKind
		metric         index.Metric
		qPrompt, dPrmt string
		m, efC, ef     int
		seed           uint64
	}{
		{"testdata/v1-hnsw.gcol", ganada.HNSW, index.Dot, "query: ", "passage: ", 8, 50, 40, 7},
		{"testdata/v1-flat.gcol", ganada.Flat, index.L2, "", "", 0, 0, 0, 0},
		{"testdata/v2-hnsw.gcol", ganada.HNSW, index.Dot, "query: ", "passage: ", 8, 50, 40, 7},
		{"testdata/v2-flat.gcol", ganada.Flat, index.L2, "", "", 0, 0, 0, 0},
		{"testdata/v3-hnsw.gcol", ganada.HNSW, index.Dot, "query: ", "passage: ", 8, 50, 40, 7},
		{"testdata/v3-flat.gcol", ganada.Flat, index.L2, "", "", 0, 0, 0, 0},
		{"testdata/v4-hnsw.gcol", ganada.HNSW, index.Dot, "query: ", "passage: ", 8, 50, 40, 7},
		{"testdata/v4-flat.gcol", ganada.Flat, index.L2, "", "", 0, 0, 0, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h := newHashEncoder(8)
			var enc embed.Encoder = h
			if tc.qPrompt != "" {
				var err error
				if enc, err = embed.WithPrompts(h, tc.qPrompt, tc.dPrmt); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := ganada.Load(ctx, tc.file, h); tc.qPrompt != "" && !errors.Is(err, errs.ErrEncoderMismatch) {
				t.Fatalf("loaded without the prompts: %v, want errs.ErrEncoderMismatch", err)
			}
			check := func(c *ganada.Collection, extra int) {
				t.Helper()
				if c.Index() != tc.kind || c.Metric() != tc.metric {
					t.Fatalf("index %v metric %v", c.Index(), c.Metric())
				}
				if m, efC, ef, seed := ganada.IndexParams(c); m != tc.m || efC != tc.efC || ef != tc.ef || seed != tc.seed {
					t.Fatalf("HNSW parameters M %d efC %d ef %d seed %d", m, efC, ef, seed)
				}
				if c.Len() != len(v1Docs)+extra || ganada.IndexLen(c) != len(v1Docs)+extra || c.Contains("c") {
					t.Fatalf("Len %d, index %d, contains deleted c: %v", c.Len(), ganada.IndexLen(c), c.Contains("c"))
				}
				for _, d := range v1Docs {
					got, ok := c.Get(d.ID)
					if !ok || got.Text != d.Text || len(got.Metadata) != len(d.Metadata) || (len(d.Metadata) > 0 && !reflect.DeepEqual(got.Metadata, d.Metadata)) {
						t.Fatalf("Get(%q) = %+v, %v", d.ID, got, ok)
					}
					want, _ := h.Encode(ctx, []string{tc.dPrmt + d.Text})
					if v, ok := ganada.DocVector(c, d.ID); !ok || !reflect.DeepEqual(v, want[0]) {
						t.Fatalf("vector of %q: %v, want %v (document prompt %q)", d.ID, v, want[0], tc.dPrmt)
					}
				}
				hits, err := c.Query(ctx, "cat", 4, ganada.WithExactSearch())
				if err != nil || len(hits) != 4 {
					t.Fatalf("Query: %v %v", hits, err)
				}
				if last := h.texts[len(h.texts)-1]; last != tc.qPrompt+"cat" {
					t.Fatalf("query encoded as %q, want the query prompt %q", last, tc.qPrompt)
				}
				if lex := tc.file == "testdata/v4-hnsw.gcol"; c.Lexical() != lex {
					t.Fatalf("Lexical() = %v, want %v", c.Lexical(), lex)
				} else if lex {
					hits, err := c.Query(ctx, "cat", 4, ganada.WithLexicalOnly())
					if err != nil || len(hits) != 1+extra || hits[0].ID != "a" && hits[0].ID != "f" {
						t.Fatalf("lexical query: %+v %v", hits, err)
					}
				}
				if c.Sparse() || c.ColBERT() {
					t.Fatal("an old file loaded with sparse weights or ColBERT vectors")
				}
			}
			c, err := ganada.Load(ctx, tc.file, enc)
			if err != nil {
				t.Fatal(err)
			}
			check(c, 0)
			// The next index id survived: a new document gets a fresh one.
			if err := c.Add(ctx, ganada.Document{ID: "f", Text: "a new cat"}); err != nil {
				t.Fatal(err)
			}
			check(c, 1)
			// Saved again, it is version 5 and loads the same.
			path := saveTemp(t, c)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if v := binary.LittleEndian.Uint32(b[8:12]); v != 5 {
				t.Fatalf("saved as version %d", v)
			}
			// CONF holds only the kind, the metric, the next id (6), the
			// lexical flag and the outputs flags.
			if n := confLen(t, b); n != 5 {
				t.Fatalf("CONF of %d bytes in version 5", n)
			}
			c2, err := ganada.Load(ctx, path, enc)
			if err != nil {
				t.Fatal(err)
			}
			check(c2, 1)
		})
	}
}

// TestFormatVersions: a version this build does not know is
// errs.ErrUnsupported, version 0 (never written) errs.ErrCorrupt.
func TestFormatVersions(t *testing.T) {
	good, err := os.ReadFile("testdata/v1-flat.gcol")
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[uint32]error{0: errs.ErrCorrupt, 6: errs.ErrUnsupported, 1 << 31: errs.ErrUnsupported} {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[8:12], v)
		if _, err := ganada.Read(ctx, bytes.NewReader(b), newHashEncoder(8)); !errors.Is(err, want) {
			t.Errorf("version %d: %v, want %v", v, err, want)
		}
	}
	// A version-1 CONF read as version 2, or a version-1 IDEN read as
	// version 3 to 5, is corrupt, not misread.
	for _, v := range []uint32{2, 3, 4, 5} {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[8:12], v)
		if _, err := ganada.Read(ctx, bytes.NewReader(b), newHashEncoder(8)); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("version 1 file labelled %d: %v, want errs.ErrCorrupt", v, err)
		}
	}
}

// confLen returns the length of the CONF section of a collection file.
func confLen(t *testing.T, b []byte) uint64 {
	t.Helper()
	idenLen := binary.LittleEndian.Uint64(b[16:24])
	at := 12 + 12 + idenLen + 4
	if string(b[at:at+4]) != "CONF" {
		t.Fatalf("no CONF at %d", at)
	}
	return binary.LittleEndian.Uint64(b[at+4 : at+12])
}

// cancelAfter is a writer or reader that cancels its context once n bytes
// have gone through.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
	r      io.Reader
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n -= k; c.n <= 0 {
		c.cancel()
	}
	return k, err
}

// TestContextCancelsIO: Save, Load and Read take a context first; a
// cancelled one stops them with its error, and a cancelled Save leaves the
// previous file as it was.
func TestContextCancelsIO(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(50, 8)...); err != nil {
		t.Fatal(err)
	}
	path := saveTemp(t, c)
	before, _ := os.ReadFile(path)
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.Add(ctx, ganada.Document{ID: "late", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(done, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("Save: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("a cancelled Save changed the file")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("a cancelled Save left %d files", len(entries))
	}
	if _, err := ganada.Load(done, path, enc); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load: %v", err)
	}
	// Cancelled in the middle of the documents or of the index.
	for _, n := range []int{200, len(before) - 100} {
		mid, cancel := context.WithCancel(ctx)
		_, err := ganada.Read(mid, &cancelAfter{n: n, cancel: cancel, r: bytes.NewReader(before)}, enc)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Read cancelled after %d bytes: %v", n, err)
		}
	}
}
