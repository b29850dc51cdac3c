// This file defines Index, a vector index in a PostgreSQL table with the
// pgvector extension, and Open, which creates the table (and the shared
// metadata table that records each table's dimension, metric, storage,
// HNSW parameters and encoder identity) or checks an existing one.

package pgvector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
)

// MetaTable is the table, created beside the collections' tables, in which
// Open records each collection's settings.
const MetaTable = "ganada_collections"

// Index is a vector index kept in one PostgreSQL table by pgvector. It
// implements index.Index and index.DocumentIndex, so a ganada.Collection
// runs over it (ganada.WithIndex, ganada.Open). It is safe for concurrent
// use; every call borrows a connection of the pool, and Close does not
// close the pool.
type Index struct {
	pool   *pgxpool.Pool
	table  string // the table's name, validated
	qt     string // the table's name, quoted
	dim    int
	metric index.Metric
	cfg    config
	id     embed.Identity // stored identity (zero when none was recorded)
	bulk   Bulk           // resolved: BulkCopy or BulkUnnest
	vtype  string         // "vector(d)" or "halfvec(d)"
}

var (
	_ index.Index         = (*Index)(nil)
	_ index.DocumentIndex = (*Index)(nil)
)

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,47}$`)

// Open returns the index kept in table (created when absent) of vectors of
// dimension dim compared by metric m, on pool. Creating makes the vector
// extension (CREATE EXTENSION IF NOT EXISTS vector), the table
//
//	id bigint primary key, key text, embedding vector(dim) (halfvec with
//	WithHalfVec), metadata jsonb, document text
//
// an HNSW index on embedding with the metric's operator class, m and
// ef_construction (WithM, WithEfConstruction), a GIN index on metadata, and
// a row of MetaTable recording the settings and WithIdentity's encoder
// identity, all in one transaction. Opening an existing table checks that
// row: another dimension is an error wrapping errs.ErrDimension, another
// metric or storage one wrapping errs.ErrInvalidInput, another identity one
// wrapping errs.ErrEncoderMismatch, each naming the stored and the
// requested value; a table with no such row, or whose columns are not those
// above, is an error wrapping errs.ErrInvalidInput naming the columns.
// table must match [a-z_][a-z0-9_]{0,47}.
func Open(ctx context.Context, pool *pgxpool.Pool, table string, dim int, m index.Metric, opts ...Option) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, fmt.Errorf("pgvector: nil pool: %w", errs.ErrInvalidInput)
	}
	if !tableName.MatchString(table) || table == MetaTable {
		return nil, fmt.Errorf("pgvector: table name %q: want [a-z_][a-z0-9_]{0,47}, not %s: %w", table, MetaTable, errs.ErrInvalidInput)
	}
	if err := core.CheckDim(dim); err != nil {
		return nil, fmt.Errorf("pgvector: %w", err)
	}
	if err := core.CheckMetric(m); err != nil {
		return nil, fmt.Errorf("pgvector: %w", err)
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.efConstr < 2*cfg.m {
		return nil, fmt.Errorf("pgvector: WithEfConstruction(%d): want ≥ 2·m = %d: %w", cfg.efConstr, 2*cfg.m, errs.ErrInvalidOption)
	}
	maxDim := 2000 // what pgvector's HNSW index takes: 2000 dimensions of vector, 4000 of halfvec
	if cfg.half {
		maxDim = 4000
	}
	if dim > maxDim {
		return nil, fmt.Errorf("pgvector: dimension %d: pgvector's HNSW index takes at most %d: %w", dim, maxDim, errs.ErrDimension)
	}
	x := &Index{pool: pool, table: table, qt: pgx.Identifier{table}.Sanitize(), dim: dim, metric: m, cfg: cfg}
	x.vtype = fmt.Sprintf("vector(%d)", dim)
	if cfg.half {
		x.vtype = fmt.Sprintf("halfvec(%d)", dim)
	}
	if err := x.setup(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// meta is a collection's row of MetaTable.
type meta struct {
	dim      int
	metric   string
	storage  string
	m, efc   int
	identity []byte
}

func (x *Index) storage() string {
	if x.cfg.half {
		return "halfvec"
	}
	return "vector"
}

// setup creates or checks the table, in one transaction serialised with
// other processes' by an advisory lock.
func (x *Index) setup(ctx context.Context) error {
	var version string
	if err := x.pool.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		return x.wrap(ctx, "reading the server version", err)
	}
	x.bulk = x.cfg.bulk
	if x.bulk == BulkAuto {
		x.bulk = BulkCopy
		if strings.Contains(version, "PGlite") {
			x.bulk = BulkUnnest
		}
	}
	return pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('ganada_collections'))"); err != nil {
			return x.wrap(ctx, "locking", err)
		}
		if _, err := tx.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector"); err != nil {
			return x.wrap(ctx, "CREATE EXTENSION vector", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+MetaTable+` (
			name text PRIMARY KEY,
			dim integer NOT NULL,
			metric text NOT NULL,
			storage text NOT NULL,
			m integer NOT NULL,
			ef_construction integer NOT NULL,
			identity jsonb)`); err != nil {
			return x.wrap(ctx, "creating "+MetaTable, err)
		}
		var mt meta
		err := tx.QueryRow(ctx, `SELECT dim, metric, storage, m, ef_construction, identity::text FROM `+MetaTable+` WHERE name = $1`, x.table).
			Scan(&mt.dim, &mt.metric, &mt.storage, &mt.m, &mt.efc, &mt.identity)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return x.create(ctx, tx)
		case err != nil:
			return x.wrap(ctx, "reading "+MetaTable, err)
		}
		if err := x.checkMeta(mt); err != nil {
			return err
		}
		return x.checkColumns(ctx, tx)
	})
}

// create makes the table, its indexes and its row of MetaTable.
func (x *Index) create(ctx context.Context, tx pgx.Tx) error {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", x.qt).Scan(&exists); err != nil {
		return x.wrap(ctx, "looking for the table", err)
	}
	if exists {
		return fmt.Errorf("pgvector: table %s exists but has no row in %s: not a table this package made, or made by another program: %w", x.table, MetaTable, errs.ErrInvalidInput)
	}
	stmts := []string{
		`CREATE TABLE ` + x.qt + ` (
			id bigint PRIMARY KEY,
			key text,
			embedding ` + x.vtype + ` NOT NULL,
			metadata jsonb NOT NULL DEFAULT '{}',
			document text)`,
		fmt.Sprintf(`CREATE INDEX ON %s USING hnsw (embedding %s) WITH (m = %d, ef_construction = %d)`, x.qt, x.opClass(), x.cfg.m, x.cfg.efConstr),
		`CREATE INDEX ON ` + x.qt + ` USING gin (metadata)`,
		`CREATE INDEX ON ` + x.qt + ` (key)`,
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return x.wrap(ctx, "creating the table", err)
		}
	}
	var ident any
	if x.cfg.identity != nil {
		b, err := json.Marshal(identityJSON(*x.cfg.identity))
		if err != nil {
			return fmt.Errorf("pgvector: encoding the identity: %w", err)
		}
		ident = string(b)
		x.id = *x.cfg.identity
	}
	_, err := tx.Exec(ctx, `INSERT INTO `+MetaTable+` (name, dim, metric, storage, m, ef_construction, identity) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
		x.table, x.dim, x.metric.String(), x.storage(), x.cfg.m, x.cfg.efConstr, ident)
	if err != nil {
		return x.wrap(ctx, "recording the table in "+MetaTable, err)
	}
	return nil
}

