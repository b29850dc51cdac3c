// persist.go holds the store's serialisation, WriteTo and ReadFrom, over
// the sectioned, checksummed container of internal/persist:
//
//	file = "GNDXMVEC" version=1 CONF VECS end
//	CONF = u64 dim, u64 document count
//	VECS = count × (u64 document id, u32 n, n × dim float32),
//	       documents by ascending id

package multivec

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic   = "GNDXMVEC"
	version = 1
)

// maxSection bounds the length VECS may declare; memory grows with the
// bytes actually read, so a short file cannot make the reader allocate
// this much.
const maxSection = 1 << 50

// WriteTo writes the store to w and returns the number of bytes written.
// Writers wait while it runs.
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs := make([]uint64, 0, len(s.docs))
	length := uint64(0)
	for d, m := range s.docs {
		docs = append(docs, d)
		length += 12 + 4*uint64(len(m))
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i] < docs[j] })
	pw := persist.NewWriter(w)
	pw.Header(magic, version)
	pw.Begin("CONF", 16)
	pw.Uint64(uint64(s.dim))
	pw.Uint64(uint64(len(docs)))
	pw.End()
	pw.Begin("VECS", length)
	for _, d := range docs {
		m := s.docs[d]
		pw.Uint64(d)
		pw.Uint32(uint32(len(m) / s.dim))
		pw.Float32s(m)
	}
	pw.End()
	return pw.Finish()
}

// ReadFrom replaces the store's contents, dimension included, with what
// WriteTo wrote and returns the number of bytes read; it reads no byte
// past the end. Malformed input (a bad checksum, a truncated file, a
// dimension outside 1..MaxDim, a repeated or out-of-order id, more than
// MaxVectors vectors for a document, a NaN or infinite component) yields
// an error wrapping errs.ErrCorrupt and leaves the store unchanged;
// another version, errs.ErrUnsupported. It must not run concurrently
// with the store's other methods.
func (s *Store) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	if v := pr.Header(magic); pr.Err() == nil && v != version {
		return pr.N(), fmt.Errorf("multivec: read: version %d: %w", v, errs.ErrUnsupported)
	}
	pr.Begin("CONF", 16, 16)
	dim, count := pr.Uint64(), pr.Uint64()
	pr.End()
	if pr.Err() == nil && (dim < 1 || dim > MaxDim) {
		pr.Fail("section CONF: dimension %d outside 1..%d", dim, MaxDim)
	}
	length := pr.Begin("VECS", 0, maxSection)
	if pr.Err() == nil && count > length/12 {
		pr.Fail("section VECS: %d documents in %d bytes", count, length)
	}
	docs := map[uint64][]float32{}
	prev := uint64(0)
	for i := uint64(0); i < count && pr.Err() == nil; i++ {
		doc := pr.Uint64()
		n := pr.Uint32()
		if pr.Err() != nil {
			break
		}
		if i > 0 && doc <= prev {
			pr.Fail("section VECS: document id %d after %d", doc, prev)
			break
		}
		prev = doc
		if n > MaxVectors {
			pr.Fail("section VECS: document %d has %d vectors, more than %d", doc, n, MaxVectors)
			break
		}
		m := pr.Float32s(int(n) * int(dim))
		if pr.Err() != nil {
			break
		}
		for j, x := range m {
			if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
				pr.Fail("section VECS: document %d component %d is %v", doc, j, x)
				break
			}
		}
		docs[doc] = m
	}
	pr.End()
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("multivec: read: %w", err)
	}
	s.mu.Lock()
	s.dim, s.docs = int(dim), docs
	s.mu.Unlock()
	return pr.N(), nil
}
