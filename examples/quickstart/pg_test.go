// This file runs the quickstart with its collection in a pgvector table
// (PGlite, started by internal/pgtest, or GANADA_PG_DSN's server): the same
// hits as in process, twice (the second run opens the table it made).

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ganada/ganada/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

func TestRunOnPostgres(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.PoolConfig(t))
	table := "quickstart_test_" + strings.ReplaceAll(t.Name(), "/", "_")
	table = strings.ToLower(table)
	t.Cleanup(func() {
		pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
		pool.Exec(context.Background(), "DELETE FROM ganada_collections WHERE name = $1", table)
	})
	queries := append(defaultQueries, "rockets and astronauts")
	var inproc bytes.Buffer
	if err := run(ctx, &inproc, "", "", 3, queries, store{}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		var out bytes.Buffer
		if err := run(ctx, &out, "", "", 3, queries, store{table: table, pool: pool}); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if !strings.Contains(out.String(), "32 documents indexed in PostgreSQL table "+table) {
			t.Fatalf("run %d: %s", i, out.String())
		}
		// The hits and scores are the in-process collection's, up to the
		// last digit of a score.
		if a, b := hitLines(inproc.String()), hitLines(out.String()); a != b {
			t.Fatalf("run %d:\nin process:\n%s\nPostgreSQL:\n%s", i, a, b)
		}
	}
}

// hitLines returns the lines naming hits, scores cut to two decimals.
func hitLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "  ") && len(l) > 10 {
			// "  1. 0.712  [topic] text": drop the score's third decimal.
			l = l[:9] + l[10:]
		}
		if !strings.HasPrefix(l, "model ") && !strings.HasPrefix(l, "total ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
