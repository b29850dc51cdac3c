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
