// This file holds the pgvector runner: the first n base vectors of a data
// set in a PostgreSQL table (index/pgvector, HNSW with the same M and
// efConstruction), searched one query at a time over the ef ladder, beside
// ganada's in-process HNSW built and searched on the same n vectors in the
// same run; recall@10 against exact top-10 of those n (index/flat).

package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada/bench/internal/measure"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/index/pgvector"
)

func cmdPG(args []string) error {
	fs := flag.NewFlagSet("pgvector", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	res := fs.String("res", "", "results file")
	dsn := fs.String("dsn", "", "PostgreSQL connection string (add default_query_exec_mode=simple_protocol for PGlite)")
	efList := fs.String("ef", "10,20,40,80,160", "search ef values")
	m := fs.Int("m", 16, "M")
	efc := fs.Int("efc", 200, "efConstruction")
	limit := fs.Int("n", 10000, "base vectors to use (the first n)")
	nq := fs.Int("q", 200, "queries to run (the first q)")
	fs.Parse(args)
	efs, err := parseEfs(*efList)
	if err != nil {
		return err
	}
	d, err := loadDataset(*dir, false)
	if err != nil {
		return err
	}
	total := d.base.n
	n := min(*limit, d.base.n)
	d.base.n, d.base.data = n, d.base.data[:n*d.base.dim]
	q := min(*nq, d.queries.n)
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	rows := d.base.rows()

	// Exact top-10 of the n vectors.
	ref, err := flat.New(d.base.dim, index.Cosine)
	if err != nil {
		return err
	}
	if err := ref.AddBatch(ctx, ids, rows); err != nil {
		return err
	}
	truth := make([][]uint64, q)
	for i := range truth {
		r, err := ref.Search(ctx, d.queries.row(i), 10)
		if err != nil {
			return err
		}
		for _, x := range r {
			truth[i] = append(truth[i], x.ID)
		}
	}
	recall := func(i int, found []index.Result) float64 {
		hit := 0
		for _, t := range truth[i] {
			for _, f := range found {
				if f.ID == t {
					hit++
					break
				}
			}
		}
		return float64(hit) / float64(len(truth[i]))
	}
	fmt.Printf("%s, first %d of %d×%d, %d queries; %s\n", d.name, n, total, d.base.dim, q, measure.Machine())

	// In-process HNSW on the same vectors.
	h, err := hnsw.New(d.base.dim, index.Cosine, hnsw.WithM(*m), hnsw.WithEfConstruction(*efc), hnsw.WithSeed(1))
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := h.AddBatch(ctx, ids, rows); err != nil {
		return err
	}
	hBuild := time.Since(t0)

	cfg, err := pgxpool.ParseConfig(*dsn)
	if err != nil {
		return err
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	var version string
	if err := pool.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		return err
	}
	table := fmt.Sprintf("bench_%d_%d", d.base.dim, n)
	if x, err := pgvector.Open(ctx, pool, table, d.base.dim, index.Cosine); err == nil {
		x.Drop(ctx) // a previous run's
	}
	x, err := pgvector.Open(ctx, pool, table, d.base.dim, index.Cosine, pgvector.WithM(*m), pgvector.WithEfConstruction(*efc))
	if err != nil {
		return err
	}
	defer x.Drop(ctx)
	t0 = time.Now()
	for s := 0; s < n; s += 1000 {
		e := min(s+1000, n)
		if err := x.AddBatch(ctx, ids[s:e], rows[s:e]); err != nil {
			return err
		}
	}
	pBuild := time.Since(t0)
	// The planner takes an exact scan for a small table; searches must use
	// the HNSW index to be comparable.
	if _, err := pool.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		return err
	}
	var plan string
	rowsPlan, err := pool.Query(ctx, "EXPLAIN SELECT id FROM "+table+" ORDER BY embedding <=> (SELECT embedding FROM "+table+" LIMIT 1) LIMIT 10")
	if err == nil {
		lines, _ := pgx.CollectRows(rowsPlan, pgx.RowTo[string])
		for _, l := range lines {
			plan += l + "; "
		}
	}
	fmt.Printf("server: %s\nplan: %s\n", version, plan)
	fmt.Printf("build (insert + index, %d×1000-row transactions): pgvector %v, in-process HNSW %v (GOMAXPROCS %d)\n",
		(n+999)/1000, pBuild.Round(time.Millisecond), hBuild.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Printf("%6s  %12s %10s  %12s %10s  %s\n", "ef", "pg recall@10", "pg QPS", "HNSW recall", "HNSW QPS", "QPS ratio HNSW/pg")
	for _, ef := range efs {
		var pr, hr float64
		t0 := time.Now()
		for i := range q {
			r, err := x.Search(ctx, d.queries.row(i), 10, index.WithEf(ef))
			if err != nil {
				return err
			}
			pr += recall(i, r)
		}
		pq := float64(q) / time.Since(t0).Seconds()
		t0 = time.Now()
		for i := range q {
			r, err := h.Search(ctx, d.queries.row(i), 10, index.WithEf(ef))
			if err != nil {
				return err
			}
			hr += recall(i, r)
		}
		hq := float64(q) / time.Since(t0).Seconds()
		fmt.Printf("%6d  %12.4f %10.1f  %12.4f %10.1f  %.0f×\n", ef, pr/float64(q), pq, hr/float64(q), hq, hq/pq)
		if *res != "" {
			if err := appendResult(*res, "pgvector", d.name, n, ef, pr/float64(q), pq, hr/float64(q), hq); err != nil {
				return err
			}
		}
	}
	return nil
}
