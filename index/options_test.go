// This file tests ResolveSearch (options apply in order, nil ones are
// skipped, the first error stops the resolution with zero SearchOptions)
// and Cond: Check, Match, Opaque and WithWhere's ANDing.

package index

import (
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestResolveSearch(t *testing.T) {
	o, err := ResolveSearch(WithEf(3), nil, WithEf(7), WithExact())
	if err != nil || o.Ef != 7 || !o.Exact || o.Filter != nil || o.Where != nil {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = ResolveSearch(WithEf(3), WithEf(0), WithEf(9))
	if !errors.Is(err, errs.ErrInvalidOption) || o.Ef != 0 {
		t.Fatalf("%+v %v, want zero SearchOptions and ErrInvalidOption", o, err)
	}
	if o, err := ResolveSearch(); err != nil || o.Ef != 0 || o.Exact {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = ResolveSearch(WithWhere(Eq("a", "1")), WithWhere(Exists("b")))
	if err != nil || o.Where == nil || o.Where.Op != CondAnd || len(o.Where.Args) != 2 {
		t.Fatalf("two WithWhere: %+v %v", o.Where, err)
	}
	if _, err := ResolveSearch(WithWhere(Cond{Op: CondNot})); !errors.Is(err, errs.ErrInvalidOption) || !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("malformed: %v", err)
	}
}

func TestCond(t *testing.T) {
	d := Doc{Key: "k1", Metadata: map[string]string{"lang": "ko", "n": "3"}}
	for _, tc := range []struct {
		c    Cond
		want bool
	}{
		{Eq("lang", "ko"), true},
		{Eq("lang", "en"), false},
		{Eq("missing", ""), false},
		{In("n", "1", "3"), true},
		{In("n"), false},
		{Not(In("missing", "x")), true},
		{Exists("n"), true},
		{Exists("missing"), false},
		{KeyIn("k0", "k1"), true},
		{KeyIn(), false},
		{And(), true},
		{Or(), false},
		{And(Eq("lang", "ko"), Not(Eq("n", "4"))), true},
		{Or(Eq("lang", "en"), Exists("missing")), false},
		{Opaque("f"), false},
	} {
		if err := tc.c.Check(); err != nil {
			t.Fatalf("%+v: %v", tc.c, err)
		}
		if got := tc.c.Match(d); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.c, got, tc.want)
		}
	}
	deep := Eq("a", "b")
	for range maxCondDepth + 1 {
		deep = Not(deep)
	}
	for _, bad := range []Cond{{}, {Op: CondEq, Key: "a"}, {Op: CondNot}, {Op: 99}, And(Eq("a", "b"), Cond{Op: CondEq}), deep} {
		if err := bad.Check(); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if name, ok := And(Eq("a", "b"), Or(Opaque("FilterFunc"))).Opaque(); !ok || name != "FilterFunc" {
		t.Fatal(name, ok)
	}
	if _, ok := And(Eq("a", "b")).Opaque(); ok {
		t.Fatal("no opaque leaf")
	}
}
