// This file holds the flat index's serialisation: WriteTo, ReadFrom, Save
// and Load over the sectioned, checksummed container of index/internal/persist.

package flat

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/index/internal/core"
	"io"
	"unsafe"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic = "GNDXFLAT"
	// version 2 added the QUNT and CODE sections; ReadFrom still reads
	// version 1 (CONF, IDS., VECS).
	version = 2
)

// WriteTo writes the index to w in ganada's flat-index format (magic,
// version 2, then CONF, QUNT, IDS., VECS and CODE sections each with a
// CRC-32C) and returns the number of bytes written. VECS is empty when the
// index keeps no float32 vectors, CODE when it keeps them (the codes are
// then recomputed when read). Writers wait while it runs.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.ready(); err != nil {
		return 0, err
	}
	pw := persist.NewWriter(w)
	pw.Header(magic, version)
	n := len(x.ids)
	pw.Begin("CONF", 16)
	pw.Uint32(uint32(x.dim))
	pw.Uint32(uint32(x.metric))
	pw.Uint64(uint64(n))
	pw.End()
	core.WriteQuant(pw, x.qc, x.codes)
	pw.Begin("IDS.", uint64(8*n))
	pw.Uint64s(x.ids)
	pw.End()
	fl := x.floats()
	vecs := x.vecs
	if !fl {
		vecs = nil
	}
	pw.Begin("VECS", uint64(4*len(vecs)))
	pw.Float32s(vecs)
	pw.End()
	switch {
	case fl:
		pw.Begin("CODE", 0)
	case x.qc.Kind == index.Int8:
		pw.Begin("CODE", uint64(len(x.codes.I)))
		pw.Bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x.codes.I))), len(x.codes.I)))
	default:
		pw.Begin("CODE", uint64(8*len(x.codes.B)))
		pw.Uint64s(x.codes.B)
	}
	pw.End()
	return pw.Finish()
}

// ReadFrom replaces the index with one written by WriteTo, adopting its
// dimension and metric, and returns the number of bytes read. It reads no
// byte past the end of the index. Malformed input yields an error wrapping
// errs.ErrCorrupt and leaves the index unchanged.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	h := readHead(pr)
	v, dim, n, fl, codes := h.version, h.dim, h.n, h.floats, h.codes
	nf := n * dim
	if !fl {
		nf = 0
	}
	pr.Begin("VECS", uint64(4*nf), uint64(4*nf))
	vecs := pr.Float32s(nf)
	pr.End()
	if pr.Err() == nil {
		pr.Finite(vecs)
	}
	if v == version && pr.Err() == nil {
		readCodes(pr, codes, fl, n)
	}
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("flat: read: %w", err)
	}
	if codes != nil && fl && codes.Ready() {
		codes.Resize(n)
		for i := 0; i < n; i++ {
			codes.Encode(i, vecs[i*dim:(i+1)*dim])
		}
	}
	if codes != nil && !codes.Ready() && n > 0 && n >= h.qc.Calibration() {
		// Saved before its calibration count was reached (the count lowered
		// since): calibrate now rather than at the next Add.
		codes.Calibrate(n, func(i int) []float32 { return vecs[i*dim : (i+1)*dim] })
		if h.qc.Rescore == 0 {
			vecs = nil
		}
	}
	if codes == nil || !codes.Ready() || h.qc.Rescore > 0 {
		if vecs == nil {
			vecs = []float32{}
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.release()
	x.dim, x.metric, x.ids, x.vecs, x.pos, x.qc, x.codes = dim, h.metric, h.ids, vecs, h.pos, h.qc, codes
	return pr.N(), nil
}

// head is what precedes the VECS section of a file: the header, CONF,
// QUNT and IDS.
type head struct {
	version uint32
	dim, n  int
	metric  index.Metric
	qc      core.QuantConfig
	codes   *core.Codes
	floats  bool // VECS holds the rows (see Index.floats)
	ids     []uint64
	pos     map[uint64]int
}

// readHead reads a file up to its VECS section, failing pr on bad input.
func readHead(pr *persist.Reader) head {
	var h head
	v := pr.Header(magic)
	if pr.Err() == nil && v != 1 && v != version {
		pr.Fail("unsupported flat index version %d", v)
	}
	h.version = v
	pr.Begin("CONF", 16, 16)
	dim := int(pr.Uint32())
	metric := index.Metric(pr.Uint32())
	n64 := pr.Uint64()
	pr.End()
	if pr.Err() == nil {
		if core.CheckDim(dim) != nil || !metric.Valid() || n64 > index.MaxComponents/uint64(dim) {
			pr.Fail("bad flat header: dim %d, metric %d, n %d", dim, metric, n64)
		}
	}
	n := int(n64)
	h.dim, h.metric, h.n = dim, metric, n
	if v == version && pr.Err() == nil {
		h.qc, h.codes = core.ReadQuant(pr, dim, metric)
	}
	h.floats = h.codes == nil || !h.codes.Ready() || h.qc.Rescore > 0
	pr.Begin("IDS.", uint64(8*n), uint64(8*n))
	h.ids = pr.Uint64s(n)
	pr.End()
	h.pos = make(map[uint64]int, min(n, 1<<16))
	if pr.Err() == nil {
		for i, id := range h.ids {
			if _, dup := h.pos[id]; dup {
				pr.Fail("id %d appears twice", id)
				break
			}
			h.pos[id] = i
		}
	}
	return h
}

// Save writes the index to path atomically: into a temporary file in the
// same directory, flushed to stable storage and renamed over path, so that
// a crash leaves the previous file or the complete new one. Cancelling ctx
// stops the writing with ctx's error and leaves path as it was.
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
// bytes. Cancelling ctx stops the reading with ctx's error.
func Read(ctx context.Context, r io.Reader) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &Index{}
	if _, err := x.ReadFrom(persist.ContextReader(ctx, r)); err != nil {
		return nil, err
	}
	return x, nil
}

// Load reads an index saved with Save. The file must hold the index and
// nothing after it: a damaged or truncated file, or one with bytes after the
// index's end marker, yields an error wrapping errs.ErrCorrupt. Cancelling
// ctx stops the reading with ctx's error.
func Load(ctx context.Context, path string) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &Index{}
	err := core.ReadFile(path, func(r io.Reader) error {
		_, err := x.ReadFrom(persist.ContextReader(ctx, r))
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// readCodes reads the CODE section: empty when the float32 rows were
// written (fl), else the n rows of codes, whose decoded squared norms it
// recomputes under L2.
func readCodes(pr *persist.Reader, c *core.Codes, fl bool, n int) {
	if fl {
		pr.Begin("CODE", 0, 0)
		pr.End()
		return
	}
	switch c.Kind {
	case index.Int8:
		size := uint64(n) * uint64(c.Dims)
		pr.Begin("CODE", size, size)
		b := pr.Bytes(int(size))
		pr.End()
		if pr.Err() != nil {
			return
		}
		c.I = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
		c.SetNorms(n)
	default:
		words := uint64(n) * uint64(c.Words())
		pr.Begin("CODE", 8*words, 8*words)
		c.B = pr.Uint64s(int(words))
		pr.End()
	}
}
