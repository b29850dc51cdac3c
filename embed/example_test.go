package embed_test

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/embed"
)

// echo is a toy encoder that prints what it is asked to encode.
type echo struct{}

func (echo) Encode(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		fmt.Printf("encoding %q\n", t)
		out[i] = []float32{1}
	}
	return out, nil
}

func (echo) Dim() int { return 1 }

// Give an encoder the prompts of a model whose configuration has none
// (multilingual-e5 wants "query: " and "passage: "). A Collection uses
// EncodeQueries for Query and EncodeDocuments for Add.
func ExampleWithPrompts() {
	ctx := context.Background()
	e5, err := embed.WithPrompts(echo{}, "query: ", "passage: ")
	if err != nil {
		panic(err)
	}
	e5.EncodeQueries(ctx, []string{"서울의 인구는?"})
	e5.EncodeDocuments(ctx, []string{"서울특별시의 인구는 약 940만 명이다."})
	_, err = embed.WithPrompts(e5, "query: ", "passage: ")
	fmt.Println(err != nil)
	// Output:
	// encoding "query: 서울의 인구는?"
	// encoding "passage: 서울특별시의 인구는 약 940만 명이다."
	// true
}
