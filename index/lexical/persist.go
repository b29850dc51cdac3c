// This file holds the lexical index's serialisation: WriteTo, ReadFrom,
// Save, Read and Load over the sectioned, checksummed container of
// internal/persist.
//
//	file = "GNDXLEXI" version=1
//	CONF: analyzer name (string), k1, b (float64 bits, uint64), terms, documents (uvarints)
//	TERM: the terms (strings), each held by at least one document
//	DOCS: per document: id (uint64), distinct terms (uvarint), then per
//	      term: term index (uvarint, increasing), count (uvarint ≥ 1)
//
// A document's length is the sum of its counts. Postings and statistics
// are rebuilt on reading.

package lexical

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/core"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic   = "GNDXLEXI"
	version = 1
)

// WriteTo writes the index to w in ganada's lexical-index format and
// returns the number of bytes written. Writers wait while it runs.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	// Number the terms live documents hold, in term order.
	order := make([]uint32, 0, len(x.terms))
	for t := range x.terms {
		if x.df[t] > 0 {
			order = append(order, uint32(t))
		}
	}
	sort.Slice(order, func(i, j int) bool { return x.terms[order[i]] < x.terms[order[j]] })
	renum := make([]uint32, len(x.terms))
	for i, t := range order {
		renum[t] = uint32(i)
	}
	var conf []byte
	conf = persist.AppendString(conf, x.an.Name())
	conf = persist.AppendUint64(conf, math.Float64bits(x.k1))
	conf = persist.AppendUint64(conf, math.Float64bits(x.b))
	conf = persist.AppendUvarint(conf, uint64(len(order)))
	conf = persist.AppendUvarint(conf, uint64(len(x.pos)))
	var terms []byte
	for _, t := range order {
		terms = persist.AppendString(terms, x.terms[t])
	}
	var docs []byte
	var ent []termTF
	for s, id := range x.ids {
		if x.lens[s] == dead {
			continue
		}
		ent = append(ent[:0], x.fwd[s]...)
		for i := range ent {
			ent[i].term = renum[ent[i].term]
		}
		sort.Slice(ent, func(i, j int) bool { return ent[i].term < ent[j].term })
		docs = persist.AppendUint64(docs, id)
		docs = persist.AppendUvarint(docs, uint64(len(ent)))
		for _, e := range ent {
			docs = persist.AppendUvarint(docs, uint64(e.term))
			docs = persist.AppendUvarint(docs, uint64(e.tf))
		}
	}
	pw := persist.NewWriter(w)
	pw.Header(magic, version)
	for _, sec := range []struct {
		tag string
		b   []byte
	}{{"CONF", conf}, {"TERM", terms}, {"DOCS", docs}} {
		pw.Begin(sec.tag, uint64(len(sec.b)))
		pw.Bytes(sec.b)
		pw.End()
	}
	return pw.Finish()
}

// maxSection bounds the length a section may declare; the reader's
// allocations grow with the bytes actually read, so a short file cannot
// make it allocate this much.
const maxSection = 1 << 40

