// Runnable example for package glove.

package glove_test

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/similarity"
)

func Example() {
	enc, err := glove.Load()
	if err != nil {
		panic(err)
	}
	vecs, err := enc.Encode(context.Background(), []string{
		"How do I bake bread?",
		"A recipe for baking a loaf of bread.",
		"The football match ended in a draw.",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("dim:", enc.Dim())
	fmt.Println("bread ~ recipe:", similarity.Cosine(vecs[0], vecs[1]) > similarity.Cosine(vecs[0], vecs[2]))
	// Output:
	// dim: 100
	// bread ~ recipe: true
}
