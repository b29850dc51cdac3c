// This file tests what happens when things go wrong: a connection that
// drops in the middle of a batch (nothing of the batch is written), tables
// of another shape, dimension, metric, storage or encoder, and contexts
// cancelled before and during a call.

package pgvector_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/pgvector"
)

// faultyConn is a net.Conn that breaks after writing budget bytes.
type faultyConn struct {
	net.Conn
	budget *atomic.Int64 // bytes left before the connection drops
}

func (c *faultyConn) Write(p []byte) (int, error) {
	if c.budget.Add(-int64(len(p))) < 0 {
		c.Conn.Close()
		return 0, errors.New("test: connection dropped")
	}
	return c.Conn.Write(p)
}

// TestDroppedConnectionMidBatch: a batch whose connection drops after part
// of it was sent writes nothing, and the error says so.
func TestDroppedConnectionMidBatch(t *testing.T) {
	ctx := ctxT(t)
	good := newPool(t)
	name := tableName("drop")
	x := open(t, good, name, 8, index.Cosine)
	r := rand.New(rand.NewPCG(5, 6))
	if err := x.AddBatch(ctx, seq(10, 1), randVecs(r, 10, 8)); err != nil {
		t.Fatal(err)
	}

	// The same table through a pool whose connections drop after enough
	// bytes for the transaction's first statements and part of the rows:
	// 2500 rows go in three statements under BulkUnnest, one COPY stream
	// under BulkCopy.
	budget := new(atomic.Int64)
	cfg := poolConfig(t)
	cfg.MaxConns = 1
	dial := cfg.ConnConfig.DialFunc
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &faultyConn{Conn: c, budget: budget}, nil
	}
	budget.Store(1 << 30)
	bad := poolFrom(t, cfg)
	y, err := pgvector.Open(ctx, bad, name, 8, index.Cosine)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2500
	ids := seq(n, 1000)
	docs := make([]index.Doc, n)
	for i := range docs {
		docs[i] = index.Doc{Key: fmt.Sprint("k", i), Text: strings.Repeat("x", 50)}
	}
	budget.Store(150_000) // about 1.5 of the three chunks of ~90 kB
	err = y.AddDocuments(ctx, ids, randVecs(r, n, 8), docs)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("AddDocuments over a dropping connection: %v", err)
	}
	t.Log(err)
	// The server rolled the transaction back: the table is as before.
	var rows, batch int
	if err := good.QueryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE id >= 1000) FROM "+name).Scan(&rows, &batch); err != nil {
		t.Fatal(err)
	}
	if rows != 10 || batch != 0 {
		t.Fatalf("after the dropped batch: %d rows, %d of the batch; want 10 and 0", rows, batch)
	}
	// The good pool still writes.
	if err := x.AddBatch(ctx, seq(5, 20), randVecs(r, 5, 8)); err != nil || x.Len() != 15 {
		t.Fatalf("after: %v, %d rows", err, x.Len())
	}
}