// opClass returns the HNSW operator class of the metric and storage.
func (x *Index) opClass() string {
	ops := map[index.Metric]string{index.Cosine: "_cosine_ops", index.Dot: "_ip_ops", index.L2: "_l2_ops"}[x.metric]
	return x.storage() + ops
}

// checkMeta compares the stored settings with Open's.
func (x *Index) checkMeta(mt meta) error {
	if mt.dim != x.dim {
		return fmt.Errorf("pgvector: table %s: stored with dimension %d, opened with %d: %w", x.table, mt.dim, x.dim, errs.ErrDimension)
	}
	if mt.metric != x.metric.String() {
		return fmt.Errorf("pgvector: table %s: stored with metric %s, opened with %s: %w", x.table, mt.metric, x.metric, errs.ErrInvalidInput)
	}
	if mt.storage != x.storage() {
		return fmt.Errorf("pgvector: table %s: stored as %s, opened as %s (WithHalfVec): %w", x.table, mt.storage, x.storage(), errs.ErrInvalidInput)
	}
	x.cfg.m, x.cfg.efConstr = mt.m, mt.efc
	if mt.identity != nil {
		var ij identityJSON
		if err := json.Unmarshal(mt.identity, &ij); err != nil {
			return fmt.Errorf("pgvector: table %s: identity in %s: %v: %w", x.table, MetaTable, err, errs.ErrCorrupt)
		}
		x.id = embed.Identity(ij)
	}
	if x.cfg.identity != nil {
		if err := compareIdentity(x.table, x.id, *x.cfg.identity); err != nil {
			return err
		}
	}
	return nil
}

