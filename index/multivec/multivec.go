// Package multivec stores multi-vector (ColBERT) representations of
// documents, one matrix of token vectors per document id, and scores a
// query's token vectors against a stored document by late interaction
// (MaxSim, BGE-M3's colbert_score). It does not search: a Collection uses
// it to rescore candidates another index found (WithColBERT), with no
// document re-encoded at query time.
//
// A Store is safe for concurrent use: scoring shares a read lock, Add and
// Delete take the write lock. Vectors are kept as float32, contiguous per
// document.
package multivec

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/similarity"
)

// MaxDim bounds the width of the vectors.
const MaxDim = 1 << 16

// MaxVectors bounds the vectors of one document (BGE-M3 reads at most
// 8192 tokens).
const MaxVectors = 1 << 20

// Store holds each document's token vectors. The zero value is not usable;
// create one with New.
type Store struct {
	dim  int
	mu   sync.RWMutex
	docs map[uint64][]float32 // n × dim, row after row
}

// New returns an empty Store of vectors of length dim, in 1..MaxDim
// (otherwise the error wraps errs.ErrInvalidInput).
func New(dim int) (*Store, error) {
	if dim < 1 || dim > MaxDim {
		return nil, fmt.Errorf("multivec: dimension %d outside 1..%d: %w", dim, MaxDim, errs.ErrInvalidInput)
	}
	return &Store{dim: dim, docs: map[uint64][]float32{}}, nil
}

// Dim returns the length of the vectors.
func (s *Store) Dim() int { return s.dim }

// Len returns the number of documents stored.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.docs)
}

// Contains reports whether doc is stored.
func (s *Store) Contains(doc uint64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.docs[doc]
	return ok
}

// IDs returns the stored document ids, in no particular order.
func (s *Store) IDs() []uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]uint64, 0, len(s.docs))
	for d := range s.docs {
		out = append(out, d)
	}
	return out
}

// Check validates vecs as Add does: at most MaxVectors vectors of length
// Dim (errs.ErrDimension otherwise) with finite components
// (errs.ErrNonFinite).
func (s *Store) Check(vecs [][]float32) error {
	if len(vecs) > MaxVectors {
		return fmt.Errorf("multivec: %d vectors, more than %d: %w", len(vecs), MaxVectors, errs.ErrInvalidInput)
	}
	for i, v := range vecs {
		if len(v) != s.dim {
			return fmt.Errorf("multivec: vector %d has length %d, want %d: %w", i, len(v), s.dim, errs.ErrDimension)
		}
		for j, x := range v {
			if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("multivec: vector %d component %d is %v: %w", i, j, x, errs.ErrNonFinite)
			}
		}
	}
	return nil
}

// Add stores a copy of vecs under doc, replacing what doc held. Invalid
// vectors (see Check) leave the store unchanged. A document may have no
// vectors; it then scores 0.
func (s *Store) Add(ctx context.Context, doc uint64, vecs [][]float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.Check(vecs); err != nil {
		return err
	}
	m := make([]float32, 0, len(vecs)*s.dim)
	for _, v := range vecs {
		m = append(m, v...)
	}
	s.mu.Lock()
	s.docs[doc] = m
	s.mu.Unlock()
	return nil
}

// Delete removes doc and reports whether it was stored.
func (s *Store) Delete(doc uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[doc]
	delete(s.docs, doc)
	return ok
}

// Vectors returns a copy of the vectors stored under doc and whether
// there are any.
func (s *Store) Vectors(doc uint64) ([][]float32, bool) {
	s.mu.RLock()
	m, ok := s.docs[doc]
	s.mu.RUnlock()
	if !ok {
		return nil, false
	}
	m = append([]float32(nil), m...)
	out := make([][]float32, len(m)/s.dim)
	for i := range out {
		out[i] = m[i*s.dim : (i+1)*s.dim : (i+1)*s.dim]
	}
	return out, true
}

// MaxSim returns the late-interaction score of the query vectors q against
// the vectors stored under doc (similarity.MaxSim: for each query vector
// its largest dot product with a document vector, averaged over the query
// vectors, summed in float64), and whether doc is stored. It is 0 when q
// or the document has no vectors. Query vectors of the wrong length are an
// error wrapping errs.ErrDimension.
func (s *Store) MaxSim(q [][]float32, doc uint64) (float32, bool, error) {
	for i, v := range q {
		if len(v) != s.dim {
			return 0, false, fmt.Errorf("multivec: query vector %d has length %d, want %d: %w", i, len(v), s.dim, errs.ErrDimension)
		}
	}
	s.mu.RLock()
	m, ok := s.docs[doc]
	s.mu.RUnlock()
	if !ok {
		return 0, false, nil
	}
	return maxSim(q, m, s.dim), true, nil
}

// maxSim is similarity.MaxSim over a document's contiguous rows.
func maxSim(q [][]float32, m []float32, dim int) float32 {
	n := len(m) / dim
	if len(q) == 0 || n == 0 {
		return 0
	}
	var sum float64
	for _, qv := range q {
		best := similarity.Dot(qv, m[:dim])
		for j := 1; j < n; j++ {
			if d := similarity.Dot(qv, m[j*dim:(j+1)*dim]); d > best {
				best = d
			}
		}
		sum += float64(best)
	}
	return float32(sum / float64(len(q)))
}
