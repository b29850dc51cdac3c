// This file declares the types every index shares: Metric, Result and the
// Index interface.

package index

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"io"
)

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
	return 0, fmt.Errorf("index: %w: unknown metric %q", errs.ErrInvalidInput, s)
}

// Result is one search hit. Score is higher-is-better under every metric; see
// the package documentation for its meaning under each Metric.
type Result struct {
	ID    uint64
	Score float32
}

// Index is the contract shared by the exact and approximate indexes.
// Implementations are safe for concurrent use.
type Index interface {
	// Add inserts vec under id, replacing the vector already stored under id.
	// The index copies vec.
	Add(id uint64, vec []float32) error
	// AddBatch adds vecs[i] under ids[i] for every i, using up to GOMAXPROCS
	// goroutines. It validates every vector before adding any; if an id
	// repeats, its last vector wins.
	AddBatch(ids []uint64, vecs [][]float32) error
	// Delete removes id. It returns an error wrapping errs.ErrNotFound if id is
	// absent (and errs.ErrInvalidInput on an uninitialised index). A deleted id
	// disappears from search results at once.
	Delete(id uint64) error
	// Search returns up to k results for query, best first. It returns fewer
	// than k results only when fewer vectors exist (or pass the filter). Any
	// k > 0 is valid, math.MaxInt included: memory grows with the results,
	// not with k.
	Search(query []float32, k int, opts ...SearchOption) ([]Result, error)
	// Len returns the number of vectors stored (deleted ones excluded).
	Len() int
	// Dim returns the vector dimension.
	Dim() int
}

// Persistent is implemented by indexes that serialise themselves. ReadFrom
// replaces the receiver's contents, including its dimension and metric, with
// what WriteTo wrote, and consumes no byte beyond it.
type Persistent interface {
	io.WriterTo
	io.ReaderFrom
}

// Extended is what both ganada indexes offer beyond Index: lookups by id,
// enumeration, the metric, and serialisation. A Collection built on either
// index can hold it as an Extended.
type Extended interface {
	Index
	Persistent
	// Contains reports whether id is stored.
	Contains(id uint64) bool
	// Vector returns a copy of the vector stored under id (unit-normalised
	// under Cosine) or an error wrapping errs.ErrNotFound.
	Vector(id uint64) ([]float32, error)
	// IDs returns every stored id.
	IDs() []uint64
	// Metric returns the index metric.
	Metric() Metric
	// Save writes the index to path atomically.
	Save(path string) error
}
