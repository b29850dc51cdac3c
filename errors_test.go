// This file tests that bad input gets clear, wrapped errors and leaves the
// collection unchanged: invalid documents, k, vectors, misbehaving
// encoders, failures and cancellation in the middle of an Add.

package ganada_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/flat"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/hnsw"
)

func TestNewCollectionErrors(t *testing.T) {
	enc := newHashEncoder(8)
	cases := []struct {
		name string
		enc  embed.Encoder
		opts []ganada.Option
	}{
		{"nil encoder", nil, nil},
		{"zero dim", newHashEncoder(0), nil},
	}
	for _, tc := range cases {
		var err error
		if tc.enc == nil {
			_, err = ganada.NewCollection(nil, tc.opts...)
		} else {
			_, err = ganada.NewCollection(tc.enc, tc.opts...)
		}
		if !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("%s: err = %v, want errs.ErrInvalidInput", tc.name, err)
		}
	}
	if _, err := ganada.NewCollection(enc, ganada.WithBatchSize(0)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("batch 0: err = %v, want errs.ErrInvalidOption", err)
	}
}

// TestInvalidOptions: every invalid option fails NewCollection and Load
// alike, with an error wrapping errs.ErrInvalidOption that names the
// option. Index options pass through to the index package, which validates
// them once: WithEfSearch(1<<40) used to wrap only the index's sentinel from
// NewCollection (the root checked only ef > 0 and left the upper bound to
// the index) and was accepted by Load, whose queries then ran with that
// beam width.
func TestInvalidOptions(t *testing.T) {
	enc := newHashEncoder(8)
	path := saveTemp(t, newCol(t, enc))
	cases := []struct {
		name string // what the message must name
		opt  ganada.Option
	}{
		{"WithMetric(Metric(0))", ganada.WithMetric(0)},
		{"WithM(1)", ganada.WithHNSW(hnsw.WithM(1))},
		{"WithM(257)", ganada.WithHNSW(hnsw.WithM(257))},
		{"WithEfConstruction(0)", ganada.WithHNSW(hnsw.WithEfConstruction(0))},
		{"WithEfConstruction(1099511627776)", ganada.WithHNSW(hnsw.WithEfConstruction(1 << 40))},
		{"WithEfConstruction(65537)", ganada.WithHNSW(hnsw.WithEfConstruction(hnsw.MaxEf + 1))},
		{"WithEfSearch(-1)", ganada.WithHNSW(hnsw.WithEfSearch(-1))},
		{"WithEfSearch(1099511627776)", ganada.WithHNSW(hnsw.WithEfSearch(1 << 40))},
		{"WithEfSearch(65537)", ganada.WithHNSW(hnsw.WithEfSearch(hnsw.MaxEf + 1))},
		{"WithEfSearch(-9223372036854775808)", ganada.WithHNSW(hnsw.WithEfSearch(math.MinInt))},
		{"WithCapacity(-1)", ganada.WithHNSW(hnsw.WithCapacity(-1))},
		{"WithWorkers(-1)", ganada.WithFlat(flat.WithWorkers(-1))},
		{"WithBatchSize(0)", ganada.WithBatchSize(0)},
		{"WithBatchSize(-1)", ganada.WithBatchSize(-1)},
	}
	for _, tc := range cases {
		_, errNew := ganada.NewCollection(enc, tc.opt)
		_, errLoad := ganada.Load(ctx, path, enc, tc.opt)
		for what, err := range map[string]error{"NewCollection": errNew, "Load": errLoad} {
			name := tc.name
			if what == "Load" && strings.HasPrefix(name, "WithWorkers") {
				name = "WithFlat: the saved collection uses hnsw" // the kind is checked first
			}
			if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s %s: %v, want errs.ErrInvalidOption naming it", what, tc.name, err)
			}
		}
	}
	// WithHNSW and WithFlat exclude each other.
	for _, opts := range [][]ganada.Option{{ganada.WithHNSW(), ganada.WithFlat()}, {ganada.WithFlat(), ganada.WithHNSW()}} {
		if _, err := ganada.NewCollection(enc, opts...); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("WithHNSW and WithFlat: %v, want errs.ErrInvalidOption", err)
		}
	}
	// The bounds themselves are valid, for both.
	for _, ef := range []int{1, hnsw.MaxEf} {
		if _, err := ganada.NewCollection(enc, ganada.WithHNSW(hnsw.WithEfSearch(ef), hnsw.WithEfConstruction(ef))); err != nil {
			t.Errorf("NewCollection ef %d: %v", ef, err)
		}
		if _, err := ganada.Load(ctx, path, enc, ganada.WithHNSW(hnsw.WithEfSearch(ef))); err != nil {
			t.Errorf("Load efSearch %d: %v", ef, err)
		}
	}
}

// snapshot captures what a collection holds, to assert a failed call left
// it unchanged.
func snapshot(t *testing.T, c *ganada.Collection) map[string]ganada.Document {
	t.Helper()
	out := map[string]ganada.Document{}
	for _, id := range c.IDs() {
		d, _ := c.Get(id)
		out[id] = d
	}
	return out
}

