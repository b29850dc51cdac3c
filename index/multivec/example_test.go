// example_test.go shows the store with a runnable example.

package multivec_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/index/multivec"
)

// Store each document's token vectors and score a query's against them by
// late interaction.
func Example() {
	ctx := context.Background()
	s, err := multivec.New(2)
	if err != nil {
		log.Fatal(err)
	}
	_ = s.Add(ctx, 1, [][]float32{{1, 0}, {0, 1}})
	_ = s.Add(ctx, 2, [][]float32{{0.6, 0.8}})
	q := [][]float32{{1, 0}, {0, 1}}
	for _, doc := range []uint64{1, 2} {
		score, _, err := s.MaxSim(q, doc)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("document %d: %.2f\n", doc, score)
	}
	// Output:
	// document 1: 1.00
	// document 2: 0.70
}
