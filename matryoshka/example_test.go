// This file holds the package's runnable examples.

package matryoshka_test

import (
	"fmt"

	"github.com/ganada/ganada/matryoshka"
)

func Example() {
	// A (made-up) 8-dimensional embedding from a Matryoshka-trained model.
	v := []float32{0.6, 0.0, 0.8, 0.0, 0.1, 0.1, 0.1, 0.1}
	short, err := matryoshka.Truncate(v, 4)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", short)
	_, err = matryoshka.Truncate(v, 16)
	fmt.Println(err)
	// Output:
	// [0.600 0.000 0.800 0.000]
	// matryoshka: cannot truncate a 8-dimensional vector to 16: invalid input
}

func ExampleTruncateAll() {
	docs := [][]float32{
		{3, 4, 100},
		{0, 2, -7},
	}
	short, err := matryoshka.TruncateAll(docs, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(short)
	// Output: [[0.6 0.8] [0 1]]
}
