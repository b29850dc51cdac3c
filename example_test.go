// This file holds the runnable examples of package ganada.

package ganada_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"log"
	"os"
	"path/filepath"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
)

// A collection over the embedded English word-vector model: add documents
// with metadata, then query with and without a metadata filter.
func ExampleCollection() {
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
		ganada.Document{ID: "pets", Text: "My cat sleeps on the sofa all afternoon.", Metadata: map[string]string{"topic": "home"}},
		ganada.Document{ID: "bank", Text: "The central bank raised interest rates again.", Metadata: map[string]string{"topic": "money"}},
		ganada.Document{ID: "stocks", Text: "Shares fell sharply as investors sold technology stocks.", Metadata: map[string]string{"topic": "money"}},
		ganada.Document{ID: "soup", Text: "Simmer the onions and garlic, then add the tomatoes.", Metadata: map[string]string{"topic": "home"}},
	)
	if err != nil {
		log.Fatal(err)
	}
	hits, err := col.Query(ctx, "inflation and the economy", 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Println(h.ID)
	}
	hits, err = col.Query(ctx, "a dog playing in the garden", 1, ganada.WithFilter(ganada.Where("topic", "home")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].ID)
	// Output:
	// bank
	// stocks
	// pets
}

// Save writes one file; Load reads it back for the same encoder and refuses
// another one.
func ExampleCollection_Save() {
	ctx := context.Background()
	enc, err := glove.Load()
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc)
	if err != nil {
		log.Fatal(err)
	}
	if err := col.Add(ctx,
		ganada.Document{ID: "tea", Text: "Green tea is popular in Korea and Japan."},
		ganada.Document{ID: "rain", Text: "Heavy rain is expected over the weekend."},
	); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "ganada-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "docs.ganada")
	if err := col.Save(ctx, path); err != nil {
		log.Fatal(err)
	}

	loaded, err := ganada.Load(ctx, path, enc)
	if err != nil {
		log.Fatal(err)
	}
	hits, err := loaded.Query(ctx, "will it be wet on saturday?", 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded.Len(), hits[0].ID)

	plain, _ := glove.Load(static.WithoutSIF()) // another embedding space
	_, err = ganada.Load(ctx, path, plain)
	fmt.Println(errors.Is(err, errs.ErrEncoderMismatch))
	// Output:
	// 2 rain
	// true
}

// Hybrid search: a BM25 index beside the vectors (WithLexical), queried
// alone (WithLexicalOnly) or fused with the dense list by Reciprocal Rank
// Fusion (WithHybrid). Exact words such as a product code are what the
// lexical list finds and word vectors miss.
func ExampleWithHybrid() {
	ctx := context.Background()
	enc, err := glove.Load()
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithLexical())
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "reset", Text: "To reset the router XR-2000, hold the button for ten seconds."},
		ganada.Document{ID: "wifi", Text: "Weak wireless signal? Move the router away from walls."},
		ganada.Document{ID: "bill", Text: "Your monthly bill is sent by email."},
	)
	if err != nil {
		log.Fatal(err)
	}
	hits, err := col.Query(ctx, "XR-2000", 3, ganada.WithLexicalOnly())
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Println("lexical:", h.ID)
	}
	hits, err = col.Query(ctx, "how do I reset my router", 2, ganada.WithHybrid(ganada.RRF(ganada.DefaultRRFK)))
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Println("hybrid:", h.ID)
	}
	// Output:
	// lexical: reset
	// hybrid: reset
	// hybrid: wifi
}

// Change a document's metadata without encoding it again.
func ExampleCollection_SetMetadata() {
	ctx := context.Background()
	enc, err := glove.Load()
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		log.Fatal(err)
	}
	if err := col.Add(ctx, ganada.Document{ID: "a", Text: "The cat sat on the mat.", Metadata: map[string]string{"status": "draft"}}); err != nil {
		log.Fatal(err)
	}
	if err := col.SetMetadata(ctx, "a", map[string]string{"status": "published"}); err != nil {
		log.Fatal(err)
	}
	hits, err := col.Query(ctx, "cat", 1, ganada.WithFilter(ganada.Where("status", "published")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].ID, hits[0].Metadata["status"])
	// Output: a published
}
