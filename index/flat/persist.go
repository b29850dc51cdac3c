// This file holds the flat index's serialisation: WriteTo, ReadFrom, Save
// and Load over the sectioned, checksummed container of index/internal/persist.

package flat

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/index/internal/core"
	"io"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic   = "GNDXFLAT"
	version = 1
)

// WriteTo writes the index to w in ganada's flat-index format (magic,
// version, then CONF, IDS., VECS sections each with a CRC-32C) and returns
// the number of bytes written. Writers wait while it runs.
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
	pw.Begin("IDS.", uint64(8*n))
	pw.Uint64s(x.ids)
	pw.End()
	pw.Begin("VECS", uint64(4*len(x.vecs)))
	pw.Float32s(x.vecs)
	pw.End()
	return pw.Finish()
}

// ReadFrom replaces the index with one written by WriteTo, adopting its
// dimension and metric, and returns the number of bytes read. It reads no
// byte past the end of the index. Malformed input yields an error wrapping
// errs.ErrCorrupt and leaves the index unchanged.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	if v := pr.Header(magic); pr.Err() == nil && v != version {
		pr.Fail("unsupported flat index version %d", v)
	}
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
	pr.Begin("IDS.", uint64(8*n), uint64(8*n))
	ids := pr.Uint64s(n)
	pr.End()
	pos := make(map[uint64]int, min(n, 1<<16))
	if pr.Err() == nil {
		for i, id := range ids {
			if _, dup := pos[id]; dup {
				pr.Fail("id %d appears twice", id)
				break
			}
			pos[id] = i
		}
	}
	pr.Begin("VECS", uint64(4*n*dim), uint64(4*n*dim))
	vecs := pr.Float32s(n * dim)
	pr.End()
	if pr.Err() == nil {
		pr.Finite(vecs)
	}
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("flat: read: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dim, x.metric, x.ids, x.vecs, x.pos = dim, metric, ids, vecs, pos
	return pr.N(), nil
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
