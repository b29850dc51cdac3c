// persist.go holds the sparse index's serialisation, WriteTo and
// ReadFrom, over the sectioned, checksummed container of internal/persist:
//
//	file = "GNDXSPRS" version=1 DOCS end
//	DOCS = uvarint count, count × (u64 document id, uvarint n,
//	       n × (uvarint token id, u32 weight as float32 bits)),
//	       documents by ascending id, ids in the vector's own order
//
// Posting lists are rebuilt on reading.

package sparse

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic   = "GNDXSPRS"
	version = 1
)

// maxSection bounds the length DOCS may declare; the reader's memory grows
// with the bytes actually read, so a short file cannot make it allocate
// this much.
const maxSection = 1 << 40

// MaxTokenID bounds the token ids a file may hold.
const MaxTokenID = math.MaxInt32

// WriteTo writes the index to w and returns the number of bytes written.
// Writers wait while it runs.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	docs := make([]uint64, 0, len(x.docs))
	for d := range x.docs {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i] < docs[j] })
	b := persist.AppendUvarint(nil, uint64(len(docs)))
	for _, d := range docs {
		v := x.docs[d]
		b = persist.AppendUint64(b, d)
		b = persist.AppendUvarint(b, uint64(len(v.IDs)))
		for i, id := range v.IDs {
			b = persist.AppendUvarint(b, uint64(id))
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v.Weights[i]))
		}
	}
	pw := persist.NewWriter(w)
	pw.Header(magic, version)
	pw.Begin("DOCS", uint64(len(b)))
	pw.Bytes(b)
	pw.End()
	return pw.Finish()
}

// ReadFrom replaces the index's contents with what WriteTo wrote and
// returns the number of bytes read; it reads no byte past the end.
// Malformed input (a bad checksum, a truncated file, a repeated or
// out-of-order id, a token id above MaxTokenID or repeated in a vector, a
// zero, NaN or infinite weight) yields an error wrapping errs.ErrCorrupt
// and leaves the index unchanged; another version, errs.ErrUnsupported.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	if v := pr.Header(magic); pr.Err() == nil && v != version {
		return pr.N(), fmt.Errorf("sparse: read: version %d: %w", v, errs.ErrUnsupported)
	}
	n := pr.Begin("DOCS", 0, maxSection)
	b := pr.Bytes(int(n))
	pr.End()
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("sparse: read: %w", err)
	}
	read := pr.N()
	d := persist.NewDecoder("DOCS", b)
	// A document takes at least 9 bytes (id and count).
	count := d.Count("document count", uint64(len(b)/9))
	y := New()
	prev := uint64(0)
	for i := 0; i < count && d.Err() == nil; i++ {
		doc := d.Uint64("document id")
		if i > 0 && doc <= prev && d.Err() == nil {
			d.Fail("document id %d after %d", doc, prev)
		}
		prev = doc
		// An entry takes at least 5 bytes (id and weight).
		m := d.Count("id count", uint64(min(d.Remaining()/5, MaxIDs)))
		v := embed.SparseVector{IDs: make([]int, 0, m), Weights: make([]float32, 0, m)}
		seen := make(map[int]struct{}, m)
		for j := 0; j < m && d.Err() == nil; j++ {
			id := d.Count("token id", MaxTokenID)
			var wb [4]byte
			for k := range wb {
				wb[k] = d.Byte("weight")
			}
			w := math.Float32frombits(binary.LittleEndian.Uint32(wb[:]))
			if d.Err() != nil {
				break
			}
			if _, dup := seen[id]; dup {
				d.Fail("document %d: token id %d twice", doc, id)
				break
			}
			if w == 0 || math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
				d.Fail("document %d: weight %v of token id %d", doc, w, id)
				break
			}
			seen[id] = struct{}{}
			v.IDs = append(v.IDs, id)
			v.Weights = append(v.Weights, w)
		}
		if d.Err() != nil {
			break
		}
		y.docs[doc] = v
		for j, id := range v.IDs {
			y.post[id] = append(y.post[id], posting{doc: doc, w: v.Weights[j]})
		}
	}
	if err := d.End(); err != nil {
		return read, fmt.Errorf("sparse: read: %w", err)
	}
	x.mu.Lock()
	x.post, x.docs = y.post, y.docs
	x.mu.Unlock()
	return read, nil
}

// Contains reports whether doc is stored.
func (x *Index) Contains(doc uint64) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.docs[doc]
	return ok
}

// Vector returns the vector stored under doc (ids of weight 0 left out)
// and whether there is one. The caller must not modify it.
func (x *Index) Vector(doc uint64) (embed.SparseVector, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	v, ok := x.docs[doc]
	return v, ok
}

// IDs returns the stored document ids, in no particular order.
func (x *Index) IDs() []uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]uint64, 0, len(x.docs))
	for d := range x.docs {
		out = append(out, d)
	}
	return out
}
