// This file tests Resolve: options apply in order, nil ones are skipped and
// the first error stops the resolution with zero Options.

package searchopt

import (
	"errors"
	"testing"
)

type opt func(*Options) error

func TestResolve(t *testing.T) {
	boom := errors.New("boom")
	ef := func(n int) opt { return func(o *Options) error { o.Ef = n; return nil } }
	o, err := Resolve([]opt{ef(3), nil, ef(7), func(o *Options) error { o.Exact = true; return nil }})
	if err != nil || o.Ef != 7 || !o.Exact {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = Resolve([]opt{ef(3), func(*Options) error { return boom }, ef(9)})
	if err != boom || o.Ef != 0 {
		t.Fatalf("%+v %v, want zero Options and boom", o, err)
	}
	if o, err := Resolve[opt](nil); err != nil || o.Ef != 0 || o.Exact || o.Filter != nil {
		t.Fatalf("%+v %v", o, err)
	}
}
