// This file holds the runnable examples of package lexical.

package lexical_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/lexical"
)

// Index texts under ids, search them by BM25, and restrict a search with
// a filter on ids.
func ExampleIndex() {
	ctx := context.Background()
	x, err := lexical.New() // k1 = 1.2, b = 0.75, the Standard analyzer
	if err != nil {
		log.Fatal(err)
	}
	texts := map[uint64]string{
		1: "The cat sat on the mat.",
		2: "A dog chased the cat around the garden.",
		3: "서울의 인구는 약 940만 명이다.",
		4: "부산의 인구는 약 330만 명이다.",
	}
	for id, t := range texts {
		if err := x.Add(ctx, id, t); err != nil {
			log.Fatal(err)
		}
	}
	hits, err := x.Search(ctx, "cat garden", 3)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%d %.3f\n", h.ID, h.Score)
	}
	hits, err = x.Search(ctx, "서울 인구", 3, index.WithFilter(func(id uint64) bool { return id != 3 }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("without 3:", hits[0].ID)
	// By hand: N = 4 documents of 6, 8, 9 and 9 terms, avgdl = 8;
	// idf(cat) = ln(1 + 2.5/2.5) = 0.6931, idf(garden) = ln(1 + 3.5/1.5) =
	// 1.2040; document 2: (0.6931 + 1.2040) · 1/(1 + 1.2·(0.25 + 0.75·8/8))
	// = 0.862; document 1: 0.6931 · 1/(1 + 1.2·(0.25 + 0.75·6/8)) = 0.351.

	// Output:
	// 2 0.862
	// 1 0.351
	// without 3: 4
}

// The Standard analyzer's terms: English words by UAX #29, lowercased;
// Korean words cut into bigrams.
func ExampleStandard_Terms() {
	a, err := lexical.NewAnalyzer()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", a.Terms(nil, "Don't PANIC: 서울의 인구"))
	// Output:
	// ["don't" "panic" "서울" "울의" "인구"]
}
