// example_rerank_test.go shows the cross-encoder and BGE-M3 APIs with
// runnable examples on the seeded-random test fixtures.

package transformer_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ganada/ganada/embed/transformer"
)

// Load a cross-encoder and score passages against a query. The testdata
// model (BAAI/bge-reranker-base's layout) has random weights, so its
// scores mean nothing; cross-encoder/ms-marco-MiniLM-L6-v2 or
// BAAI/bge-reranker-v2-m3 load the same way, by folder or hub id.
func ExampleLoadCrossEncoder() {
	ctx := context.Background()
	ce, err := transformer.LoadCrossEncoder(ctx, "testdata/tiny-xlmr-ce")
	if err != nil {
		log.Fatal(err)
	}
	defer ce.Close()
	fmt.Println(ce.Architecture(), "labels:", ce.Labels(), "activation:", ce.Activation(), "max tokens:", ce.MaxSeqLength())
	scores, err := ce.Rerank(ctx, "How many people live in Seoul?", []string{
		"Seoul has a population of about 9.4 million.",
		"  Seoul has a population of about 9.4 million.  ", // stripped: the same pair
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in (0, 1):", scores[0] > 0 && scores[0] < 1, "same pair, same score:", scores[0] == scores[1])
	// Output:
	// XLMRobertaForSequenceClassification labels: [LABEL_0] activation: sigmoid max tokens: 512
	// in (0, 1): true same pair, same score: true
}

// Encode texts with BGE-M3's three outputs and combine their scores as
// FlagEmbedding's compute_score does. BAAI/bge-m3 itself has its heads as
// .pt files; convert them to colbert_linear.safetensors and
// sparse_linear.safetensors first (see LoadM3).
func ExampleLoadM3() {
	ctx := context.Background()
	m3, err := transformer.LoadM3(ctx, "testdata/tiny-bge-m3")
	if err != nil {
		log.Fatal(err)
	}
	defer m3.Close()
	out, err := m3.EncodeM3(ctx, []string{"what is BGE-M3?", "BGE-M3 is an embedding model."})
	if err != nil {
		log.Fatal(err)
	}
	q := out[0]
	fmt.Println("dense:", len(q.Dense), "ColBERT vectors:", len(q.ColBERT), "of", m3.ColBERTDim()) // one per token after <s>
	s := transformer.M3Score(q, q)
	fmt.Printf("a text against itself: dense %.3f, ColBERT %.3f\n", s.Dense, s.ColBERT)
	p := transformer.M3Score(q, out[1])
	fmt.Println("combined within the range of the three:", p.Combined(transformer.DefaultM3Weights) <= max(p.Dense, p.Sparse, p.ColBERT))
	// Output:
	// dense: 32 ColBERT vectors: 10 of 32
	// a text against itself: dense 1.000, ColBERT 1.000
	// combined within the range of the three: true
}
