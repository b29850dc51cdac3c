// Package pgtest gives tests a PostgreSQL server with pgvector: the one
// GANADA_PG_DSN names, or PGlite (PostgreSQL compiled to WebAssembly, with
// pgvector 0.8.7) served on a local port by
// index/pgvector/testdata/pglite/server.mjs under node, started when a test
// first asks and stopped by Stop (call it from TestMain). Without node or
// the npm packages (npm ci --prefix index/pgvector/testdata/pglite) the
// tests skip, naming what is missing; GANADA_PG_REQUIRED=1 (set by .ci/run)
// makes that a failure.
package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PGliteConns is how many connections the PGlite server accepts at once
// (its --max-connections). It runs one message at a time on PGlite's single
// backend, queueing the others, and holds every other connection's messages
// while one is inside a transaction. pgx opens an extra connection to send
// a cancel request when a context ends mid-query, and pglite-socket answers
// a connection past its limit with text that is not the protocol, so pools
// get one connection fewer.
const PGliteConns = 4

var server struct {
	once   sync.Once
	dsn    string // empty when there is no server
	pglite bool
	skip   string // why there is none
	conns  int32  // pool size
	stop   func()
}

// Required reports whether GANADA_PG_REQUIRED=1 forbids skipping.
func Required() bool { return os.Getenv("GANADA_PG_REQUIRED") == "1" }

// Server returns the connection string of the test server, its pool size,
// and whether it is PGlite; with none, it skips t (fails it when Required).
func Server(t testing.TB) (dsn string, conns int32, pglite bool) {
	t.Helper()
	server.once.Do(func() {
		stop, err := start()
		server.stop = stop
		if err != nil {
			server.skip = err.Error()
		}
	})
	if server.dsn == "" {
		if Required() {
			t.Fatal("GANADA_PG_REQUIRED=1 and no PostgreSQL with pgvector: " + server.skip)
		}
		t.Skip("no PostgreSQL with pgvector: " + server.skip)
	}
	return server.dsn, server.conns, server.pglite
}

// Skipped returns why Server skipped, or "".
func Skipped() string { return server.skip }

// Stop stops the PGlite server if one was started.
func Stop() {
	if server.stop != nil {
		server.stop()
		server.stop = nil
	}
}

// PoolConfig returns a pool configuration for the test server: its pool
// size and, on PGlite, the simple protocol. All of PGlite's connections
// share its one backend, and pglite-socket interleaves their messages one
// by one (outside explicit transactions): named prepared statements (pgx's
// default cache) of two connections collide, and one connection's unnamed
// statement can be replaced between its Parse and its Bind by another's.
// The simple protocol sends each statement, with its arguments, as one
// message.
func PoolConfig(t testing.TB) *pgxpool.Config {
	t.Helper()
	dsn, conns, pglite := Server(t)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = conns
	if pglite {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	return cfg
}

// Pool returns a pool made from cfg, closed when t ends.
func Pool(t testing.TB, cfg *pgxpool.Config) *pgxpool.Pool {
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

// Dir returns the folder of the PGlite launcher and its package.json.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "index", "pgvector", "testdata", "pglite")
}

// start finds or starts the server and returns how to stop it.
func start() (stop func(), err error) {
	if dsn := os.Getenv("GANADA_PG_DSN"); dsn != "" {
		server.dsn, server.conns = dsn, 8
		return nil, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("no node in PATH to run PGlite (or set GANADA_PG_DSN to a PostgreSQL with pgvector)")
	}
	dir, _ := filepath.Abs(Dir())
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@electric-sql", "pglite-socket", "package.json")); err != nil {
		return nil, fmt.Errorf("PGlite's npm packages are not installed: run `npm ci --prefix %s` (or set GANADA_PG_DSN)", dir)
	}
	cmd := exec.Command(node, "server.mjs", fmt.Sprint(PGliteConns))
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the server exits when this closes, even if the test process is killed
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
			return nil, fmt.Errorf("the PGlite server said %q, want \"listening HOST:PORT N\"", s)
		}
		server.dsn = "postgres://postgres@" + addr + "/postgres?sslmode=disable"
		server.pglite, server.conns = true, int32(n-1)
		return stop, nil
	case <-time.After(3 * time.Minute):
		stop()
		return nil, errors.New("the PGlite server did not start within 3 minutes")
	}
}
