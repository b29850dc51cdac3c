// Runnable examples for package eval.

package eval_test

import (
	"context"
	"fmt"

	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/eval"
)

// Score the embedded GloVe model on a few STS-B pairs. For the full test
// splits pass your data folder to eval.StandardSTSTasks, or run
// go run ./eval/cmd/sts.
func Example() {
	pairs, err := eval.LoadSTS(context.Background(), "testdata/stsb-en-sample.csv")
	if err != nil {
		panic(err)
	}
	enc, err := glove.Load()
	if err != nil {
		panic(err)
	}
	res, err := eval.EvaluateSTS(context.Background(), enc, pairs)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d pairs, Spearman %.1f\n", res.Pairs, res.Spearman)
	// Output:
	// 6 pairs, Spearman 77.1
}

func ExampleNDCGAtK() {
	qrels := eval.Qrels{"q1": {"d1": 2, "d2": 1}}
	run := eval.Run{"q1": {"d3", "d2", "d1"}}
	fmt.Printf("recall@2 %.2f  MRR@10 %.2f  nDCG@10 %.4f\n",
		eval.RecallAtK(qrels, run, 2), eval.MRRAtK(qrels, run, 10), eval.NDCGAtK(qrels, run, 10))
	// Output:
	// recall@2 0.50  MRR@10 0.50  nDCG@10 0.6199
}

func ExampleSpearman() {
	rho, _ := eval.Spearman([]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7})
	fmt.Printf("%.4f\n", rho)
	// Output:
	// 0.8208
}

// STS pairs as a retrieval task: pairs scored at least 4.0 make each of
// their sentences a query with the other relevant; a run drops each
// query's own sentence before scoring.
func ExampleSTSRetrieval() {
	pairs := []eval.Pair{
		{Sentence1: "A man is playing a guitar.", Sentence2: "A man plays the guitar.", Score: 4.8},
		{Sentence1: "A woman is slicing an onion.", Sentence2: "A dog runs in a field.", Score: 0.2},
	}
	set := eval.STSRetrieval(pairs, 4.0)
	fmt.Println(len(set.Corpus), "sentences,", len(set.Queries), "queries")
	// A system ranked, for query q0 ("A man is playing a guitar."), the
	// query itself first, then its paraphrase.
	run := set.DropSelf(eval.Run{"q0": {"0", "1", "2"}, "q1": {"0"}})
	fmt.Printf("recall@1 %.2f\n", eval.RecallAtK(set.Qrels, run, 1))
	// Output:
	// 4 sentences, 2 queries
	// recall@1 1.00
}