func TestAddInvalidDocuments(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, ganada.Document{ID: "keep", Text: "alpha"}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, c)
	good := ganada.Document{ID: "new", Text: "beta"}
	cases := []struct {
		name string
		doc  ganada.Document
		want error
	}{
		{"empty ID", ganada.Document{Text: "x"}, errs.ErrInvalidInput},
		{"invalid UTF-8 ID", ganada.Document{ID: "a\xff", Text: "x"}, errs.ErrInvalidInput},
		{"invalid UTF-8 metadata", ganada.Document{ID: "m", Text: "x", Metadata: map[string]string{"k": "\xfe"}}, errs.ErrInvalidInput},
		{"invalid UTF-8 text", ganada.Document{ID: "t", Text: "bad \xff text"}, errs.ErrInvalidInput},
	}
	for _, tc := range cases {
		err := c.Add(ctx, good, tc.doc)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if got := snapshot(t, c); !reflect.DeepEqual(got, before) {
			t.Fatalf("%s: a failed Add changed the collection", tc.name)
		}
	}
	if err := c.Add(ctx); err != nil {
		t.Fatalf("Add() with no documents: %v", err)
	}
}

func TestAddMisbehavingEncoder(t *testing.T) {
	cases := []struct {
		name  string
		setup func(*hashEncoder)
		want  []error
	}{
		{"NaN", func(e *hashEncoder) { e.nanWord = "poison" }, []error{errs.ErrInvalidVector, errs.ErrInvalidVector}},
		{"too few vectors", func(e *hashEncoder) { e.short = true }, []error{errs.ErrEncoder}},
		{"wrong length", func(e *hashEncoder) { e.longDim = true }, []error{errs.ErrEncoder, errs.ErrDimension}},
		{"zero vector", func(e *hashEncoder) {}, []error{errs.ErrInvalidVector, errs.ErrInvalidVector}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc := newHashEncoder(8)
			c := newCol(t, enc)
			if err := c.Add(ctx, ganada.Document{ID: "keep", Text: "alpha"}); err != nil {
				t.Fatal(err)
			}
			tc.setup(enc)
			err := c.Add(ctx, ganada.Document{ID: "a", Text: "fine words"}, ganada.Document{ID: "bad", Text: "poison !!"}, ganada.Document{ID: "z", Text: "..."})
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if c.Len() != 1 || c.Contains("a") {
				t.Fatal("a failed Add changed the collection")
			}
			if tc.name == "NaN" && !strings.Contains(err.Error(), `"bad"`) {
				t.Errorf("error %q does not name the document", err)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(20, 9)...); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{0, -1} {
		if _, err := c.Query(ctx, "alpha", k); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("k=%d: %v", k, err)
		}
		if _, err := c.QueryVector(ctx, make([]float32, 8), k); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("QueryVector k=%d: %v", k, err)
		}
	}
	v := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	if _, err := c.QueryVector(ctx, v[:7], 3); !errors.Is(err, errs.ErrDimension) {
		t.Errorf("short vector: %v", err)
	}
	nan := append([]float32(nil), v...)
	nan[3] = float32(math.NaN())
	if _, err := c.QueryVector(ctx, nan, 3); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("NaN vector: %v", err)
	}
	inf := append([]float32(nil), v...)
	inf[0] = float32(math.Inf(-1))
	if _, err := c.QueryVector(ctx, inf, 3); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("Inf vector: %v", err)
	}
	if _, err := c.QueryVector(ctx, make([]float32, 8), 3); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("zero vector under cosine: %v", err)
	}
	if _, err := c.Query(ctx, "!!! ...", 3); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("query with no words: %v", err)
	}
	if _, err := c.Query(ctx, "bad \xff", 3); !errors.Is(err, errInvalidText) {
		t.Errorf("invalid UTF-8 query: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Query(cctx, "alpha", 3); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: %v", err)
	}
	if _, err := c.QueryVector(cctx, v, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled QueryVector: %v", err)
	}
	if err := c.Add(cctx, ganada.Document{ID: "q", Text: "alpha"}); !errors.Is(err, context.Canceled) || c.Contains("q") {
		t.Errorf("cancelled Add: %v", err)
	}
	if err := c.Delete(cctx, "doc-0001"); !errors.Is(err, context.Canceled) || !c.Contains("doc-0001") {
		t.Errorf("cancelled Delete: %v", err)
	}
	// Dot and L2 accept zero vectors.
	d := newCol(t, enc, ganada.WithMetric(index.Dot), ganada.WithFlat())
	if err := d.Add(ctx, ganada.Document{ID: "z", Text: "..."}, ganada.Document{ID: "a", Text: "alpha"}); err != nil {
		t.Fatalf("zero vector under Dot: %v", err)
	}
}

