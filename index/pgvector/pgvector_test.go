// This file tests the index against the flat index (exact search on the
// same data as the reference), its filters against index.Cond.Match,
// deletes, upserts, and the errors of bad input: a lost connection in the
// middle of a batch, tables of the wrong shape, unsupported filters and
// cancelled contexts.

package pgvector_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/pgvector"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// open opens a fresh table, dropped when t ends.
func open(t *testing.T, pool *pgxpool.Pool, name string, dim int, m index.Metric, opts ...pgvector.Option) *pgvector.Index {
	t.Helper()
	x, err := pgvector.Open(ctxT(t), pool, name, dim, m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = x.Drop(ctx)
	})
	return x
}

func randVecs(r *rand.Rand, n, dim int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		out[i] = v
	}
	return out
}

func seq(n int, from uint64) []uint64 {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = from + uint64(i)
	}
	return ids
}

func recall(got, want []index.Result) float64 {
	in := map[uint64]bool{}
	for _, r := range want {
		in[r.ID] = true
	}
	hit := 0
	for _, r := range got {
		if in[r.ID] {
			hit++
		}
	}
	return float64(hit) / float64(max(len(want), 1))
}

// TestParityWithFlat: exact searches return the flat index's ids and
// scores on the same data, under every metric, and approximate ones most of
// them.
func TestParityWithFlat(t *testing.T) {
	pool := newPool(t)
	ctx := ctxT(t)
	const n, dim, k = 400, 24, 10
	r := rand.New(rand.NewPCG(1, 2))
	vecs := randVecs(r, n, dim)
	ids := seq(n, 1)
	queries := randVecs(r, 8, dim)
	for _, tc := range []struct {
		m    index.Metric
		half bool
	}{{index.Cosine, false}, {index.Dot, false}, {index.L2, false}, {index.Cosine, true}} {
		name := tc.m.String()
		if tc.half {
			name += "_half"
		}
		t.Run(name, func(t *testing.T) {
			var opts []pgvector.Option
			if tc.half {
				opts = append(opts, pgvector.WithHalfVec())
			}
			x := open(t, pool, tableName(name), dim, tc.m, opts...)
			ref, _ := flat.New(dim, tc.m)
			if err := ref.AddBatch(ctx, ids, vecs); err != nil {
				t.Fatal(err)
			}
			if err := x.AddBatch(ctx, ids, vecs); err != nil {
				t.Fatal(err)
			}
			if x.Len() != n {
				t.Fatalf("Len %d, want %d", x.Len(), n)
			}
			tol := 2e-5
			if tc.half {
				tol = 2e-2 * float64(dim) // half precision of each component
				if tc.m == index.Cosine {
					tol = 2e-3
				}
			}
			var sumRecall float64
			for qi, q := range queries {
				want, _ := ref.Search(ctx, q, k)
				got, err := x.Search(ctx, q, k, index.WithExact())
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != k {
					t.Fatalf("query %d: %d results, want %d", qi, len(got), k)
				}
				for i := range got {
					// Exact: the same ids in the same order (random data has no
					// near ties), scores as the float64-accumulating flat
					// index's up to float32 rounding.
					if !tc.half && got[i].ID != want[i].ID {
						t.Fatalf("query %d rank %d: id %d, flat has %d", qi, i, got[i].ID, want[i].ID)
					}
					if d := float64(got[i].Score - want[i].Score); !tc.half && (d > tol*max(1, abs(want[i].Score)) || -d > tol*max(1, abs(want[i].Score))) {
						t.Fatalf("query %d rank %d: score %v, flat %v", qi, i, got[i].Score, want[i].Score)
					}
				}
				if tc.half && recall(got, want) < 0.8 {
					t.Fatalf("query %d: halfvec exact recall %.2f", qi, recall(got, want))
				}
				approx, err := x.Search(ctx, q, k, index.WithEf(64))
				if err != nil {
					t.Fatal(err)
				}
				sumRecall += recall(approx, want)
			}
			if avg := sumRecall / float64(len(queries)); avg < 0.9 {
				t.Fatalf("HNSW recall@%d %.3f, want ≥ 0.9", k, avg)
			}
			// Vector returns what was stored (unit-normalised under Cosine).
			v, err := x.Vector(ids[3])
			if err != nil {
				t.Fatal(err)
			}
			w, _ := ref.Vector(ids[3])
			for i := range v {
				if d := float64(v[i] - w[i]); d > 1e-2 || d < -1e-2 || (!tc.half && v[i] != w[i]) {
					t.Fatalf("Vector component %d: %v, flat %v", i, v[i], w[i])
				}
			}
		})
	}
}

func abs(f float32) float64 {
	if f < 0 {
		return -float64(f)
	}
	return float64(f)
}

