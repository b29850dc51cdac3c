// This file holds the runnable examples of package flat.

package flat_test

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
)

func Example() {
	ctx := context.Background()
	f, err := flat.New(2, index.Cosine)
	if err != nil {
		panic(err)
	}
	f.AddBatch(ctx, []uint64{10, 20, 30}, [][]float32{{1, 0}, {0, 1}, {1, 1}})
	res, _ := f.Search(ctx, []float32{1, 0.2}, 2)
	for _, r := range res {
		fmt.Printf("%d %.3f\n", r.ID, r.Score)
	}
	// Output:
	// 10 0.981
	// 30 0.832
}

// ExampleWithQuantization stores int8 codes, calibrated from the first
// four vectors, and rescores the best two candidates on the float32
// vectors, so the scores are exact.
func ExampleWithQuantization() {
	ctx := context.Background()
	f, err := flat.New(3, index.Cosine,
		flat.WithQuantization(index.Int8), flat.WithCalibration(4), flat.WithRescore(2))
	if err != nil {
		panic(err)
	}
	f.AddBatch(ctx, []uint64{1, 2, 3, 4}, [][]float32{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}})
	res, _ := f.Search(ctx, []float32{1, 0.1, 0}, 2)
	for _, r := range res {
		fmt.Printf("%d %.3f\n", r.ID, r.Score)
	}
	kind, _, rescore, calibrated := f.Quantization()
	fmt.Println(kind, rescore, calibrated)
	// Output:
	// 1 0.995
	// 4 0.774
	// int8 2 true
}
