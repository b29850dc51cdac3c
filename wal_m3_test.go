// This file tests the log of a collection that stores the encoder's
// lexical weights and ColBERT vectors (WithSparse, WithColBERT): the log
// carries them, so replay encodes nothing; a log written without them is
// completed by encoding when Load adds the stores; SetMetadata is logged.

package ganada_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/errs"
)

// m3Hits returns the IDs and scores of sparse-only and M3 queries.
func m3Hits(t *testing.T, c *ganada.Collection) string {
	t.Helper()
	var out string
	for _, q := range []string{"alpha beta", "call 3 w7", "doc gamma"} {
		for _, o := range []ganada.QueryOption{ganada.WithSparseOnly(), ganada.WithMaxSim(20)} {
			hits, err := c.Query(ctx, q, 5, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				out += fmt.Sprintf("%s %.6f %v; ", h.ID, h.Score, h.Metadata)
			}
		}
	}
	return out
}

func TestOpenFileM3(t *testing.T) {
	enc := newMultiHash(8)
	path := filepath.Join(t.TempDir(), "m3.ganada")
	opts := []ganada.Option{ganada.WithFlat(), ganada.WithSparse(), ganada.WithColBERT(), ganada.WithAutoCompact(0, 0)}
	c, err := ganada.OpenFile(ctx, path, enc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range walScript(6, 40) {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	id := c.IDs()[0]
	if err := c.SetMetadata(ctx, id, map[string]string{"set": "yes"}); err != nil {
		t.Fatal(err)
	}
	want, wantHits := colState(t, c), m3Hits(t, c)
	c.Close()
	calls := enc.multi
	r, err := ganada.OpenFile(ctx, path, enc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if enc.multi != calls {
		t.Fatalf("replay encoded %d times: the log should carry the outputs", enc.multi-calls)
	}
	if !reflect.DeepEqual(colState(t, r), want) || m3Hits(t, r) != wantHits {
		t.Fatal("the replayed collection differs (documents, metadata, lexical weights or ColBERT vectors)")
	}
	if d, _ := r.Get(id); d.Metadata["set"] != "yes" {
		t.Fatalf("SetMetadata was not logged: %v", d.Metadata)
	}
	r.Close()

	// A log without the outputs (a collection that stored none), loaded
	// with the stores added: replay encodes what the records lack.
	plain := filepath.Join(t.TempDir(), "plain.ganada")
	p, err := ganada.OpenFile(ctx, plain, enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range walScript(6, 40) {
		if err := op.apply(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SetMetadata(ctx, id, map[string]string{"set": "yes"}); err != nil {
		t.Fatal(err)
	}
	p.Close()
	l, err := ganada.Load(ctx, plain, enc, ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(colState(t, l), want) || m3Hits(t, l) != wantHits {
		t.Fatal("a log without outputs, loaded WithSparse and WithColBERT, differs")
	}
}

// TestLogM3BadOutputs feeds a collection storing lexical weights and
// ColBERT vectors records whose outputs are wrong.
func TestLogM3BadOutputs(t *testing.T) {
	enc := newMultiHash(8)
	path := filepath.Join(t.TempDir(), "m3.ganada")
	c, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	head, err := ganada.LogHeader(path, enc)
	if err != nil {
		t.Fatal(err)
	}
	f32 := func(x float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(x)) }
	row := bytes.Repeat(f32(0.5), 4) // one ColBERT vector, 4 wide
	for name, out := range map[string][]byte{
		"unknown flag":         {4},
		"NaN weight":           cat([]byte{3, 1, 7}, f32(float32(math.NaN())), []byte{1}, row),
		"repeated token id":    cat([]byte{3, 2, 7}, f32(1), []byte{7}, f32(1), []byte{1}, row),
		"short ColBERT rows":   cat([]byte{3, 0, 2}, row),
		"NaN ColBERT vector":   cat([]byte{3, 0, 1}, bytes.Repeat(f32(float32(math.NaN())), 4)),
		"trailing bytes":       cat([]byte{3, 0, 1}, row, []byte{9}),
		"weights past the end": {3, 200},
	} {
		body := ganada.LogCallFull(1, []ganada.Document{{ID: "x", Text: "alpha"}}, []uint64{0}, [][]float32{{1, 2, 3, 4, 5, 6, 7, 8}}, [][]byte{out}, nil, nil, nil)
		if err := os.WriteFile(path+".log", append(bytes.Clone(head), body...), 0o666); err != nil {
			t.Fatal(err)
		}
		if _, err := ganada.Load(ctx, path, enc); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "encoder outputs") {
			t.Errorf("%s: %v, want errs.ErrCorrupt about the encoder outputs", name, err)
		}
	}
}

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