// TestFilters: every Cond admits exactly the documents index.Cond.Match
// admits, in the flat index's order; approximate searches still return k
// hits (iterative scans) when k documents match.
func TestFilters(t *testing.T) {
	pool := newPool(t)
	ctx := ctxT(t)
	const n, dim = 500, 16
	r := rand.New(rand.NewPCG(3, 4))
	vecs := randVecs(r, n, dim)
	ids := seq(n, 100)
	docs := make([]index.Doc, n)
	langs := []string{"ko", "en", "fr", "de"}
	for i := range docs {
		md := map[string]string{"lang": langs[i%4], "mod7": fmt.Sprint(i % 7)}
		if i%10 == 0 {
			md["rare"] = "yes"
		}
		if i%3 == 0 {
			md["quote"] = `it's "quoted" \ ok`
		}
		docs[i] = index.Doc{Key: fmt.Sprintf("doc-%03d", i), Text: fmt.Sprintf("text %d", i), Metadata: md}
	}
	x := open(t, pool, tableName("filters"), dim, index.Cosine)
	if err := x.AddDocuments(ctx, ids, vecs, docs); err != nil {
		t.Fatal(err)
	}
	byID := map[uint64]index.Doc{}
	for i, id := range ids {
		byID[id] = docs[i]
	}
	ref, _ := flat.New(dim, index.Cosine)
	ref.AddBatch(ctx, ids, vecs)
	conds := map[string]index.Cond{
		"eq":            index.Eq("lang", "ko"),
		"eq-quoted":     index.Eq("quote", `it's "quoted" \ ok`),
		"in":            index.In("mod7", "1", "3"),
		"in-empty":      index.In("lang"),
		"exists":        index.Exists("rare"),
		"key-in":        index.KeyIn("doc-001", "doc-250", "doc-499", "absent"),
		"and":           index.And(index.Eq("lang", "en"), index.In("mod7", "0", "2", "4")),
		"or":            index.Or(index.Eq("lang", "fr"), index.Exists("rare")),
		"not":           index.Not(index.Eq("lang", "ko")),
		"missing-key":   index.Eq("nokey", "x"),
		"not-missing":   index.Not(index.In("nokey", "x")),
		"exists-absent": index.Exists("nokey"),
		"empty-and":     index.And(),
		"empty-or":      index.Or(),
		"selective":     index.And(index.Exists("rare"), index.Eq("lang", "de"), index.Not(index.Eq("mod7", "3"))),
	}
	q := randVecs(r, 1, dim)[0]
	for name, c := range conds {
		t.Run(name, func(t *testing.T) {
			want, _ := ref.Search(ctx, q, 10, index.WithFilter(func(id uint64) bool { return c.Match(byID[id]) }))
			got, err := x.Search(ctx, q, 10, index.WithWhere(c), index.WithExact())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d hits, flat with Cond.Match has %d", len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID {
					t.Fatalf("rank %d: id %d, want %d", i, got[i].ID, want[i].ID)
				}
			}
			approx, err := x.Search(ctx, q, 10, index.WithWhere(c), index.WithEf(10))
			if err != nil {
				t.Fatal(err)
			}
			if len(approx) != len(want) {
				t.Fatalf("approximate: %d hits, %d documents match (iterative scan should find them)", len(approx), len(want))
			}
			for _, h := range approx {
				if !c.Match(byID[h.ID]) {
					t.Fatalf("approximate hit %d not admitted", h.ID)
				}
			}
		})
	}
	// Documents reads back what was written, in id order.
	var got []uint64
	err := x.Documents(ctx, func(id uint64, d index.Doc) error {
		w := byID[id]
		if d.Key != w.Key || d.Text != w.Text || fmt.Sprint(d.Metadata) != fmt.Sprint(w.Metadata) {
			return fmt.Errorf("id %d: %+v, want %+v", id, d, w)
		}
		got = append(got, id)
		return nil
	})
	if err != nil || len(got) != n || got[0] != ids[0] || got[n-1] != ids[n-1] {
		t.Fatalf("Documents: %d ids, %v", len(got), err)
	}
}

