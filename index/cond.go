// This file defines Cond, a condition on the document stored beside a
// vector (its key and string metadata) in a form a database backend
// translates to its own query language, and DocumentIndex, the Index that
// stores documents and evaluates Conds.

package index

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/errs"
)

// Doc is the document a DocumentIndex stores beside a vector: the caller's
// key for it (a ganada.Document's ID), its text and its string metadata.
type Doc struct {
	Key      string
	Text     string
	Metadata map[string]string
}

// DocumentIndex is an Index that also stores each vector's document, such
// as a database table with the vector, key, text and metadata in one row
// (index/pgvector). A ganada.Collection over a DocumentIndex gives it the
// documents with AddDocuments, reads them back with Documents when it is
// opened, and filters its searches with WithWhere instead of WithFilter, so
// the index evaluates the Cond itself.
type DocumentIndex interface {
	Index
	// AddDocuments adds vecs[i] and docs[i] under ids[i] for every i, all
	// or nothing, replacing what is stored under those ids.
	AddDocuments(ctx context.Context, ids []uint64, vecs [][]float32, docs []Doc) error
	// Documents calls yield for every stored id and its document, in
	// ascending id order, and stops at yield's first error, returning it.
	Documents(ctx context.Context, yield func(id uint64, d Doc) error) error
}

// CondOp is the operator of a Cond.
type CondOp uint8

const (
	// CondEq holds when Metadata[Key] is present and equals Values[0].
	CondEq CondOp = iota + 1
	// CondIn holds when Metadata[Key] is present and equals one of Values
	// (never, when Values is empty).
	CondIn
	// CondExists holds when Metadata has Key.
	CondExists
	// CondKeyIn holds when the document's key is one of Values.
	CondKeyIn
	// CondAnd holds when every Args holds (always, when Args is empty).
	CondAnd
	// CondOr holds when some Args holds (never, when Args is empty).
	CondOr
	// CondNot holds when Args[0] does not.
	CondNot
	// CondOpaque stands for a predicate that has no such form (a Go
	// function, Key naming it for error messages). No backend can
	// evaluate it; a DocumentIndex given one fails with an error wrapping
	// errs.ErrUnsupported.
	CondOpaque
)

// Cond is a condition on a stored document (see DocumentIndex), a tree of
// CondOp nodes built with Eq, In, Exists, KeyIn, And, Or and Not.
type Cond struct {
	Op     CondOp
	Key    string
	Values []string
	Args   []Cond
}

// Eq returns the Cond Metadata[key] == value.
func Eq(key, value string) Cond { return Cond{Op: CondEq, Key: key, Values: []string{value}} }

// In returns the Cond Metadata[key] ∈ values.
func In(key string, values ...string) Cond {
	return Cond{Op: CondIn, Key: key, Values: append([]string(nil), values...)}
}

// Exists returns the Cond "Metadata has key".
func Exists(key string) Cond { return Cond{Op: CondExists, Key: key} }

// KeyIn returns the Cond "the document's key is one of keys".
func KeyIn(keys ...string) Cond { return Cond{Op: CondKeyIn, Values: append([]string(nil), keys...)} }

// And returns the Cond that holds when every c holds.
func And(c ...Cond) Cond { return Cond{Op: CondAnd, Args: append([]Cond(nil), c...)} }

// Or returns the Cond that holds when some c holds.
func Or(c ...Cond) Cond { return Cond{Op: CondOr, Args: append([]Cond(nil), c...)} }

// Not returns the Cond that holds when c does not.
func Not(c Cond) Cond { return Cond{Op: CondNot, Args: []Cond{c}} }

// Opaque returns a Cond standing for a predicate with no such form, named
// name in errors (see CondOpaque).
func Opaque(name string) Cond { return Cond{Op: CondOpaque, Key: name} }

// maxCondDepth bounds the nesting of a Cond, so that evaluating or
// translating one cannot exhaust the stack.
const maxCondDepth = 64

// Check reports whether c is well formed: a known Op with the operands it
// needs (one value for CondEq, one argument for CondNot), nested at most 64
// deep. The error wraps errs.ErrInvalidInput.
func (c Cond) Check() error { return c.check(0) }

func (c Cond) check(depth int) error {
	if depth > maxCondDepth {
		return fmt.Errorf("index: Cond: nested deeper than %d: %w", maxCondDepth, errs.ErrInvalidInput)
	}
	switch c.Op {
	case CondEq:
		if len(c.Values) != 1 {
			return fmt.Errorf("index: Cond Eq(%q): %d values, want 1: %w", c.Key, len(c.Values), errs.ErrInvalidInput)
		}
	case CondIn, CondExists, CondKeyIn, CondOpaque:
	case CondNot:
		if len(c.Args) != 1 {
			return fmt.Errorf("index: Cond Not: %d arguments, want 1: %w", len(c.Args), errs.ErrInvalidInput)
		}
		fallthrough
	case CondAnd, CondOr:
		for _, a := range c.Args {
			if err := a.check(depth + 1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("index: Cond: unknown operator %d: %w", c.Op, errs.ErrInvalidInput)
	}
	return nil
}

// Match evaluates c on a document, as a DocumentIndex must: the reference
// its translation is tested against. A CondOpaque never matches. c must be
// well formed (see Check).
func (c Cond) Match(d Doc) bool {
	switch c.Op {
	case CondEq:
		v, ok := d.Metadata[c.Key]
		return ok && len(c.Values) == 1 && v == c.Values[0]
	case CondIn:
		v, ok := d.Metadata[c.Key]
		return ok && contains(c.Values, v)
	case CondExists:
		_, ok := d.Metadata[c.Key]
		return ok
	case CondKeyIn:
		return contains(c.Values, d.Key)
	case CondAnd:
		for _, a := range c.Args {
			if !a.Match(d) {
				return false
			}
		}
		return true
	case CondOr:
		for _, a := range c.Args {
			if a.Match(d) {
				return true
			}
		}
		return false
	case CondNot:
		return len(c.Args) == 1 && !c.Args[0].Match(d)
	}
	return false
}

// Opaque returns the name of the first CondOpaque in c, and whether there
// is one.
func (c Cond) Opaque() (string, bool) {
	if c.Op == CondOpaque {
		return c.Key, true
	}
	for _, a := range c.Args {
		if name, ok := a.Opaque(); ok {
			return name, true
		}
	}
	return "", false
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}