// ReadFrom replaces the index with one written by WriteTo, adopting its k1
// and b, and returns the number of bytes read. It reads no byte past the
// end of the index. The file's analyzer name must equal the index's
// (errs.ErrEncoderMismatch otherwise: its terms would not match this
// analyzer's queries). Malformed input yields an error wrapping
// errs.ErrCorrupt and leaves the index unchanged.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	if v := pr.Header(magic); pr.Err() == nil && v != version {
		return pr.N(), fmt.Errorf("lexical: read: version %d: %w", v, errs.ErrUnsupported)
	}
	read := func(tag string) []byte {
		n := pr.Begin(tag, 0, maxSection)
		b := pr.Bytes(int(n))
		pr.End()
		return b
	}
	confB := read("CONF")
	termB := read("TERM")
	docB := read("DOCS")
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("lexical: read: %w", err)
	}
	n := pr.N()
	d := persist.NewDecoder("CONF", confB)
	name := d.String("analyzer")
	k1 := math.Float64frombits(d.Uint64("k1"))
	b := math.Float64frombits(d.Uint64("b"))
	nTerms := d.Count("terms", uint64(len(termB)))
	nDocs := d.Count("documents", uint64(len(docB)/9))
	if err := d.End(); err != nil {
		return n, fmt.Errorf("lexical: read: %w", err)
	}
	if err := WithK1(k1)(&config{}); err != nil {
		return n, fmt.Errorf("lexical: read: CONF: k1 %v: %w", k1, errs.ErrCorrupt)
	}
	if err := WithB(b)(&config{}); err != nil {
		return n, fmt.Errorf("lexical: read: CONF: b %v: %w", b, errs.ErrCorrupt)
	}
	if name != x.an.Name() {
		return n, fmt.Errorf("lexical: read: analyzer %q in the file, %q in the index: %w", name, x.an.Name(), errs.ErrEncoderMismatch)
	}
	y := &Index{an: x.an, k1: k1, b: b}
	y.reset()
	d = persist.NewDecoder("TERM", termB)
	y.terms = make([]string, 0, nTerms)
	for i := 0; i < nTerms && d.Err() == nil; i++ {
		t := d.String("term")
		if i > 0 && t <= y.terms[i-1] {
			d.Fail("term %d %q not after %q", i, t, y.terms[i-1])
		}
		y.terms = append(y.terms, t)
		y.termID[t] = uint32(i)
	}
	if err := d.End(); err != nil {
		return n, fmt.Errorf("lexical: read: %w", err)
	}
	y.post = make([][]posting, nTerms)
	y.df = make([]uint32, nTerms)
	d = persist.NewDecoder("DOCS", docB)
	for s := 0; s < nDocs && d.Err() == nil; s++ {
		id := d.Uint64("id")
		if _, dup := y.pos[id]; dup && d.Err() == nil {
			d.Fail("id %d appears twice", id)
		}
		m := d.Count("distinct terms", uint64(d.Remaining()/2))
		fwd := make([]termTF, 0, m)
		var length uint64
		for i := 0; i < m && d.Err() == nil; i++ {
			t := d.Count("term", uint64(nTerms))
			tf := d.Count("count", math.MaxUint32)
			switch {
			case d.Err() != nil:
			case t >= nTerms:
				d.Fail("document %d: term %d of %d", id, t, nTerms)
			case i > 0 && uint32(t) <= fwd[i-1].term:
				d.Fail("document %d: terms out of order", id)
			case tf == 0:
				d.Fail("document %d: term %d counted 0 times", id, t)
			}
			length += uint64(tf)
			if d.Err() == nil {
				fwd = append(fwd, termTF{uint32(t), uint32(tf)})
			}
		}
		if length >= dead && d.Err() == nil {
			d.Fail("document %d: %d terms", id, length)
		}
		if d.Err() != nil {
			break
		}
		slot := uint32(s)
		for _, e := range fwd {
			y.post[e.term] = append(y.post[e.term], posting{slot, e.tf})
			y.df[e.term]++
		}
		y.ids = append(y.ids, id)
		y.lens = append(y.lens, uint32(length))
		y.fwd = append(y.fwd, fwd)
		y.pos[id] = slot
		if length > 0 {
			y.docs++
			y.sumLen += length
		}
	}
	if d.Err() == nil {
		for t, c := range y.df {
			if c == 0 {
				d.Fail("term %q held by no document", y.terms[t])
				break
			}
		}
	}
	if err := d.End(); err != nil {
		return n, fmt.Errorf("lexical: read: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.k1, x.b = y.k1, y.b
	x.termID, x.terms, x.post, x.df = y.termID, y.terms, y.post, y.df
	x.ids, x.lens, x.fwd, x.pos = y.ids, y.lens, y.fwd, y.pos
	x.docs, x.sumLen, x.nDead = y.docs, y.sumLen, 0
	return n, nil
}

// Save writes the index to path atomically (temporary file, fsync,
// rename), so that a crash leaves the previous file or the complete new
// one. Cancelling ctx stops the writing with ctx's error and leaves path as
// it was.
func (x *Index) Save(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return core.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := x.WriteTo(persist.ContextWriter(ctx, w))
		return err
	})
}

// Read reads an index written by WriteTo from r, consuming exactly its
// bytes, into a new index made with opts (whose analyzer must be the one
// the index was written with). Cancelling ctx stops the reading with ctx's
// error.
func Read(ctx context.Context, r io.Reader, opts ...Option) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x, err := New(opts...)
	if err != nil {
		return nil, err
	}
	if _, err := x.ReadFrom(persist.ContextReader(ctx, r)); err != nil {
		return nil, err
	}
	return x, nil
}

// Load reads an index saved with Save into a new index made with opts. The
// file must hold the index and nothing after it: a damaged or truncated
// file, or one with bytes after the index's end marker, yields an error
// wrapping errs.ErrCorrupt. Cancelling ctx stops the reading with ctx's
// error.
func Load(ctx context.Context, path string, opts ...Option) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x, err := New(opts...)
	if err != nil {
		return nil, err
	}
	err = core.ReadFile(path, func(r io.Reader) error {
		_, err := x.ReadFrom(persist.ContextReader(ctx, r))
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}