// checkColumns verifies the table's columns and their types.
func (x *Index) checkColumns(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`, x.qt)
	if err != nil {
		return x.wrap(ctx, "reading the table's columns", err)
	}
	got := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return x.wrap(ctx, "reading the table's columns", err)
		}
		got[name] = typ
	}
	if err := rows.Err(); err != nil {
		return x.wrap(ctx, "reading the table's columns", err)
	}
	want := map[string]string{"id": "bigint", "key": "text", "embedding": x.vtype, "metadata": "jsonb", "document": "text"}
	var diffs []string
	for _, col := range []string{"id", "key", "embedding", "metadata", "document"} {
		switch g, ok := got[col]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("column %s missing, want %s", col, want[col]))
		case g != want[col]:
			diffs = append(diffs, fmt.Sprintf("column %s is %s, want %s", col, g, want[col]))
		}
	}
	if len(got) == 0 {
		return fmt.Errorf("pgvector: table %s is recorded in %s but does not exist: %w", x.table, MetaTable, errs.ErrInvalidInput)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("pgvector: table %s has the wrong shape: %s: %w", x.table, strings.Join(diffs, "; "), errs.ErrInvalidInput)
	}
	return nil
}

// identityJSON is embed.Identity as MetaTable stores it.
type identityJSON struct {
	Model          string `json:"model"`
	Revision       string `json:"revision"`
	Dim            int    `json:"dim"`
	Normalized     bool   `json:"normalized"`
	Prompt         string `json:"prompt"`
	QueryPrompt    string `json:"query_prompt"`
	DocumentPrompt string `json:"document_prompt"`
}

// compareIdentity returns an error wrapping errs.ErrEncoderMismatch that
// lists the fields in which stored and given differ.
func compareIdentity(table string, stored, given embed.Identity) error {
	var diffs []string
	add := func(field string, s, g any) {
		if s != g {
			diffs = append(diffs, fmt.Sprintf("%s %q, opened with %q", field, fmt.Sprint(s), fmt.Sprint(g)))
		}
	}
	add("model", stored.Model, given.Model)
	add("revision", stored.Revision, given.Revision)
	add("dimension", stored.Dim, given.Dim)
	add("normalized", stored.Normalized, given.Normalized)
	add("prompt", stored.Prompt, given.Prompt)
	add("query prompt", stored.QueryPrompt, given.QueryPrompt)
	add("document prompt", stored.DocumentPrompt, given.DocumentPrompt)
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("pgvector: table %s: stored by an encoder with %s: %w", table, strings.Join(diffs, "; "), errs.ErrEncoderMismatch)
}

// wrap prefixes a database error with what was being done; a cancelled or
// expired ctx makes it ctx's error (still wrapping err).
func (x *Index) wrap(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("pgvector: table %s: %s: %w: %w", x.table, what, err, ctxErr)
	}
	return fmt.Errorf("pgvector: table %s: %s: %w", x.table, what, err)
}

// Dim returns the vector dimension.
func (x *Index) Dim() int { return x.dim }

// Metric returns the metric.
func (x *Index) Metric() index.Metric { return x.metric }

// Table returns the table's name.
func (x *Index) Table() string { return x.table }

// Identity returns the encoder identity recorded with the table (the zero
// Identity if none was), which ganada.WithIndex compares with the
// collection's encoder.
func (x *Index) Identity() embed.Identity { return x.id }

// Drop deletes the table and its row of MetaTable, in one transaction.
// The Index is unusable afterwards.
func (x *Index) Drop(ctx context.Context) error {
	return pgx.BeginFunc(ctx, x.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DROP TABLE IF EXISTS `+x.qt); err != nil {
			return x.wrap(ctx, "dropping", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM `+MetaTable+` WHERE name = $1`, x.table); err != nil {
			return x.wrap(ctx, "dropping", err)
		}
		return nil
	})
}
