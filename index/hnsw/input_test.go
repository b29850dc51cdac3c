// This file tests the handling of bad input: wrong dimensions, NaN/Inf,
// zero vectors under cosine, k ≤ 0, bad options, an uninitialised index,
// and k larger than the index.

package hnsw

import (
	"context"
	"errors"
	"github.com/ganada/ganada/errs"
	"math"
	"strings"
	"testing"

	"github.com/ganada/ganada/index"
)

func TestBadInput(t *testing.T) {
	h, err := New(4, index.Cosine)
	if err != nil {
		t.Fatal(err)
	}
	ok := []float32{1, 2, 3, 4}
	maxCap := uint64(math.MaxUint32 - 1) // WithCapacity's largest n (wraps on 32-bit)
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name string
		err  error
		call func() error
	}{
		{"add short", errs.ErrDimension, func() error { return h.Add(ctx, 1, []float32{1, 2}) }},
		{"add NaN", errs.ErrInvalidVector, func() error { return h.Add(ctx, 1, []float32{1, nan, 0, 0}) }},
		{"add Inf", errs.ErrInvalidVector, func() error { return h.Add(ctx, 1, []float32{inf, 0, 0, 0}) }},
		{"add zero", errs.ErrInvalidVector, func() error { return h.Add(ctx, 1, make([]float32, 4)) }},
		{"batch mismatch", errs.ErrInvalidInput, func() error { return h.AddBatch(ctx, []uint64{1, 2}, [][]float32{ok}) }},
		{"batch bad vector", errs.ErrDimension, func() error { return h.AddBatch(ctx, []uint64{1, 2}, [][]float32{ok, {1}}) }},
		{"search k=0", errs.ErrInvalidInput, func() error { _, err := h.Search(ctx, ok, 0); return err }},
		{"search k<0", errs.ErrInvalidInput, func() error { _, err := h.Search(ctx, ok, -1); return err }},
		{"search dim", errs.ErrDimension, func() error { _, err := h.Search(ctx, ok[:3], 1); return err }},
		{"search NaN", errs.ErrInvalidVector, func() error { _, err := h.Search(ctx, []float32{nan, 1, 1, 1}, 1); return err }},
		{"search zero", errs.ErrInvalidVector, func() error { _, err := h.Search(ctx, make([]float32, 4), 1); return err }},
		{"delete missing", errs.ErrNotFound, func() error { return h.Delete(ctx, 77) }},
		{"new dim 0", errs.ErrInvalidInput, func() error { _, err := New(0, index.L2); return err }},
		{"new metric", errs.ErrInvalidInput, func() error { _, err := New(3, index.Metric(42)); return err }},
		{"new M", errs.ErrInvalidOption, func() error { _, err := New(3, index.L2, WithM(1)); return err }},
		{"new efC", errs.ErrInvalidOption, func() error { _, err := New(3, index.L2, WithEfConstruction(0)); return err }},
		{"new capacity<0", errs.ErrInvalidOption, func() error { _, err := New(3, index.L2, WithCapacity(-1)); return err }},
		{"new capacity×dim", errs.ErrInvalidOption, func() error {
			_, err := New(index.MaxDim, index.L2, WithCapacity(int(maxCap)))
			return err
		}},
		{"new capacity×links", errs.ErrInvalidOption, func() error {
			_, err := New(1, index.L2, WithM(256), WithCapacity(int(maxCap)))
			return err
		}},
		{"new capacity MaxInt", errs.ErrInvalidOption, func() error { _, err := New(4, index.L2, WithCapacity(math.MaxInt)); return err }},
		{"zero Index", errs.ErrInvalidInput, func() error { var z Index; return z.Add(ctx, 1, ok) }},
		{"zero Index delete", errs.ErrInvalidInput, func() error { var z Index; return z.Delete(ctx, 1) }},
		{"zero Index delete id", errs.ErrNotFound, func() error { var z Index; return z.Delete(ctx, 1) }},
		{"zero Index vector", errs.ErrNotFound, func() error { var z Index; _, err := z.Vector(1); return err }},
		{"zero Index search", errs.ErrInvalidInput, func() error { var z Index; _, err := z.Search(ctx, ok, 1); return err }},
	}
	for _, c := range cases {
		if err := c.call(); !errors.Is(err, c.err) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.err)
		}
	}
	if h.Len() != 0 {
		t.Fatalf("failed calls added vectors: Len = %d", h.Len())
	}
	if g, err := New(4, index.Cosine, nil, WithCapacity(8), nil); err != nil || g.Cap() != 8 {
		t.Fatalf("New with nil options: %v", err)
	}
	// The zero vector is fine under L2 and Dot.
	for _, m := range []index.Metric{index.L2, index.Dot} {
		g, _ := New(4, m)
		if err := g.Add(ctx, 1, make([]float32, 4)); err != nil {
			t.Errorf("%v: zero vector rejected: %v", m, err)
		}
	}
	// k larger than the index returns what exists, best first.
	for i := 0; i < 5; i++ {
		if err := h.Add(ctx, uint64(i), []float32{1, float32(i), 0, 1}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := h.Search(ctx, ok, 50)
	if err != nil || len(rs) != 5 {
		t.Fatalf("k > Len: %v %v", rs, err)
	}
	if rs, _ := (func() ([]index.Result, error) { e, _ := New(4, index.L2); return e.Search(ctx, ok, 3) })(); len(rs) != 0 {
		t.Fatalf("empty index returned %v", rs)
	}
}

func TestScoreConventions(t *testing.T) {
	q := []float32{1, 0}
	for _, c := range []struct {
		m    index.Metric
		v    []float32
		want float32
	}{
		{index.Cosine, []float32{3, 4}, 0.6},
		{index.Dot, []float32{3, 4}, 3},
		{index.L2, []float32{3, 4}, -(4 + 16)},
	} {
		h, _ := New(2, c.m)
		h.Add(ctx, 9, c.v)
		rs, err := h.Search(ctx, q, 1)
		if err != nil || len(rs) != 1 || rs[0].ID != 9 || math.Abs(float64(rs[0].Score-c.want)) > 1e-6 {
			t.Errorf("%v: got %v %v, want score %v", c.m, rs, err, c.want)
		}
	}
}

// TestReconfigure: Reconfigure changes the search beam width of a built or
// read index and rejects, unchanged, options that shape the graph, naming
// them; bad values fail as in New.
func TestReconfigure(t *testing.T) {
	h, err := New(2, index.L2, WithEfSearch(10))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Reconfigure(nil, WithEfSearch(33)); err != nil || h.EfSearch() != 33 {
		t.Fatalf("Reconfigure(WithEfSearch(33)): %v, ef %d", err, h.EfSearch())
	}
	for name, o := range map[string]Option{"WithM": WithM(4), "WithEfConstruction": WithEfConstruction(5), "WithSeed": WithSeed(2), "WithCapacity": WithCapacity(3), "WithEfSearch(0)": WithEfSearch(0)} {
		err := h.Reconfigure(WithEfSearch(77), o)
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), name) {
			t.Errorf("Reconfigure(%s): %v, want errs.ErrInvalidOption naming it", name, err)
		}
		if h.EfSearch() != 33 {
			t.Errorf("Reconfigure(%s) failed but changed ef to %d", name, h.EfSearch())
		}
	}
	if h.M() != DefaultM || h.EfConstruction() != DefaultEfConstruction || h.Seed() != 1 {
		t.Errorf("defaults: M %d efC %d seed %d", h.M(), h.EfConstruction(), h.Seed())
	}
	var z Index
	if err := z.Reconfigure(WithEfSearch(5)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("zero Index: %v", err)
	}
	if _, err := h.Search(ctx, []float32{1, 2}, 1, index.WithEf(0)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("Search WithEf(0): %v, want errs.ErrInvalidOption", err)
	}
}

// ctx is the context of the tests' calls.
var ctx = context.Background()

// TestCancelledContext: Add, AddBatch, Delete and Search return a done
// context's error and change nothing.
func TestCancelledContext(t *testing.T) {
	h, err := New(2, index.L2)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Add(ctx, 1, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	for name, err := range map[string]error{
		"Add":      h.Add(done, 2, []float32{3, 4}),
		"AddBatch": h.AddBatch(done, []uint64{3}, [][]float32{{5, 6}}),
		"Delete":   h.Delete(done, 1),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := h.Search(done, []float32{1, 2}, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Search: %v", err)
	}
	if h.Len() != 1 || !h.Contains(1) {
		t.Fatalf("a cancelled call changed the index: Len %d", h.Len())
	}
}
