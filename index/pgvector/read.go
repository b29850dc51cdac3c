// This file implements the index's reads other than Search (Len, Contains,
// IDs, Vector, Documents, with context-taking forms) and the file methods
// WriteTo and ReadFrom, which a database-backed index does not support.

package pgvector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
)

// ReadTimeout bounds the queries of Len, Contains, IDs and Vector, which
// index.Index gives no context.
const ReadTimeout = 30 * time.Second

func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ReadTimeout)
}

// Count returns the number of rows.
func (x *Index) Count(ctx context.Context) (int, error) {
	var n int64
	if err := x.pool.QueryRow(ctx, `SELECT count(*) FROM `+x.qt).Scan(&n); err != nil {
		return 0, x.wrap(ctx, "counting", err)
	}
	return int(n), nil
}

// Len returns the number of rows, or 0 when the query fails (Count
// returns the error); it waits at most ReadTimeout.
func (x *Index) Len() int {
	ctx, cancel := background()
	defer cancel()
	n, _ := x.Count(ctx)
	return n
}

// Has reports whether id is stored.
func (x *Index) Has(ctx context.Context, id uint64) (bool, error) {
	var ok bool
	if err := x.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+x.qt+` WHERE id = $1)`, int64(id)).Scan(&ok); err != nil {
		return false, x.wrap(ctx, "looking up an id", err)
	}
	return ok, nil
}

// Contains reports whether id is stored, false when the query fails (Has
// returns the error); it waits at most ReadTimeout.
func (x *Index) Contains(id uint64) bool {
	ctx, cancel := background()
	defer cancel()
	ok, _ := x.Has(ctx, id)
	return ok
}

// IDs returns every stored id in no particular order, nil when the query
// fails (Documents returns the error); it waits at most ReadTimeout.
func (x *Index) IDs() []uint64 {
	ctx, cancel := background()
	defer cancel()
	rows, err := x.pool.Query(ctx, `SELECT id FROM `+x.qt)
	if err != nil {
		return nil
	}
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (uint64, error) {
		var id int64
		err := r.Scan(&id)
		return uint64(id), err
	})
	if err != nil {
		return nil
	}
	return ids
}

// Vector returns a copy of the vector stored under id (unit-normalised
// under Cosine; rounded to half precision WithHalfVec) or an error
// wrapping errs.ErrNotFound; it waits at most ReadTimeout. VectorContext
// takes a context.
func (x *Index) Vector(id uint64) ([]float32, error) {
	ctx, cancel := background()
	defer cancel()
	return x.VectorContext(ctx, id)
}

// VectorContext is Vector with a context.
func (x *Index) VectorContext(ctx context.Context, id uint64) ([]float32, error) {
	var s string
	err := x.pool.QueryRow(ctx, `SELECT embedding::text FROM `+x.qt+` WHERE id = $1`, int64(id)).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pgvector: table %s: id %d: %w", x.table, id, errs.ErrNotFound)
	}
	if err != nil {
		return nil, x.wrap(ctx, "reading a vector", err)
	}
	v, err := parseVector(s, x.dim)
	if err != nil {
		return nil, fmt.Errorf("pgvector: table %s: id %d: %w", x.table, id, err)
	}
	return v, nil
}

// parseVector reads pgvector's text form of a vector of dim components.
func parseVector(s string, dim int) ([]float32, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("embedding %.40q: not a vector: %w", s, errs.ErrCorrupt)
	}
	if n := strings.Count(s, ",") + 1; n != dim { // counted before anything is allocated
		return nil, fmt.Errorf("embedding has %d components, want %d: %w", n, dim, errs.ErrCorrupt)
	}
	parts := strings.Split(s[1:len(s)-1], ",")
	v := make([]float32, dim)
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil {
			return nil, fmt.Errorf("embedding component %d %q: %w", i, p, errs.ErrCorrupt)
		}
		v[i] = float32(f)
	}
	return v, nil
}

// Documents calls yield for every row that has a document (a non-NULL
// key) in ascending id order (as uint64), and stops at yield's first
// error, returning it. Rows are read in pages of 1000, each in its own
// query, so yield may take its time.
func (x *Index) Documents(ctx context.Context, yield func(id uint64, d index.Doc) error) error {
	// uint64 order is bigint order with the negative values last.
	after := struct {
		neg  bool
		id   int64
		some bool
	}{}
	for {
		var rows pgx.Rows
		var err error
		const cols = `SELECT id, key, COALESCE(document, ''), metadata::text FROM `
		if !after.some {
			rows, err = x.pool.Query(ctx, cols+x.qt+` WHERE key IS NOT NULL ORDER BY id < 0, id LIMIT 1000`)
		} else {
			rows, err = x.pool.Query(ctx, cols+x.qt+` WHERE key IS NOT NULL AND (id < 0, id) > ($1, $2) ORDER BY id < 0, id LIMIT 1000`, after.neg, after.id)
		}
		if err != nil {
			return x.wrap(ctx, "reading documents", err)
		}
		type docRow struct {
			id   int64
			doc  index.Doc
			meta string
		}
		page, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (docRow, error) {
			var d docRow
			err := r.Scan(&d.id, &d.doc.Key, &d.doc.Text, &d.meta)
			return d, err
		})
		if err != nil {
			return x.wrap(ctx, "reading documents", err)
		}
		for _, d := range page {
			if err := json.Unmarshal([]byte(d.meta), &d.doc.Metadata); err != nil {
				return fmt.Errorf("pgvector: table %s: id %d: metadata is not an object of strings: %v: %w", x.table, uint64(d.id), err, errs.ErrCorrupt)
			}
			if len(d.doc.Metadata) == 0 {
				d.doc.Metadata = nil
			}
			if err := yield(uint64(d.id), d.doc); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
		last := page[len(page)-1].id
		after.neg, after.id, after.some = last < 0, last, true
	}
}

// WriteTo fails with errs.ErrUnsupported: the database keeps the index
// (back it up with the database's tools, pg_dump for example).
func (x *Index) WriteTo(io.Writer) (int64, error) {
	return 0, fmt.Errorf("pgvector: table %s: WriteTo: the database keeps the index: %w", x.table, errs.ErrUnsupported)
}

// ReadFrom fails with errs.ErrUnsupported, as WriteTo.
func (x *Index) ReadFrom(io.Reader) (int64, error) {
	return 0, fmt.Errorf("pgvector: table %s: ReadFrom: the database keeps the index: %w", x.table, errs.ErrUnsupported)
}
