// Command quickstart is ganada in one screen: it loads a sentence encoder
// (the embedded English GloVe model by default, or any model with -model),
// indexes 32 short built-in documents in a Collection, and prints the best
// matches for a few questions, with their cosine similarity.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -model sentence-transformers/all-MiniLM-L6-v2
//	go run ./examples/quickstart "how do rockets reach orbit?"
//	go run ./examples/quickstart -pg 'postgres://user:pass@localhost:5432/db'
//
// With -pg the collection lives in a PostgreSQL table (-table, default
// "quickstart") searched by pgvector (package index/pgvector): the first run
// creates it, later runs open it with the documents it holds and add the
// corpus again (an upsert of the same IDs). Against PGlite's socket server
// add default_query_exec_mode=simple_protocol to the connection string (see
// index/pgvector's documentation).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/examples/internal/models"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/pgvector"
)

// defaultQueries are asked when no query is given on the command line.
var defaultQueries = []string{
	"How long should bread dough rise?",
	"Which planet is nearest to the sun?",
	"my puppy keeps barking at night",
	"Why did the stock market go down?",
	"How can I protect my computer accounts?",
}

// filtered is a query run with a metadata filter.
var filtered = struct{ query, topic string }{"something healthy", "cooking"}

func main() {
	model := flag.String("model", "", models.FlagUsage)
	prompts := flag.String("prompts", "", models.PromptsUsage)
	k := flag.Int("k", 3, "hits per query")
	pg := flag.String("pg", "", "PostgreSQL connection string: keep the collection in a pgvector table instead of in process")
	table := flag.String("table", "quickstart", "the table, with -pg")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: quickstart [-model M] [-prompts Q|D] [-k N] [-pg DSN [-table T]] [query ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	queries := flag.Args()
	if len(queries) == 0 {
		queries = defaultQueries
	}
	if err := run(context.Background(), os.Stdout, *model, *prompts, *k, queries, store{dsn: *pg, table: *table}); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// store says where the collection lives: in process (dsn empty) or in a
// pgvector table.
type store struct {
	dsn, table string
	// pool, when set, is used instead of a pool on dsn (tests).
	pool *pgxpool.Pool
}

func run(ctx context.Context, w io.Writer, spec, prompts string, k int, queries []string, st store) error {
	start := time.Now()
	m, err := models.Load(ctx, spec, prompts)
	if err != nil {
		return err
	}
	loaded := time.Since(start)

	if st.dsn != "" && st.pool == nil {
		pool, err := pgxpool.New(ctx, st.dsn)
		if err != nil {
			return err
		}
		defer pool.Close()
		st.pool = pool
	}
	var col *ganada.Collection
	where := "in process"
	if st.pool == nil {
		col, err = build(ctx, m)
	} else {
		col, err = buildPG(ctx, m, st)
		where = "in PostgreSQL table " + st.table
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "model %s, %d dimensions: loaded in %v, %d documents indexed %s in %v\n",
		m.Name, m.Dim(), loaded.Round(time.Millisecond), col.Len(), where, (time.Since(start) - loaded).Round(time.Millisecond))

	for _, q := range queries {
		hits, err := col.Query(ctx, q, k)
		if err != nil {
			return err
		}
		printHits(w, fmt.Sprintf("%q", q), hits)
	}
	hits, err := col.Query(ctx, filtered.query, k, ganada.WithFilter(ganada.Where("topic", filtered.topic)))
	if err != nil {
		return err
	}
	printHits(w, fmt.Sprintf("%q where topic = %s", filtered.query, filtered.topic), hits)
	fmt.Fprintf(w, "\ntotal %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// build indexes the corpus with m: the five lines of the README.
func build(ctx context.Context, m *models.Model) (*ganada.Collection, error) {
	col, err := ganada.NewCollection(m)
	if err != nil {
		return nil, err
	}
	if err := col.Add(ctx, corpus()...); err != nil {
		return nil, err
	}
	return col, nil
}

// buildPG opens (or creates) the pgvector table and adds the corpus: the
// same collection as build's, kept in PostgreSQL.
func buildPG(ctx context.Context, m *models.Model, st store) (*ganada.Collection, error) {
	x, err := pgvector.Open(ctx, st.pool, st.table, m.Dim(), index.Cosine, pgvector.WithIdentity(ganada.EncoderIdentity(m)))
	if err != nil {
		return nil, err
	}
	col, err := ganada.Open(ctx, m, ganada.WithIndex(x))
	if err != nil {
		return nil, err
	}
	if err := col.Add(ctx, corpus()...); err != nil {
		return nil, err
	}
	return col, nil
}

func printHits(w io.Writer, title string, hits []ganada.Hit) {
	fmt.Fprintf(w, "\n%s\n", title)
	for i, h := range hits {
		fmt.Fprintf(w, "  %d. %.3f  [%s] %s\n", i+1, h.Score, h.Metadata["topic"], h.Text)
	}
}
