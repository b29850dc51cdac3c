// This file holds the runnable example of the BGE-M3 queries: WithSparse,
// WithColBERT, WithM3, WithSparseOnly and WithMaxSim.

package ganada_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/transformer"
)

// Store BGE-M3's three outputs of every document and search with
// FlagEmbedding's combination of the dense, sparse and ColBERT scores,
// computed from the stored outputs (only the query is encoded). The
// testdata model has random weights, so its scores mean nothing; BAAI/bge-m3
// loads the same way with transformer.LoadM3.
func ExampleWithM3() {
	ctx := context.Background()
	m3, err := transformer.LoadM3(ctx, "embed/transformer/testdata/tiny-bge-m3")
	if err != nil {
		log.Fatal(err)
	}
	defer m3.Close()
	col, err := ganada.NewCollection(m3, ganada.WithFlat(), ganada.WithSparse(), ganada.WithColBERT())
	if err != nil {
		log.Fatal(err)
	}
	err = col.Add(ctx,
		ganada.Document{ID: "seoul", Text: "서울은 한국의 수도이다."},
		ganada.Document{ID: "busan", Text: "부산은 항구 도시이다."},
		ganada.Document{ID: "kimchi", Text: "김치는 배추로 만든다."},
	)
	if err != nil {
		log.Fatal(err)
	}
	w := transformer.M3Weights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
	hits, err := col.Query(ctx, "부산은 항구 도시이다.", 2, ganada.WithM3(w))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("WithM3, best:", hits[0].ID)
	hits, err = col.Query(ctx, "부산은 항구 도시이다.", 1, ganada.WithMaxSim(3))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("WithMaxSim, best: %s (%.2f)\n", hits[0].ID, hits[0].Score)
	hits, err = col.Query(ctx, "부산은 항구 도시이다.", 1, ganada.WithSparseOnly())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("WithSparseOnly, best:", hits[0].ID)
	// Output:
	// WithM3, best: busan
	// WithMaxSim, best: busan (1.00)
	// WithSparseOnly, best: busan
}
