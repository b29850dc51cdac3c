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
