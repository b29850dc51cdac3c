// This file holds the package's runnable examples.

package similarity_test

import (
	"fmt"

	"github.com/ganada/ganada/similarity"
)

// Rank three documents against a query by cosine similarity: normalise
// everything once, then score all rows with one DotBatch call.
func Example() {
	const dim = 4
	query := []float32{1, 0.5, 0, 0}
	docs := [][]float32{
		{0, 0, 1, 1},    // unrelated
		{2, 1, 0, 0.1},  // nearly the same direction
		{1, -1, 0.5, 0}, // somewhat related
	}
	if err := similarity.Normalize(query); err != nil {
		panic(err)
	}
	rows := make([]float32, 0, len(docs)*dim)
	for _, d := range docs {
		if err := similarity.Normalize(d); err != nil {
			panic(err)
		}
		rows = append(rows, d...)
	}
	scores := make([]float32, len(docs))
	similarity.DotBatch(scores, query, rows)
	for i, s := range scores {
		fmt.Printf("doc %d: %.3f\n", i, s)
	}
	// Output:
	// doc 0: 0.000
	// doc 1: 0.999
	// doc 2: 0.298
}

func ExampleCosine() {
	a := []float32{1, 2, 3}
	b := []float32{2, 4, 6.5}
	fmt.Printf("%.4f\n", similarity.Cosine(a, b))
	fmt.Println(similarity.Cosine(a, []float32{0, 0, 0})) // zero vector
	// Output:
	// 0.9993
	// 0
}

func ExampleNormalize() {
	v := []float32{3, 4}
	if err := similarity.Normalize(v); err != nil {
		panic(err)
	}
	fmt.Println(v)
	fmt.Println(similarity.Normalize([]float32{0, 0}))
	// Output:
	// [0.6 0.8]
	// similarity: Normalize: zero vector: invalid vector: invalid input
}

func ExampleDotInt8() {
	fmt.Println(similarity.DotInt8([]int8{127, -128, 3}, []int8{2, -1, -5}))
	// Output: 367
}

func ExampleHamming() {
	// 0b1011 and 0b0110 differ in three bits.
	fmt.Println(similarity.Hamming([]uint64{0b1011}, []uint64{0b0110}))
	// Output: 3
}
