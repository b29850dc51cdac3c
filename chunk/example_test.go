package chunk_test

import (
	"fmt"

	"github.com/ganada/ganada/chunk"
)

// Cut a text into chunks of at most 8 words: at sentence ends and the
// paragraph break rather than where the count runs out. A chunk that ends
// at a sentence end needs no overlap: the next starts at the sentence.
func ExampleSplitter_Split() {
	text := "Hangul was created in 1443. It was published in 1446.\n\n" +
		"Its letters are grouped into syllable blocks. Unicode encodes 11,172 of them."
	s, err := chunk.New(chunk.Words, 8, chunk.WithOverlap(5))
	if err != nil {
		panic(err)
	}
	chunks, err := s.Split(text)
	if err != nil {
		panic(err)
	}
	for _, c := range chunks {
		fmt.Printf("[%d:%d] %d words: %q\n", c.Start, c.End, c.Units, c.Text)
	}
	// Output:
	// [0:27] 5 words: "Hangul was created in 1443."
	// [28:53] 5 words: "It was published in 1446."
	// [55:100] 7 words: "Its letters are grouped into syllable blocks."
	// [101:132] 5 words: "Unicode encodes 11,172 of them."
}
