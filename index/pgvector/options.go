// This file holds the options of Open: storage type, HNSW parameters, the
// default ef_search, the encoder identity recorded with the table, and how
// batches are written.

package pgvector

import (
	"fmt"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// Defaults of the HNSW index and its searches, pgvector's own.
const (
	DefaultM              = 16
	DefaultEfConstruction = 64
	DefaultEfSearch       = 40
	// MaxEfSearch is the largest hnsw.ef_search pgvector accepts.
	MaxEfSearch = 1000
)

// Bulk selects how AddBatch and AddDocuments send rows.
type Bulk uint8

const (
	// BulkAuto uses BulkCopy, except on PGlite (PostgreSQL compiled to
	// WebAssembly, detected from version()), whose socket server cannot
	// carry COPY FROM STDIN, where it uses BulkUnnest. The default.
	BulkAuto Bulk = iota
	// BulkCopy streams the rows with COPY into a temporary table and
	// moves them into the collection's table with one INSERT … ON
	// CONFLICT, in the batch's transaction.
	BulkCopy
	// BulkUnnest sends each chunk of rows as arrays in one INSERT …
	// SELECT FROM unnest(…) ON CONFLICT, in the batch's transaction.
	BulkUnnest
)

// String returns "auto", "copy" or "unnest".
func (b Bulk) String() string {
	switch b {
	case BulkAuto:
		return "auto"
	case BulkCopy:
		return "copy"
	case BulkUnnest:
		return "unnest"
	}
	return fmt.Sprintf("Bulk(%d)", uint8(b))
}

// An Option configures Open.
type Option func(*config) error

type config struct {
	half          bool
	m, efConstr   int
	efSearch      int
	identity      *embed.Identity
	bulk          Bulk
	maxScanTuples int
}

func defaultConfig() config {
	return config{m: DefaultM, efConstr: DefaultEfConstruction, efSearch: DefaultEfSearch}
}

// WithHalfVec stores vectors as halfvec(d) (16-bit floats) instead of
// vector(d): half the space, scores rounded to half precision. Fixed when
// the table is created; opening it otherwise is an error.
func WithHalfVec() Option {
	return func(c *config) error { c.half = true; return nil }
}

// WithM sets the HNSW index's m (links per node), in [2, 100] as pgvector
// requires; DefaultM without it. It applies when the table is created.
func WithM(m int) Option {
	return func(c *config) error {
		if m < 2 || m > 100 {
			return fmt.Errorf("pgvector: WithM(%d): want 2 ≤ m ≤ 100: %w", m, errs.ErrInvalidOption)
		}
		c.m = m
		return nil
	}
}

// WithEfConstruction sets the HNSW index's ef_construction, in [4, 1000]
// and at least 2·m as pgvector requires; DefaultEfConstruction without it.
// It applies when the table is created.
func WithEfConstruction(ef int) Option {
	return func(c *config) error {
		if ef < 4 || ef > 1000 {
			return fmt.Errorf("pgvector: WithEfConstruction(%d): want 4 ≤ ef ≤ 1000: %w", ef, errs.ErrInvalidOption)
		}
		c.efConstr = ef
		return nil
	}
}

// WithEfSearch sets the default hnsw.ef_search of searches, in [1, 1000]
// (index.WithEf overrides it per search; a search uses at least k, at most
// MaxEfSearch); DefaultEfSearch without it.
func WithEfSearch(ef int) Option {
	return func(c *config) error {
		if ef < 1 || ef > MaxEfSearch {
			return fmt.Errorf("pgvector: WithEfSearch(%d): want 1 ≤ ef ≤ %d: %w", ef, MaxEfSearch, errs.ErrInvalidOption)
		}
		c.efSearch = ef
		return nil
	}
}

// WithIdentity records the identity of the encoder whose vectors the table
// holds (ganada.EncoderIdentity(enc)) when the table is created, and
// checks it when an existing table is opened: a different one is an error
// wrapping errs.ErrEncoderMismatch that lists the differing fields.
func WithIdentity(id embed.Identity) Option {
	return func(c *config) error { c.identity = &id; return nil }
}

// WithBulk selects how batches are written (BulkAuto without it).
func WithBulk(b Bulk) Option {
	return func(c *config) error {
		if b > BulkUnnest {
			return fmt.Errorf("pgvector: WithBulk(%v): unknown mode: %w", b, errs.ErrInvalidOption)
		}
		c.bulk = b
		return nil
	}
}

// WithMaxScanTuples sets hnsw.max_scan_tuples for filtered searches, the
// number of rows an iterative index scan visits before it gives up
// (pgvector's default is 20,000): a filter admitting fewer than about
// k/max_scan_tuples of the rows may return fewer than k hits without it
// raised. At least 1.
func WithMaxScanTuples(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("pgvector: WithMaxScanTuples(%d): want ≥ 1: %w", n, errs.ErrInvalidOption)
		}
		c.maxScanTuples = n
		return nil
	}
}
