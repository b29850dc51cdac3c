// This file defines Filter, the metadata predicate a query can carry, and
// its constructors and combinators.

package ganada

// A Filter admits the documents a query may return; WithFilter gives it to
// a query, and several filters admit only documents all of them admit.
//
// The index calls a Filter during its search, once per candidate document,
// while the collection holds a read lock. One search may call it from
// several goroutines at once (the Flat index scans a large collection in
// parallel), and concurrent queries sharing a Filter call it concurrently,
// so a Filter must be safe for concurrent use: guard any state it changes
// (a counter, a cache) with a mutex or atomics. It must be fast, must not
// modify the document (its Metadata is the collection's own map), and must
// not call methods of the collection. The filters Where, WhereIn,
// WhereExists and WhereID return only read, so they are safe; And, Or and
// Not are as safe as the filters they combine.
type Filter func(d Document) bool

// Where admits documents whose metadata maps key to value.
func Where(key, value string) Filter {
	return func(d Document) bool {
		v, ok := d.Metadata[key]
		return ok && v == value
	}
}

// WhereIn admits documents whose metadata maps key to one of values. With no
// values it admits nothing.
func WhereIn(key string, values ...string) Filter {
	set := make(map[string]struct{}, len(values))
	for _, v := range values {
		set[v] = struct{}{}
	}
	return func(d Document) bool {
		v, ok := d.Metadata[key]
		if !ok {
			return false
		}
		_, in := set[v]
		return in
	}
}

// WhereExists admits documents whose metadata has key, whatever its value.
func WhereExists(key string) Filter {
	return func(d Document) bool {
		_, ok := d.Metadata[key]
		return ok
	}
}

// WhereID admits only the documents with these IDs.
func WhereID(ids ...string) Filter {
	set := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	return func(d Document) bool {
		_, ok := set[d.ID]
		return ok
	}
}

// And admits documents every filter admits (all of them, if none are
// given). Nil filters are skipped.
func And(filters ...Filter) Filter {
	fs := nonNil(filters)
	return func(d Document) bool {
		for _, f := range fs {
			if !f(d) {
				return false
			}
		}
		return true
	}
}

// Or admits documents at least one filter admits (none, if none are given).
// Nil filters are skipped.
func Or(filters ...Filter) Filter {
	fs := nonNil(filters)
	return func(d Document) bool {
		for _, f := range fs {
			if f(d) {
				return true
			}
		}
		return false
	}
}

// Not admits the documents f rejects. Not(nil) admits nothing.
func Not(f Filter) Filter {
	if f == nil {
		return func(Document) bool { return false }
	}
	return func(d Document) bool { return !f(d) }
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
