// This file defines Filter, the metadata predicate a query can carry, its
// constructors and combinators, and its description as an index.Cond for
// database backends.

package ganada

import "github.com/ganada/ganada/index"

// A Filter admits the documents a query may return; WithFilter gives it to
// a query, and several filters admit only documents all of them admit.
//
// Filters are built with Where, WhereIn, WhereExists, WhereID, And, Or and
// Not, which also describe themselves as an index.Cond, so that a database
// backend (a collection made WithIndex over an index.DocumentIndex such as
// index/pgvector) runs them in its own query language; FilterFunc wraps any
// Go function, which only the in-process indexes can run (a database
// backend rejects it with an error wrapping errs.ErrUnsupported).
//
// The in-process index calls a Filter's Match during its search, once per
// candidate document, while the collection holds a read lock. One search
// may call it from several goroutines at once (the Flat index scans a large
// collection in parallel), and concurrent queries sharing a Filter call it
// concurrently, so a FilterFunc must be safe for concurrent use: guard any
// state it changes (a counter, a cache) with a mutex or atomics. It must be
// fast, must not modify the document (its Metadata is the collection's own
// map), and must not call methods of the collection. The other filters only
// read, so they are safe.
type Filter interface {
	// Match reports whether the filter admits d.
	Match(d Document) bool
	// Cond describes the filter as a condition on stored documents
	// (index.Opaque for a FilterFunc).
	Cond() index.Cond
}

// condFilter is a Filter that is an index.Cond; match is the Cond compiled
// to Go (with sets for long value lists).
type condFilter struct {
	c     index.Cond
	match func(d *Document) bool
}

func newCond(c index.Cond) condFilter { return condFilter{c: c, match: compile(c)} }

func (f condFilter) Match(d Document) bool { return f.match(&d) }
func (f condFilter) Cond() index.Cond      { return f.c }

// compile returns a function evaluating c as index.Cond.Match does.
func compile(c index.Cond) func(d *Document) bool {
	switch c.Op {
	case index.CondEq:
		key, value := c.Key, c.Values[0]
		return func(d *Document) bool { v, ok := d.Metadata[key]; return ok && v == value }
	case index.CondIn:
		key, set := c.Key, toSet(c.Values)
		return func(d *Document) bool {
			v, ok := d.Metadata[key]
			if !ok {
				return false
			}
			_, in := set[v]
			return in
		}
	case index.CondExists:
		key := c.Key
		return func(d *Document) bool { _, ok := d.Metadata[key]; return ok }
	case index.CondKeyIn:
		set := toSet(c.Values)
		return func(d *Document) bool { _, in := set[d.ID]; return in }
	case index.CondAnd, index.CondOr:
		fs := make([]func(*Document) bool, len(c.Args))
		for i, a := range c.Args {
			fs[i] = compile(a)
		}
		want := c.Op == index.CondOr
		return func(d *Document) bool {
			for _, f := range fs {
				if f(d) == want {
					return want
				}
			}
			return !want
		}
	case index.CondNot:
		f := compile(c.Args[0])
		return func(d *Document) bool { return !f(d) }
	}
	return func(*Document) bool { return false }
}

func toSet(vs []string) map[string]struct{} {
	set := make(map[string]struct{}, len(vs))
	for _, v := range vs {
		set[v] = struct{}{}
	}
	return set
}

// funcFilter is a FilterFunc.
type funcFilter func(d Document) bool

func (f funcFilter) Match(d Document) bool { return f(d) }
func (f funcFilter) Cond() index.Cond      { return index.Opaque("FilterFunc") }

// FilterFunc returns a Filter that admits the documents f returns true for.
// Only the in-process indexes (HNSW, Flat) can run it; see Filter.
func FilterFunc(f func(d Document) bool) Filter {
	if f == nil {
		return nil
	}
	return funcFilter(f)
}

// Where admits documents whose metadata maps key to value.
func Where(key, value string) Filter { return newCond(index.Eq(key, value)) }

// WhereIn admits documents whose metadata maps key to one of values. With no
// values it admits nothing.
func WhereIn(key string, values ...string) Filter { return newCond(index.In(key, values...)) }

// WhereExists admits documents whose metadata has key, whatever its value.
func WhereExists(key string) Filter { return newCond(index.Exists(key)) }

// WhereID admits only the documents with these IDs.
func WhereID(ids ...string) Filter { return newCond(index.KeyIn(ids...)) }

// And admits documents every filter admits (all of them, if none are
// given). Nil filters are skipped.
func And(filters ...Filter) Filter {
	fs := nonNil(filters)
	if c, ok := allConds(fs); ok {
		return newCond(index.And(c...))
	}
	return combined{fs: fs, all: true}
}

// Or admits documents at least one filter admits (none, if none are given).
// Nil filters are skipped.
func Or(filters ...Filter) Filter {
	fs := nonNil(filters)
	if c, ok := allConds(fs); ok {
		return newCond(index.Or(c...))
	}
	return combined{fs: fs}
}

// Not admits the documents f rejects. Not(nil) admits nothing.
func Not(f Filter) Filter {
	if f == nil {
		return newCond(index.Or())
	}
	if c, ok := f.(condFilter); ok {
		return newCond(index.Not(c.c))
	}
	return combined{fs: []Filter{f}, not: true}
}

// combined is And, Or or Not over filters of which some are FilterFuncs:
// Match runs them in Go; Cond still has the tree, with index.Opaque leaves.
type combined struct {
	fs       []Filter
	all, not bool
}

func (c combined) Match(d Document) bool {
	switch {
	case c.not:
		return !c.fs[0].Match(d)
	case c.all:
		for _, f := range c.fs {
			if !f.Match(d) {
				return false
			}
		}
		return true
	}
	for _, f := range c.fs {
		if f.Match(d) {
			return true
		}
	}
	return false
}

func (c combined) Cond() index.Cond {
	args := make([]index.Cond, len(c.fs))
	for i, f := range c.fs {
		args[i] = f.Cond()
	}
	switch {
	case c.not:
		return index.Not(args[0])
	case c.all:
		return index.And(args...)
	}
	return index.Or(args...)
}

// allConds returns the Conds of fs if every one is a condFilter.
func allConds(fs []Filter) ([]index.Cond, bool) {
	out := make([]index.Cond, len(fs))
	for i, f := range fs {
		c, ok := f.(condFilter)
		if !ok {
			return nil, false
		}
		out[i] = c.c
	}
	return out, true
}

func nonNil(filters []Filter) []Filter {
	out := make([]Filter, 0, len(filters))
	for _, f := range filters {
		if f != nil {
			out = append(out, f)
		}
	}
	return out
}