// TestWrongTable: opening a table under other settings, or one this
// package did not make, is an error naming both sides; nothing is changed.
func TestWrongTable(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	id := embed.Identity{Model: "m1", Revision: "r1", Dim: 6, Normalized: true}
	name := tableName("shape")
	open(t, pool, name, 6, index.Cosine, pgvector.WithIdentity(id))
	cases := []struct {
		name  string
		dim   int
		m     index.Metric
		opts  []pgvector.Option
		want  error
		words []string
	}{
		{"dim", 7, index.Cosine, nil, errs.ErrDimension, []string{"dimension 6", "opened with 7"}},
		{"metric", 6, index.L2, nil, errs.ErrInvalidInput, []string{"metric cosine", "opened with l2"}},
		{"storage", 6, index.Cosine, []pgvector.Option{pgvector.WithHalfVec()}, errs.ErrInvalidInput, []string{"stored as vector", "opened as halfvec"}},
		{"identity", 6, index.Cosine, []pgvector.Option{pgvector.WithIdentity(embed.Identity{Model: "m2", Revision: "r1", Dim: 6, Normalized: true})}, errs.ErrEncoderMismatch, []string{`model "m1", opened with "m2"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pgvector.Open(ctx, pool, name, tc.dim, tc.m, tc.opts...)
			if !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
			for _, w := range tc.words {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("%q does not say %q", err, w)
				}
			}
		})
	}
	// The same settings open it, and report the stored identity.
	y, err := pgvector.Open(ctx, pool, name, 6, index.Cosine)
	if err != nil || y.Identity() != id {
		t.Fatalf("reopen: %v %+v", err, y.Identity())
	}

	// A table this package did not make.
	foreign := tableName("foreign")
	if _, err := pool.Exec(ctx, "CREATE TABLE "+foreign+" (id bigint primary key, embedding vector(6))"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+foreign) })
	if _, err := pgvector.Open(ctx, pool, foreign, 6, index.Cosine); !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "no row in") {
		t.Fatalf("foreign table: %v", err)
	}
	// A recorded table whose columns were changed.
	altered := tableName("altered")
	open(t, pool, altered, 6, index.Dot)
	if _, err := pool.Exec(ctx, "ALTER TABLE "+altered+" DROP COLUMN document, ALTER COLUMN key TYPE integer USING 0"); err != nil {
		t.Fatal(err)
	}
	_, err = pgvector.Open(ctx, pool, altered, 6, index.Dot)
	if !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "column key is integer, want text") || !strings.Contains(err.Error(), "column document missing") {
		t.Fatalf("altered table: %v", err)
	}
	// Bad names and options fail before any I/O.
	for _, bad := range []string{"", "Upper", "a-b", "x; DROP TABLE y", pgvector.MetaTable, strings.Repeat("a", 49)} {
		if _, err := pgvector.Open(ctx, pool, bad, 6, index.Dot); !errors.Is(err, errs.ErrInvalidInput) {
			t.Fatalf("table name %q: %v", bad, err)
		}
	}
	if _, err := pgvector.Open(ctx, pool, "ok", 6, index.Dot, pgvector.WithM(1)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatal(err)
	}
	if _, err := pgvector.Open(ctx, pool, "ok", 2001, index.Dot); !errors.Is(err, errs.ErrDimension) {
		t.Fatal(err)
	}
}

// TestCancellation: a cancelled context stops every call with its error;
// one that expires while the server is answering ends the call promptly,
// and the pool goes on working.
func TestCancellation(t *testing.T) {
	ctx := ctxT(t)
	pool := newPool(t)
	x := open(t, pool, tableName("cancel"), 4, index.Dot)
	if err := x.AddBatch(ctx, seq(50, 1), randVecs(rand.New(rand.NewPCG(7, 8)), 50, 4)); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	q := []float32{1, 2, 3, 4}
	if _, err := x.Search(done, q, 3); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := x.Add(done, 99, q); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := x.Delete(done, 1); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if _, err := pgvector.Open(done, pool, "whatever", 4, index.Dot); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}

	// A server slow to answer: every read waits 300 ms.
	cfg := poolConfig(t)
	cfg.MaxConns = 1
	dial := cfg.ConnConfig.DialFunc
	var slow atomic.Bool
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &slowConn{Conn: c, slow: &slow}, nil
	}
	sp := poolFrom(t, cfg)
	y, err := pgvector.Open(ctx, sp, x.Table(), 4, index.Dot)
	if err != nil {
		t.Fatal(err)
	}
	slow.Store(true)
	short, cancel2 := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = y.Search(short, q, 3)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow search: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("the cancelled search took %v", el)
	}
	slow.Store(false)
	if res, err := y.Search(ctx, q, 3); err != nil || len(res) != 3 {
		t.Fatalf("after a cancelled search: %v %v", res, err)
	}
	if res, err := x.Search(ctx, q, 3); err != nil || len(res) != 3 {
		t.Fatalf("the other pool: %v %v", res, err)
	}
}

type slowConn struct {
	net.Conn
	slow *atomic.Bool
}

func (c *slowConn) Read(p []byte) (int, error) {
	if c.slow.Load() {
		time.Sleep(300 * time.Millisecond)
	}
	return c.Conn.Read(p)
}
