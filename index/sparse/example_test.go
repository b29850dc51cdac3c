// example_test.go shows the sparse index with a runnable example.

package sparse_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index/sparse"
)

// Store lexical weights (as BGE-M3's EncodeM3 gives them in its Sparse
// field) and find the documents sharing the most weight with a query.
func Example() {
	ctx := context.Background()
	x := sparse.New()
	docs := map[uint64]embed.SparseVector{
		1: {IDs: []int{10, 20, 30}, Weights: []float32{0.5, 0.2, 0.1}},
		2: {IDs: []int{20, 40}, Weights: []float32{0.9, 0.3}},
		3: {IDs: []int{50}, Weights: []float32{0.7}},
	}
	for id, v := range docs {
		if err := x.Add(ctx, id, v); err != nil {
			log.Fatal(err)
		}
	}
	q := embed.SparseVector{IDs: []int{20, 10}, Weights: []float32{1, 0.5}}
	res, err := x.Search(ctx, q, 5, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Printf("doc %d: %.2f\n", r.ID, r.Score)
	}
	// Output:
	// doc 2: 0.90
	// doc 1: 0.45
}
