// This file holds the runnable example of WithRerank.

package ganada_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
)

// Rerank a query's best candidates with a cross-encoder: the index finds
// the 3 nearest documents by vector, the cross-encoder reads each with the
// query, and the 2 it scores best come back with its scores. The testdata
// cross-encoder has random weights, so its order means nothing here;
// cross-encoder/ms-marco-MiniLM-L6-v2 or BAAI/bge-reranker-v2-m3 load the
// same way with transformer.LoadCrossEncoder.
func ExampleWithRerank() {
	ctx := context.Background()
	enc, err := glove.Load()
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "bank", Text: "The central bank raised interest rates again."},
		ganada.Document{ID: "stocks", Text: "Shares fell sharply as investors sold technology stocks."},
		ganada.Document{ID: "prices", Text: "Prices of food and fuel rose faster than wages."},
		ganada.Document{ID: "soup", Text: "Simmer the onions and garlic, then add the tomatoes."},
	)
	if err != nil {
		log.Fatal(err)
	}
	ce, err := transformer.LoadCrossEncoder(ctx, "embed/transformer/testdata/tiny-xlmr-ce")
	if err != nil {
		log.Fatal(err)
	}
	defer ce.Close()
	hits, err := col.Query(ctx, "inflation and the economy", 2, ganada.WithRerank(ce, 3))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("hits:", len(hits))
	fmt.Println("cross-encoder scores, best first:", hits[0].Score >= hits[1].Score && hits[1].Score > 0 && hits[0].Score < 1)
	// Output:
	// hits: 2
	// cross-encoder scores, best first: true
}