func TestAddAllOrNothing(t *testing.T) {
	docs := corpus(3000, 10)
	prepare := func(t *testing.T, opts ...ganada.Option) (*hashEncoder, *ganada.Collection, []ganada.Document, map[string]ganada.Document) {
		enc := newHashEncoder(8)
		c := newCol(t, enc, append(opts, ganada.WithBatchSize(100), ganada.WithHNSW(hnsw.WithM(4), hnsw.WithEfConstruction(16)))...)
		if err := c.Add(ctx, docs[:50]...); err != nil {
			t.Fatal(err)
		}
		// The failing call both replaces existing documents and adds new ones.
		update := append([]ganada.Document(nil), docs[:2500]...)
		for i := 0; i < 50; i++ {
			update[i].Text = "replacement text"
		}
		return enc, c, update, snapshot(t, c)
	}
	check := func(t *testing.T, c *ganada.Collection, before map[string]ganada.Document) {
		t.Helper()
		if got := snapshot(t, c); !reflect.DeepEqual(got, before) {
			t.Fatal("a failed Add changed the collection")
		}
		hits, err := c.Query(ctx, docs[3].Text, 1)
		if err != nil || hits[0].ID != docs[3].ID {
			t.Fatalf("old vectors lost: %v %v", hits, err)
		}
		all, err := c.Query(ctx, "alpha", 1000, ganada.WithExactSearch())
		if err != nil || len(all) != 50 {
			t.Fatalf("index holds %d documents after a failed Add, want 50 (%v)", len(all), err)
		}
	}
	t.Run("encoder fails mid-way", func(t *testing.T) {
		enc, c, update, before := prepare(t)
		enc.failOn = enc.calls + 5
		if err := c.Add(ctx, update...); err == nil || !strings.Contains(err.Error(), "injected") {
			t.Fatalf("err = %v", err)
		}
		check(t, c, before)
	})
	t.Run("cancelled while encoding", func(t *testing.T) {
		enc, c, update, before := prepare(t)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		enc.cancel, enc.cancelOn = cancel, enc.calls+3
		if err := c.Add(cctx, update...); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		check(t, c, before)
	})
	t.Run("cancelled while indexing", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		armed := false
		_, c, update, before := prepare(t, ganada.WithProgress(func(p ganada.Progress) {
			if armed && p.Indexed > 0 {
				cancel()
			}
		}))
		armed = true
		if err := c.Add(cctx, update...); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		check(t, c, before)
		// And the collection still works for writes.
		armed = false
		if err := c.Add(ctx, update...); err != nil || c.Len() != 2500 {
			t.Fatalf("Add after a cancelled Add: %v, Len %d", err, c.Len())
		}
	})
}

func TestDelegatesToStaticEncoder(t *testing.T) {
	enc, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ganada.NewCollection(enc)
	if err != nil {
		t.Fatal(err)
	}
	// Invalid UTF-8 text is rejected before it reaches the encoder; a
	// query's reaches it.
	err = c.Add(ctx, ganada.Document{ID: "a", Text: "bad \xff"})
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("invalid UTF-8 text: %v, want errs.ErrInvalidInput", err)
	}
	if _, err := c.Query(ctx, "bad \xff", 1); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("invalid UTF-8 query: %v, want errs.ErrInvalidInput", err)
	}
	err = c.Add(ctx, ganada.Document{ID: "ko", Text: "한국어 문장"})
	if !errors.Is(err, errs.ErrInvalidVector) || !strings.Contains(err.Error(), "zero vector") {
		t.Fatalf("text with no known word: %v", err)
	}
	strict, err := glove.Load(static.WithErrorOnNoKnownTokens(true))
	if err != nil {
		t.Fatal(err)
	}
	c, _ = ganada.NewCollection(strict)
	if err := c.Add(ctx, ganada.Document{ID: "ko", Text: "한국어 문장"}); !errors.Is(err, errs.ErrNoKnownTokens) {
		t.Fatalf("strict encoder: %v", err)
	}
}

// TestQueryOptions: a query option with a bad value fails the query with
// errs.ErrInvalidOption naming it (the index validates the beam width);
// nil options are skipped.
func TestQueryOptions(t *testing.T) {
	enc := newHashEncoder(8)
	c := newCol(t, enc)
	if err := c.Add(ctx, corpus(20, 5)...); err != nil {
		t.Fatal(err)
	}
	for _, ef := range []int{0, -1} {
		_, err := c.Query(ctx, "alpha", 3, ganada.WithQueryEf(ef))
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), fmt.Sprintf("WithEf(%d)", ef)) {
			t.Errorf("WithQueryEf(%d): %v, want errs.ErrInvalidOption naming it", ef, err)
		}
	}
	if hits, err := c.Query(ctx, "alpha", 3, nil, ganada.WithQueryEf(1), ganada.WithFilter()); err != nil || len(hits) != 3 {
		t.Errorf("WithQueryEf(1) and nil options: %d hits, %v", len(hits), err)
	}
}
