// Runnable examples for package static.

package static_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/similarity"
)

// A tiny GloVe-format file: word, then its vector.
const vectors = `the 0.1 0.1 0.1
cat 0.9 0.1 0.0
kitten 0.85 0.2 0.05
dog 0.1 0.9 0.0
sat 0.2 0.2 0.8
`

func Example() {
	m, err := static.ReadText(context.Background(), strings.NewReader(vectors), static.WithName("toy"))
	if err != nil {
		panic(err)
	}
	v, ok := m.Vector("cat")
	fmt.Println("cat:", v, ok)

	vecs, err := m.Encode(context.Background(), []string{"The cat sat.", "The kitten sat!", "The dog sat."})
	if err != nil {
		panic(err)
	}
	fmt.Printf("cat~kitten %.3f\n", similarity.Cosine(vecs[0], vecs[1]))
	fmt.Printf("cat~dog    %.3f\n", similarity.Cosine(vecs[0], vecs[2]))
	// Output:
	// cat: [0.9 0.1 0] true
	// cat~kitten 0.997
	// cat~dog    0.734
}

func ExampleModel_EncodeDetailed() {
	m, _ := static.ReadText(context.Background(), strings.NewReader(vectors))
	vecs, infos, _ := m.EncodeDetailed(context.Background(), []string{"the cat", "zebras!"})
	for i := range vecs {
		fmt.Println(infos[i].Known, "of", infos[i].Words, "known:", vecs[i])
	}
	// Output:
	// 2 of 2 known: [0.5 0.1 0.05]
	// 0 of 1 known: [0 0 0]
}

func ExampleWithSIF() {
	m, _ := static.ReadText(context.Background(), strings.NewReader(vectors), static.WithSIF(0.01))
	for _, w := range []string{"the", "sat"} {
		c, _ := m.SIFWeight(w)
		fmt.Printf("%s %.3f\n", w, c)
	}
	// Output:
	// the 0.022
	// sat 0.102
}

// Readers skip words that are not valid UTF-8 (here one that word2vec cut
// inside "é") and keep the first of repeated words; LoadReport counts them.
func ExampleModel_LoadReport() {
	file := "4 2\ncaf\xc3 0.1 0.2\ncat 0.9 0.1\ndog 0.1 0.9\ncat 0.5 0.5\n"
	m, err := static.ReadText(context.Background(), strings.NewReader(file))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Words())
	fmt.Printf("%+v\n", m.LoadReport())
	// Output:
	// [cat dog]
	// {Entries:4 Duplicates:1 InvalidUTF8:1}
}
