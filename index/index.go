// This file declares the types every index shares: Metric, Result and the
// Index interface.

package index

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"io"
)

// MaxDim is the largest vector dimension an index accepts.
const MaxDim = 1 << 16

// MaxComponents is the largest number of vector components (vectors × dim)
// an index preallocates or reads from a file: 2^40 float32s, 4 TiB. It
// bounds a capacity hint and the size a file may declare; whether the
// machine has that much memory is for the caller to judge.
const MaxComponents = 1 << 40

// Metric selects how vectors are compared. The zero Metric is invalid.
type Metric int

const (
	// Cosine scores by cosine similarity. Vectors are normalised when added,
	// so zero vectors are rejected with errs.ErrInvalidVector.
	Cosine Metric = iota + 1
	// Dot scores by raw inner product.
	Dot
	// L2 scores by negated squared Euclidean distance, −‖q−x‖².
	L2
)

// String returns the metric's name: "cosine", "dot" or "l2".
func (m Metric) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case Dot:
		return "dot"
	case L2:
		return "l2"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// Valid reports whether m is one of Cosine, Dot or L2.
func (m Metric) Valid() bool { return m >= Cosine && m <= L2 }

// ParseMetric returns the Metric named by s ("cosine", "dot" or "l2").
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "cosine":
		return Cosine, nil
	case "dot", "ip", "inner_product":
		return Dot, nil
	case "l2", "euclidean":
		return L2, nil
	}
	return 0, fmt.Errorf("index: unknown metric %q: %w", s, errs.ErrInvalidInput)
}

// Result is one search hit. Score is higher-is-better under every metric; see
// the package documentation for its meaning under each Metric.
type Result struct {
	ID    uint64
	Score float32
}

// Index is what a ganada.Collection needs from a vector index, and all it
// uses: index/flat and index/hnsw implement it, and another backend plugs
// in by implementing it too. Implementations are safe for concurrent use.
// Add, AddBatch, Delete and Search take a context first, for backends that
// wait on I/O (a database, a remote service); they return its error once it
// is done.
type Index interface {
	// Add inserts vec under id, replacing the vector already stored under id.
	// The index copies vec. A vector of the wrong length yields an error
	// wrapping errs.ErrDimension; NaN or ±Inf components, or a zero vector
	// under Cosine, errs.ErrInvalidVector.
	Add(ctx context.Context, id uint64, vec []float32) error
	// AddBatch adds vecs[i] under ids[i] for every i. It validates every
	// vector before adding any; if an id repeats, its last vector wins.
	AddBatch(ctx context.Context, ids []uint64, vecs [][]float32) error
	// Delete removes id. It returns an error wrapping errs.ErrNotFound if id
	// is absent. A deleted id disappears from search results at once.
	Delete(ctx context.Context, id uint64) error
	// Search returns up to k results for query, best first. It returns fewer
	// than k results only when fewer vectors exist (or pass the filter). Any
	// k > 0 is valid, math.MaxInt included: memory grows with the results,
	// not with k. k ≤ 0 yields an error wrapping errs.ErrInvalidInput.
	Search(ctx context.Context, query []float32, k int, opts ...SearchOption) ([]Result, error)
	// Len returns the number of vectors stored (deleted ones excluded).
	Len() int
	// Dim returns the vector dimension.
	Dim() int
	// Metric returns the index metric.
	Metric() Metric
	// Contains reports whether id is stored.
	Contains(id uint64) bool
	// IDs returns every stored id, in no particular order.
	IDs() []uint64
	// Vector returns a copy of the vector stored under id (unit-normalised
	// under Cosine) or an error wrapping errs.ErrNotFound.
	Vector(id uint64) ([]float32, error)
	// WriteTo serialises the index; ReadFrom replaces the receiver's
	// contents, including its dimension and metric, with what WriteTo
	// wrote, consuming no byte beyond it, and fails with an error wrapping
	// errs.ErrCorrupt on damaged input.
	io.WriterTo
	io.ReaderFrom
}
