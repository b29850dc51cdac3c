// This file is the test harness: TestMain stops the PostgreSQL server that
// internal/pgtest starts when a test first needs one (PGlite, or
// GANADA_PG_DSN's server), and the helpers give each test a pool on it.

package pgvector_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada/internal/pgtest"
)

var tableSeq atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// poolConfig returns a pool configuration for the test server.
func poolConfig(t testing.TB) *pgxpool.Config {
	t.Helper()
	cfg := pgtest.PoolConfig(t)
	// The tables here are small enough for the planner to prefer an exact
	// sequential scan, or a bitmap scan of the metadata index; make it use
	// the HNSW index so that the approximate paths (ef_search, iterative
	// scans) are what the tests exercise.
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET enable_seqscan = off; SET enable_bitmapscan = off")
		return err
	}
	return cfg
}

// newPool returns a pool on the test server, closed when t ends.
func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return pgtest.Pool(t, poolConfig(t))
}

func poolFrom(t testing.TB, cfg *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	return pgtest.Pool(t, cfg)
}

// tableName returns a table name no other test uses.
func tableName(prefix string) string {
	return fmt.Sprintf("t_%s_%d_%d", strings.ToLower(prefix), os.Getpid(), tableSeq.Add(1))
}
