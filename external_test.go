// This file tests WithIndex and Open over an index the caller builds (here
// an in-process flat index; index/pgvector tests the database backend),
// and FilterFunc, the Go-function Filter.

package ganada_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
)

func TestWithIndex(t *testing.T) {
	enc := newHashEncoder(16)
	x, err := flat.New(16, index.Dot)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ganada.NewCollection(enc, ganada.WithIndex(x))
	if err != nil {
		t.Fatal(err)
	}
	if c.Index() != ganada.External || c.Metric() != index.Dot || c.Index().String() != "external" {
		t.Fatalf("%v %v", c.Index(), c.Metric())
	}
	ref := newCol(t, enc, ganada.WithFlat(), ganada.WithMetric(index.Dot))
	docs := corpus(200, 3)
	for _, col := range []*ganada.Collection{c, ref} {
		if err := col.Add(ctx, docs...); err != nil {
			t.Fatal(err)
		}
	}
	if x.Len() != 200 {
		t.Fatalf("the external index holds %d vectors", x.Len())
	}
	f := ganada.Or(ganada.Where("lang", "ko"), ganada.FilterFunc(func(d ganada.Document) bool { return d.Metadata["topic"] == "sport" }))
	a, err := c.Query(ctx, "alpha beta", 10, ganada.WithFilter(f))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ref.Query(ctx, "alpha beta", 10, ganada.WithFilter(f))
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("external flat %v\nbuilt-in flat %v", a, b)
	}
	// The collection file cannot hold an external index.
	if err := c.Save(ctx, t.TempDir()+"/c.gnd"); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatalf("Save: %v", err)
	}
	// A full index that stores no documents cannot be opened or reused.
	if _, err := ganada.NewCollection(enc, ganada.WithIndex(x)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatal(err)
	}
	if _, err := ganada.Open(ctx, enc, ganada.WithIndex(x)); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatal(err)
	}
	// Option checks.
	y, _ := flat.New(8, index.Cosine)
	z, _ := flat.New(16, index.Cosine)
	for name, opts := range map[string][]ganada.Option{
		"nil":       {ganada.WithIndex(nil)},
		"with flat": {ganada.WithIndex(y), ganada.WithFlat()},
		"with hnsw": {ganada.WithHNSW(), ganada.WithIndex(y)},
		"metric":    {ganada.WithIndex(z), ganada.WithMetric(index.L2)},
		"dimension": {ganada.WithIndex(y)},
	} {
		_, err := ganada.NewCollection(enc, opts...)
		want := errs.ErrInvalidOption
		if name == "dimension" {
			want = errs.ErrDimension
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	// Load and Read take their index from the file.
	path := t.TempDir() + "/r.gnd"
	if err := ref.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, err := ganada.Load(ctx, path, enc, ganada.WithIndex(y)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatal(err)
	}
	// Open without WithIndex is NewCollection.
	if c, err := ganada.Open(ctx, enc); err != nil || c.Index() != ganada.HNSW {
		t.Fatal(err)
	}
}

// TestFilterConds: the built-in filters describe themselves as the
// index.Cond they evaluate; FilterFunc leaves are Opaque.
func TestFilterConds(t *testing.T) {
	f := ganada.And(ganada.Where("a", "1"), ganada.Not(ganada.WhereIn("b", "x", "y")), ganada.Or(ganada.WhereExists("c"), ganada.WhereID("d1")))
	want := index.And(index.Eq("a", "1"), index.Not(index.In("b", "x", "y")), index.Or(index.Exists("c"), index.KeyIn("d1")))
	if !reflect.DeepEqual(f.Cond(), want) {
		t.Fatalf("%+v\nwant %+v", f.Cond(), want)
	}
	g := ganada.Not(ganada.And(ganada.Where("a", "1"), ganada.FilterFunc(func(ganada.Document) bool { return true })))
	if name, ok := g.Cond().Opaque(); !ok || name != "FilterFunc" {
		t.Fatal(name, ok)
	}
	d := ganada.Document{ID: "d1", Metadata: map[string]string{"a": "1"}}
	if !f.Match(d) || g.Match(d) || ganada.FilterFunc(nil) != nil || ganada.Not(nil).Match(d) {
		t.Fatal("Match")
	}
}
