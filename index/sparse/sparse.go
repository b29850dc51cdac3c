// Package sparse is an in-memory inverted index of learned sparse vectors
// (embed.SparseVector: BGE-M3's lexical weights, SPLADE-like outputs),
// searched exactly by dot product: the score of a document is the lexical
// matching score FlagEmbedding computes (SparseVector.Dot), and Search
// returns the k best, as index/flat and index/hnsw return index.Results.
// It is the sparse list of a hybrid (dense + sparse) retrieval.
//
// Each posting list holds the documents that have a weight for its token
// id; a query reads only the lists of its own ids, so its cost is the
// number of postings of its tokens, not the number of documents. An Index
// is safe for concurrent use: searches share a read lock, Add and Delete
// take the write lock.
package sparse

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
)

// MaxIDs bounds the ids of one vector (BGE-M3's texts have at most one per
// token, 8192).
const MaxIDs = 1 << 20

// posting is one document's weight in a token's list.
type posting struct {
	doc uint64
	w   float32
}

// Index is an inverted index of sparse vectors. The zero value is not
// usable; create one with New.
type Index struct {
	mu   sync.RWMutex
	post map[int][]posting
	docs map[uint64]embed.SparseVector // each document's vector (a copy)
}

// New returns an empty Index.
func New() *Index {
	return &Index{post: map[int][]posting{}, docs: map[uint64]embed.SparseVector{}}
}

// Len returns the number of documents stored.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.docs)
}

// check validates a vector: parallel slices, at most MaxIDs distinct
// non-negative ids, finite weights.
func check(v embed.SparseVector) error {
	if len(v.IDs) != len(v.Weights) {
		return fmt.Errorf("sparse: %d ids and %d weights: %w", len(v.IDs), len(v.Weights), errs.ErrInvalidVector)
	}
	if len(v.IDs) > MaxIDs {
		return fmt.Errorf("sparse: %d ids, more than %d: %w", len(v.IDs), MaxIDs, errs.ErrInvalidVector)
	}
	seen := make(map[int]struct{}, len(v.IDs))
	for i, id := range v.IDs {
		if id < 0 {
			return fmt.Errorf("sparse: negative id %d: %w", id, errs.ErrInvalidVector)
		}
		if _, dup := seen[id]; dup {
			return fmt.Errorf("sparse: id %d appears twice: %w", id, errs.ErrInvalidVector)
		}
		seen[id] = struct{}{}
		if w := float64(v.Weights[i]); math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("sparse: weight %v of id %d: %w", v.Weights[i], id, errs.ErrNonFinite)
		}
	}
	return nil
}

// Add stores v under doc, replacing the vector stored under doc. The
// index copies v; ids with weight 0 are not stored. An invalid vector
// (ids and weights of different lengths, a negative or repeated id, more
// than MaxIDs ids) is an error wrapping errs.ErrInvalidVector, a NaN or
// infinite weight errs.ErrNonFinite; the index is then unchanged.
func (x *Index) Add(ctx context.Context, doc uint64, v embed.SparseVector) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := check(v); err != nil {
		return err
	}
	var c embed.SparseVector
	for i, id := range v.IDs {
		if v.Weights[i] != 0 {
			c.IDs = append(c.IDs, id)
			c.Weights = append(c.Weights, v.Weights[i])
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(doc)
	x.docs[doc] = c
	for i, id := range c.IDs {
		x.post[id] = append(x.post[id], posting{doc: doc, w: c.Weights[i]})
	}
	return nil
}

// Delete removes doc and reports whether it was stored.
func (x *Index) Delete(doc uint64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.remove(doc)
}

// remove takes doc out of its posting lists; x.mu is held for writing.
func (x *Index) remove(doc uint64) bool {
	old, ok := x.docs[doc]
	if !ok {
		return false
	}
	for _, id := range old.IDs {
		list := x.post[id]
		for i, p := range list {
			if p.doc == doc {
				list[i] = list[len(list)-1]
				list = list[:len(list)-1]
				break
			}
		}
		if len(list) == 0 {
			delete(x.post, id)
		} else {
			x.post[id] = list
		}
	}
	delete(x.docs, doc)
	return true
}

// Search returns up to k documents with the highest dot product with q,
// best first (ties by smaller document id), among those keep admits (nil:
// all); documents scoring 0 (sharing no id with q) are not returned. keep
// is called with the read lock held, possibly for a document more than
// once. Errors wrap errs.ErrInvalidInput (k ≤ 0), errs.ErrInvalidVector
// or errs.ErrNonFinite (an invalid q), or are ctx.Err().
func (x *Index) Search(ctx context.Context, q embed.SparseVector, k int, keep func(doc uint64) bool) ([]index.Result, error) {
	if err := core.CheckK(k); err != nil {
		return nil, err
	}
	if err := check(q); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	acc := map[uint64]float64{}
	for i, id := range q.IDs {
		w := float64(q.Weights[i])
		if w == 0 {
			continue
		}
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, p := range x.post[id] {
			acc[p.doc] += w * float64(p.w)
		}
	}
	top := core.NewTopK(k)
	for doc, s := range acc {
		if s == 0 || keep != nil && !keep(doc) {
			continue
		}
		if r := (index.Result{ID: doc, Score: float32(s)}); top.Admits(r.Score) {
			top.Push(r)
		}
	}
	return top.Results(), nil
}
