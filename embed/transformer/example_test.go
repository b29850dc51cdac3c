// example_test.go shows loading and encoding with runnable examples.

package transformer_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/transformer"
)

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// Load a model folder and encode sentences. The testdata model has random
// weights, so its similarities mean nothing; a real model such as
// sentence-transformers/all-MiniLM-L6-v2 loads the same way.
func Example() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	vecs, err := m.Encode(context.Background(), []string{
		"A man is playing a guitar.",
		"  A man is playing a guitar.  ", // stripped: the same text
		"",                               // encodes as [CLS] [SEP]
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("vectors:", len(vecs), "dimensions:", m.Dim(), "max tokens:", m.MaxSeqLength())
	fmt.Printf("unit length: %.4f\n", norm(vecs[0]))
	fmt.Printf("same text, cosine: %.4f\n", dot(vecs[0], vecs[1]))
	// Output:
	// vectors: 3 dimensions: 32 max tokens: 128
	// unit length: 1.0000
	// same text, cosine: 1.0000
}

// Load a multilingual E5 model from the Hugging Face hub (downloaded into
// the Hugging Face cache on first use) and compare a query with passages,
// each with the prefix E5 was trained with, which embed.WithPrompts adds. This example needs network
// access or a cached copy of the model, so it is not run by go test.
func Example_e5Prompts() {
	ctx := context.Background()
	m, err := transformer.Load(context.Background(), "intfloat/multilingual-e5-small")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	e5, err := embed.WithPrompts(m, "query: ", "passage: ")
	if err != nil {
		log.Fatal(err)
	}
	q, err := e5.EncodeQueries(ctx, []string{"서울의 인구는?"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := e5.EncodeDocuments(ctx, []string{
		"서울특별시의 인구는 약 940만 명이다.",
		"The Eiffel Tower is in Paris.",
	})
	if err != nil {
		log.Fatal(err)
	}
	for i := range p {
		fmt.Printf("passage %d: %.3f\n", i, dot(q[0], p[i])) // unit vectors: dot = cosine
	}
}

// Encode token ids from a tokenizer of one's own: the ids must be what the
// model's tokenizer produces, special tokens included. Here the model's
// own tokenizer makes them, so the states equal EncodeTokens'.
func ExampleModel_EncodeTokenIDs() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	enc, err := m.Tokenizer().Encode("A man is playing a guitar.", true)
	if err != nil {
		log.Fatal(err)
	}
	states, err := m.EncodeTokenIDs(context.Background(), [][]int{enc.IDs})
	if err != nil {
		log.Fatal(err)
	}
	fromText, err := m.EncodeTokens(context.Background(), []string{"A man is playing a guitar."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("tokens:", len(states[0]), "width:", len(states[0][0]))
	fmt.Printf("same as EncodeTokens: %.4f\n", dot(states[0][3], fromText[0][3])/(norm(states[0][3])*norm(fromText[0][3])))
	// Output:
	// tokens: 9 width: 32
	// same as EncodeTokens: 1.0000
}

// Encode with a prompt of the caller's choice: the same as encoding the
// prefixed text, unless the model's pooling leaves the prompt out.
func ExampleModel_EncodePrompted() {
	m, err := transformer.Load(context.Background(), "testdata/tiny-bert")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	q, err := m.EncodePrompted(ctx, "query: ", []string{"how do I reset my password"})
	if err != nil {
		log.Fatal(err)
	}
	prefixed, err := m.Encode(ctx, []string{"query: how do I reset my password"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("same as the prefixed text: %.4f\n", dot(q[0], prefixed[0]))
	// Output:
	// same as the prefixed text: 1.0000
}
