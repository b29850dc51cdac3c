// Package searchopt holds the resolved form of package index's search
// options, which the index packages read and callers cannot name: the
// options themselves (index.WithEf, WithFilter, WithExact) are public, their
// target is not, so that what a search accepts stays the index package's
// business.
package searchopt

// Options is the resolved form of a list of index.SearchOption.
type Options struct {
	// Ef is the size of the dynamic candidate list of a graph search; 0 means
	// the index default. Larger is slower and more accurate. A graph index
	// uses at least k.
	Ef int
	// Filter, when non-nil, admits only ids for which it returns true. It
	// may be called concurrently from several goroutines (see
	// index.WithFilter).
	Filter func(id uint64) bool
	// Exact forces an exhaustive search even in an approximate index.
	Exact bool
}

// Resolve applies opts in order to a zero Options and returns the first
// option's error. Nil options are skipped.
func Resolve[O ~func(*Options) error](opts []O) (Options, error) {
	var o Options
	for _, f := range opts {
		if f == nil {
			continue
		}
		if err := f(&o); err != nil {
			return Options{}, err
		}
	}
	return o, nil
}
