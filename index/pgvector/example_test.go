// This file holds the package's examples; they need a PostgreSQL server
// with pgvector, so they are compiled but not run.

package pgvector_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/pgvector"
)

// A Collection whose vectors and documents live in a PostgreSQL table.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres:secret@localhost:5432/postgres?sslmode=disable")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	enc := wordEncoder{dim: 32, name: "words"} // any embed.Encoder
	x, err := pgvector.Open(ctx, pool, "docs", enc.Dim(), index.Cosine,
		pgvector.WithIdentity(ganada.EncoderIdentity(enc)), pgvector.WithM(16), pgvector.WithEfSearch(100))
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.Open(ctx, enc, ganada.WithIndex(x)) // reads back the documents the table holds
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "a", Text: "kimchi and rice", Metadata: map[string]string{"lang": "en"}},
		ganada.Document{ID: "b", Text: "train station", Metadata: map[string]string{"lang": "en"}})
	if err != nil {
		log.Fatal(err)
	}
	hits, err := col.Query(ctx, "rice", 1, ganada.WithFilter(ganada.Where("lang", "en"))) // WHERE metadata @> '{"lang":"en"}'
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].ID)
}
