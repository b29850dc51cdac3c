// This file implements Search: the query vector against the table's HNSW
// index with hnsw.ef_search and iterative scans set per query, and the
// translation of an index.Cond into SQL on the jsonb metadata.

package pgvector

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
)

// Search returns up to k results for query, best first, with the Score
// index.Result documents: under Cosine 1 − (embedding <=> q), under Dot
// −(embedding <#> q), under L2 −(embedding <-> q)². It runs in a
// read-only transaction that sets hnsw.ef_search to index.WithEf's value
// (or WithEfSearch's), at least k and at most MaxEfSearch, and
// hnsw.iterative_scan to relaxed_order, so that the index scan goes on
// past ef_search until k rows pass the filter (pgvector gives up after
// hnsw.max_scan_tuples rows, see WithMaxScanTuples). index.WithExact
// disables index scans: PostgreSQL then scores every row exactly.
//
// index.WithWhere's Cond becomes a SQL condition on the metadata column
// (a missing key matches no Eq and no In, as index.Cond.Match says); a Cond
// with an index.Opaque leaf, and index.WithFilter's Go function, which
// PostgreSQL cannot run, are errors wrapping errs.ErrUnsupported. Other
// errors wrap errs.ErrDimension, errs.ErrInvalidVector,
// errs.ErrInvalidInput (k ≤ 0), the database's error or ctx's.
func (x *Index) Search(ctx context.Context, query []float32, k int, opts ...index.SearchOption) ([]index.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := core.CheckK(k); err != nil {
		return nil, fmt.Errorf("pgvector: %w", err)
	}
	o, err := index.ResolveSearch(opts...)
	if err != nil {
		return nil, err
	}
	if o.Filter != nil {
		return nil, fmt.Errorf("pgvector: table %s: index.WithFilter's Go function cannot run in PostgreSQL; filter on stored documents with index.WithWhere: %w", x.table, errs.ErrUnsupported)
	}
	q := make([]float32, x.dim)
	if err := core.Prepare(q, query, x.dim, x.metric); err != nil {
		return nil, fmt.Errorf("pgvector: query: %w", err)
	}
	op := map[index.Metric]string{index.Cosine: "<=>", index.Dot: "<#>", index.L2: "<->"}[x.metric]
	args := []any{vectorText(q)}
	where := "TRUE"
	if o.Where != nil {
		if name, ok := o.Where.Opaque(); ok {
			return nil, fmt.Errorf("pgvector: table %s: a %s filter cannot run in PostgreSQL: %w", x.table, name, errs.ErrUnsupported)
		}
		where, args = condSQL(*o.Where, args)
	}
	args = append(args, int64(k))
	dist := "embedding " + op + " $1::" + x.vtype
	sql := `SELECT id, ` + dist + ` FROM ` + x.qt + ` WHERE ` + where + ` ORDER BY ` + dist + ` LIMIT $` + strconv.Itoa(len(args))

	ef := x.cfg.efSearch
	if o.Ef > 0 {
		ef = o.Ef
	}
	ef = min(max(ef, k), MaxEfSearch)
	set := []string{"BEGIN READ ONLY", "SET LOCAL hnsw.ef_search = " + strconv.Itoa(ef), "SET LOCAL hnsw.iterative_scan = relaxed_order"}
	if x.cfg.maxScanTuples > 0 {
		set = append(set, "SET LOCAL hnsw.max_scan_tuples = "+strconv.Itoa(x.cfg.maxScanTuples))
	}
	if o.Exact {
		set = append(set, "SET LOCAL enable_indexscan = off", "SET LOCAL enable_seqscan = on")
	}
	out, err := x.query(ctx, strings.Join(set, "; "), sql, args)
	if err != nil {
		return nil, x.wrap(ctx, "searching", err)
	}
	// relaxed_order may return rows slightly out of order.
	slices.SortStableFunc(out, func(a, b index.Result) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	if out == nil {
		out = []index.Result{}
	}
	return out, nil
}

// score turns pgvector's distance into index.Result's Score.
func (x *Index) score(d float64) float32 {
	switch x.metric {
	case index.Cosine:
		return float32(1 - d)
	case index.Dot:
		return float32(-d)
	}
	return float32(-d * d)
}

// condSQL returns c as a SQL condition on the table's columns, its values
// appended to args as parameters. c must be well formed and have no
// CondOpaque (Search checks both). A key absent from the metadata
// satisfies no Eq or In (and so every Not of one), as in index.Cond.Match.
func condSQL(c index.Cond, args []any) (string, []any) {
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch c.Op {
	case index.CondEq:
		// @> uses the GIN index on metadata.
		return "metadata @> jsonb_build_object(" + param(c.Key) + "::text, " + param(c.Values[0]) + "::text)", args
	case index.CondIn:
		return "COALESCE((metadata ->> " + param(c.Key) + "::text) = ANY(" + param(c.Values) + "::text[]), FALSE)", args
	case index.CondExists:
		return "(metadata ? " + param(c.Key) + "::text)", args
	case index.CondKeyIn:
		return "COALESCE(key = ANY(" + param(c.Values) + "::text[]), FALSE)", args
	case index.CondAnd, index.CondOr:
		if len(c.Args) == 0 {
			return map[bool]string{true: "TRUE", false: "FALSE"}[c.Op == index.CondAnd], args
		}
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i], args = condSQL(a, args)
		}
		sep := map[bool]string{true: " AND ", false: " OR "}[c.Op == index.CondAnd]
		return "(" + strings.Join(parts, sep) + ")", args
	case index.CondNot:
		s, args := condSQL(c.Args[0], args)
		return "(NOT " + s + ")", args
	}
	return "FALSE", args
}

// query runs begin (a simple-protocol BEGIN with its SET LOCALs, one round
// trip), then the search, then COMMIT: three round trips where pgx's
// transaction helpers would take one per statement. A connection left in a
// transaction by an error is rolled back, or dropped by the pool.
func (x *Index) query(ctx context.Context, begin, sql string, args []any) ([]index.Result, error) {
	conn, err := x.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release() // the pool destroys a connection still in a transaction
	if _, err := conn.Exec(ctx, begin); err != nil {
		rollback(ctx, conn)
		return nil, err
	}
	var out []index.Result
	rows, err := conn.Query(ctx, sql, args...)
	if err == nil {
		for rows.Next() {
			var id int64
			var d float64
			if err = rows.Scan(&id, &d); err != nil {
				break
			}
			out = append(out, index.Result{ID: uint64(id), Score: x.score(d)})
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if err != nil {
		rollback(ctx, conn)
		return nil, err
	}
	if _, err := conn.Exec(ctx, "COMMIT"); err != nil {
		rollback(ctx, conn)
		return nil, err
	}
	return out, nil
}

// rollback ends a failed read-only transaction, briefly, even when ctx is
// done; if it cannot, Release drops the connection.
func rollback(ctx context.Context, conn *pgxpool.Conn) {
	if conn.Conn().PgConn().IsClosed() {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(rctx, "ROLLBACK")
}
