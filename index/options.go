// This file holds the search options shared by every index: WithEf,
// WithFilter and WithExact.

package index

import (
	"fmt"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/searchopt"
)

// SearchOption tunes one Search call. Options an index does not use are
// ignored (the exact index ignores WithEf). An option with a bad value makes
// Search fail with an error wrapping errs.ErrInvalidOption that names it.
type SearchOption func(*searchopt.Options) error

// WithEf sets the candidate-list size of an approximate search (hnswlib's
// ef), at least 1; the search uses at least k. Without it the index default
// applies.
func WithEf(ef int) SearchOption {
	return func(o *searchopt.Options) error {
		if ef < 1 {
			return fmt.Errorf("index: %w: WithEf(%d): want ≥ 1", errs.ErrInvalidOption, ef)
		}
		o.Ef = ef
		return nil
	}
}

// WithFilter restricts results to ids for which allow returns true. The graph
// index evaluates allow during traversal, so it finds k allowed results where
// a post-filter would return fewer; when few ids are allowed it switches to
// an exact scan of the allowed set. One search may call allow concurrently
// from several goroutines (the exact index splits large scans across
// workers), and concurrent searches sharing allow call it concurrently too,
// so allow must be safe for concurrent use: a read-only predicate over data
// nobody modifies during the search is. allow must not call back into the
// index, and may be called any number of times per id, or not at all for
// ids that cannot make the top k.
func WithFilter(allow func(id uint64) bool) SearchOption {
	return func(o *searchopt.Options) error { o.Filter = allow; return nil }
}

// WithExact makes an approximate index answer by exhaustive search, giving
// exact results at brute-force cost. The exact index ignores it.
func WithExact() SearchOption {
	return func(o *searchopt.Options) error { o.Exact = true; return nil }
}