// TestUnsupported: Go filters cannot run in the database, nor can the
// index be written to a file.
func TestUnsupported(t *testing.T) {
	pool := newPool(t)
	ctx := ctxT(t)
	x := open(t, pool, tableName("unsup"), 4, index.Dot)
	q := []float32{1, 0, 0, 0}
	if _, err := x.Search(ctx, q, 3, index.WithFilter(func(uint64) bool { return true })); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatalf("WithFilter: %v", err)
	}
	if _, err := x.Search(ctx, q, 3, index.WithWhere(index.And(index.Eq("a", "b"), index.Opaque("FilterFunc")))); !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "FilterFunc") {
		t.Fatalf("Opaque: %v", err)
	}
	if _, err := x.Search(ctx, q, 3, index.WithWhere(index.Cond{Op: index.CondEq, Key: "a"})); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("malformed Cond: %v", err)
	}
	if _, err := x.WriteTo(nil); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatal(err)
	}
	if _, err := x.Search(ctx, q, 0); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatal(err)
	}
	if _, err := x.Search(ctx, q[:3], 1); !errors.Is(err, errs.ErrDimension) {
		t.Fatal(err)
	}
	if err := x.Add(ctx, 1, []float32{1, float32(nan()), 0, 0}); !errors.Is(err, errs.ErrInvalidVector) {
		t.Fatal(err)
	}
	if err := x.AddDocuments(ctx, []uint64{1}, [][]float32{q}, []index.Doc{{Key: "a\x00b"}}); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("NUL: %v", err)
	}
	if x.Len() != 0 {
		t.Fatal("a rejected write left rows")
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestDeleteUpsert: an id added again is replaced (vector, and document
// with AddDocuments; AddBatch keeps the document); deletes remove it from
// searches; an absent id is ErrNotFound. A batch repeating an id keeps the
// last vector.
func TestDeleteUpsert(t *testing.T) {
	pool := newPool(t)
	ctx := ctxT(t)
	x := open(t, pool, tableName("upsert"), 3, index.L2)
	e1, e2, e3 := []float32{1, 0, 0}, []float32{0, 1, 0}, []float32{0, 0, 1}
	if err := x.AddDocuments(ctx, []uint64{1, 2}, [][]float32{e1, e2}, []index.Doc{{Key: "a", Text: "one"}, {Key: "b", Text: "two"}}); err != nil {
		t.Fatal(err)
	}
	if err := x.AddDocuments(ctx, []uint64{1}, [][]float32{e3}, []index.Doc{{Key: "a", Text: "uno", Metadata: map[string]string{"v": "2"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(ctx, e3, 1)
	if err != nil || len(res) != 1 || res[0].ID != 1 || res[0].Score != 0 {
		t.Fatalf("after upsert: %v %v", res, err)
	}
	if err := x.AddBatch(ctx, []uint64{2, 3, 2}, [][]float32{e1, e2, e3}); err != nil {
		t.Fatal(err)
	}
	if v, _ := x.Vector(2); v[2] != 1 {
		t.Fatalf("repeated id: %v, want the last vector", v)
	}
	docs := map[uint64]index.Doc{}
	x.Documents(ctx, func(id uint64, d index.Doc) error { docs[id] = d; return nil })
	if docs[1].Text != "uno" || docs[1].Metadata["v"] != "2" || docs[2].Text != "two" || len(docs) != 2 {
		t.Fatalf("documents after upserts: %+v", docs) // id 3 has no document
	}
	if err := x.Delete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, 1); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := x.Vector(1); !errors.Is(err, errs.ErrNotFound) {
		t.Fatal(err)
	}
	res, _ = x.Search(ctx, e3, 10)
	if len(res) != 2 || x.Contains(1) || !x.Contains(3) || x.Len() != 2 {
		t.Fatalf("after delete: %v", res)
	}
	// Ids use all 64 bits.
	big := uint64(1<<63 + 5)
	if err := x.Add(ctx, big, e1); err != nil || !x.Contains(big) {
		t.Fatal(err)
	}
	if res, _ := x.Search(ctx, e1, 1); res[0].ID != big {
		t.Fatalf("%v", res)
	}
}

// TestPlanUsesHNSW: the searches the other tests make use the HNSW index
// (the harness disables sequential scans), with and without a filter, and
// WithExact's does not.
func TestPlanUsesHNSW(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	name := tableName("plan")
	x := open(t, pool, name, 24, index.Cosine)
	r := rand.New(rand.NewPCG(1, 2))
	if err := x.AddBatch(ctx, seq(400, 1), randVecs(r, 400, 24)); err != nil {
		t.Fatal(err)
	}
	q := "[1" + strings.Repeat(",0", 23) + "]"
	explain := func(setup, where string) string {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if setup != "" {
			if _, err := tx.Exec(ctx, setup); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := tx.Query(ctx, "EXPLAIN SELECT id FROM "+name+" WHERE "+where+" ORDER BY embedding <=> '"+q+"'::vector(24) LIMIT 10")
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	for _, where := range []string{"TRUE", "metadata @> jsonb_build_object('a'::text, 'b'::text)"} {
		if p := explain("", where); !strings.Contains(p, "Index Scan using "+name+"_embedding_idx") {
			t.Fatalf("WHERE %s: plan does not use the HNSW index:\n%s", where, p)
		}
	}
	if p := explain("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = on", "TRUE"); !strings.Contains(p, "Seq Scan") {
		t.Fatalf("exact: %s", p)
	}
}
