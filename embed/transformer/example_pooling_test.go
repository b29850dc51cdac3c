// example_pooling_test.go shows WithPooling and WithBERTPooler.

package transformer_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/pool"
)

// A SimCSE-style model published as a plain Hugging Face folder (no
// 1_Pooling module) was trained with CLS pooling: say so, or it gets the
// mean pooling sentence-transformers gives such folders. The testdata
// model stands in for it (its own Pooling module is mean, and is replaced).
func ExampleWithPooling() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert", transformer.WithPooling(pool.CLS))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	vecs, err := m.Encode(context.Background(), []string{"A man is playing a guitar."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("dimensions:", len(vecs[0]))
	// Output:
	// dimensions: 32
}

// Models whose card says to use BERT's pooler output (tanh of a dense
// layer over [CLS], transformers' pooler_output) get it with
// WithBERTPooler.
func ExampleWithBERTPooler() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert", transformer.WithBERTPooler())
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	vecs, err := m.Encode(context.Background(), []string{"A man is playing a guitar."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dimensions: %d, unit length: %.4f\n", len(vecs[0]), norm(vecs[0]))
	// Output:
	// dimensions: 32, unit length: 1.0000
}
