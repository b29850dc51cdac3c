// This file holds the search options shared by every index (WithEf,
// WithFilter, WithExact, WithWhere) and SearchOptions, their resolved form,
// which every index, in this module or outside it, reads with
// ResolveSearch.

package index

import (
	"fmt"

	"github.com/ganada/ganada/errs"
)

// SearchOption tunes one Search call. Options an index does not use are
// ignored (the exact index ignores WithEf). An option with a bad value makes
// Search fail with an error wrapping errs.ErrInvalidOption that names it.
type SearchOption func(*SearchOptions) error

// SearchOptions is the resolved form of a list of SearchOptions, what an
// Index implementation reads (see ResolveSearch).
type SearchOptions struct {
	// Ef is the size of the dynamic candidate list of a graph search; 0 means
	// the index default. Larger is slower and more accurate. A graph index
	// uses at least k.
	Ef int
	// Filter, when non-nil, admits only ids for which it returns true. It
	// may be called concurrently from several goroutines (see WithFilter).
	Filter func(id uint64) bool
	// Exact forces an exhaustive search even in an approximate index.
	Exact bool
	// Where, when non-nil, is a condition on the documents stored beside
	// the vectors, for a DocumentIndex (a database backend) to evaluate
	// itself; indexes that store no documents ignore it (see WithWhere).
	Where *Cond
}

// ResolveSearch applies opts in order to a zero SearchOptions and returns
// the first option's error. Nil options are skipped.
func ResolveSearch(opts ...SearchOption) (SearchOptions, error) {
	var o SearchOptions
	for _, f := range opts {
		if f == nil {
			continue
		}
		if err := f(&o); err != nil {
			return SearchOptions{}, err
		}
	}
	return o, nil
}

// WithEf sets the candidate-list size of an approximate search (hnswlib's
// ef), at least 1; the search uses at least k. Without it the index default
// applies.
func WithEf(ef int) SearchOption {
	return func(o *SearchOptions) error {
		if ef < 1 {
			return fmt.Errorf("index: WithEf(%d): want ≥ 1: %w", ef, errs.ErrInvalidOption)
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
	return func(o *SearchOptions) error { o.Filter = allow; return nil }
}

// WithExact makes an approximate index answer by exhaustive search, giving
// exact results at brute-force cost. The exact index ignores it.
func WithExact() SearchOption {
	return func(o *SearchOptions) error { o.Exact = true; return nil }
}

// WithWhere restricts results to vectors whose stored document satisfies c,
// for an index that stores documents (a DocumentIndex) and evaluates c
// itself, in its own query language. Indexes that store no documents ignore
// it. A second WithWhere is ANDed with the first. c is checked when Search
// resolves it: a malformed Cond is an error wrapping errs.ErrInvalidOption.
func WithWhere(c Cond) SearchOption {
	return func(o *SearchOptions) error {
		if err := c.Check(); err != nil {
			return fmt.Errorf("index: WithWhere: %w: %w", err, errs.ErrInvalidOption)
		}
		if o.Where != nil {
			c = And(*o.Where, c)
		}
		o.Where = &c
		return nil
	}
}
