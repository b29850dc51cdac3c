// This file is the test harness: TestMain starts PostgreSQL with pgvector
// for the package's tests, either the server named by GANADA_PG_DSN or
// PGlite (PostgreSQL compiled to WebAssembly) served on a local port by
// testdata/pglite/server.mjs under node, and stops it afterwards. Without
// node or the npm packages (npm ci in testdata/pglite) the tests skip,
// naming what is missing; GANADA_PG_REQUIRED=1 (set by .ci/run) makes that
// a failure.

package pgvector_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgliteConns is how many connections the PGlite server accepts at once
// (its --max-connections). It runs one message at a time on PGlite's single
// backend, queueing the others, and holds every other connection's messages
// while one is inside a transaction. pgx opens an extra connection to send
// a cancel request when a context ends mid-query, and pglite-socket answers
// a connection past its limit with text that is not the protocol, so the
// pool gets one connection fewer.
const pgliteConns = 4

var (
	server struct {
		dsn    string // connection string; empty when skipping
		pglite bool
		skip   string // why the tests skip
		conns  int32  // pool size
		once   sync.Once
		stop   func()
	}
	tableSeq atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if server.stop != nil {
		server.stop()
	}
	if code == 0 && server.skip != "" && os.Getenv("GANADA_PG_REQUIRED") == "1" {
		fmt.Fprintf(os.Stderr, "pgvector tests: GANADA_PG_REQUIRED=1 but they skipped: %s\n", server.skip)
		code = 1
	}
	os.Exit(code)
}

// serverOnce starts the server when a test first needs it (a fuzz run or
// a -run matching no such test starts none).
func serverOnce(t testing.TB) {
	server.once.Do(func() {
		stop, err := startServer()
		server.stop = stop
		if err != nil {
			server.skip = err.Error()
		}
	})
	if server.dsn == "" {
		if os.Getenv("GANADA_PG_REQUIRED") == "1" {
			t.Fatal("GANADA_PG_REQUIRED=1 and no PostgreSQL with pgvector: " + server.skip)
		}
		t.Skip("no PostgreSQL with pgvector: " + server.skip)
	}
}

// startServer starts (or finds) the server and returns how to stop it.
func startServer() (stop func(), err error) {
	if dsn := os.Getenv("GANADA_PG_DSN"); dsn != "" {
		server.dsn, server.conns = dsn, 8
		return nil, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("no node in PATH to run PGlite (or set GANADA_PG_DSN to a PostgreSQL with pgvector)")
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "pglite"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@electric-sql", "pglite-socket", "package.json")); err != nil {
		return nil, fmt.Errorf("PGlite's npm packages are not installed: run `npm ci --prefix %s` (or set GANADA_PG_DSN)", dir)
	}
	cmd := exec.Command(node, "server.mjs", fmt.Sprint(pgliteConns))
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the server exits when this closes, even if we are killed
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting PGlite: %w", err)
	}
	stop = func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	line := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		s, _ := br.ReadString('\n')
		line <- s
		io.Copy(io.Discard, br)
	}()
	// PGlite compiles its WebAssembly at start: seconds, a minute on a
	// loaded machine.
	select {
	case s := <-line:
		var addr string
		var n int
		if _, err := fmt.Sscanf(s, "listening %s %d", &addr, &n); err != nil {
			stop()
			return nil, fmt.Errorf("PGlite server said %q, want \"listening HOST:PORT N\"", s)
		}
		server.dsn = "postgres://postgres@" + addr + "/postgres?sslmode=disable"
		server.pglite, server.conns = true, int32(n-1)
		return stop, nil
	case <-time.After(3 * time.Minute):
		stop()
		return nil, errors.New("the PGlite server did not start within 3 minutes")
	}
}

// poolConfig returns a pool configuration for the test server.
func poolConfig(t testing.TB) *pgxpool.Config {
	t.Helper()
	serverOnce(t)
	cfg, err := pgxpool.ParseConfig(server.dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = server.conns
	// The tables here are small enough for the planner to prefer an exact
	// sequential scan, or a bitmap scan of the metadata index; make it use
	// the HNSW index so that the approximate
	// paths (ef_search, iterative scans) are what the tests exercise.
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET enable_seqscan = off; SET enable_bitmapscan = off")
		return err
	}
	if server.pglite {
		// All connections share PGlite's one backend, and pglite-socket
		// interleaves their messages one by one (outside explicit
		// transactions): named prepared statements (pgx's default cache)
		// of two connections collide, and one connection's unnamed
		// statement can be replaced between its Parse and its Bind by
		// another's. The simple protocol sends each statement, with its
		// arguments, as one message.
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	return cfg
}

// newPool returns a pool on the test server, closed when t ends.
func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return poolFrom(t, poolConfig(t))
}

func poolFrom(t testing.TB, cfg *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// tableName returns a table name no other test uses.
func tableName(prefix string) string {
	return fmt.Sprintf("t_%s_%d_%d", strings.ToLower(prefix), os.Getpid(), tableSeq.Add(1))
}
