// This file runs the evaluation on 100 queries of STS-B with the embedded
// model: every figure is a proportion, and the Collection's lexical-only
// figures equal those of index/lexical used directly.

package main

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/internal/testutil"
)

func TestEvaluate(t *testing.T) {
	dir := testutil.DataDir(t)
	ctx := context.Background()
	pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, tasks[0].file))
	if err != nil {
		t.Fatal(err)
	}
	set := eval.STSRetrieval(pairs, 4.0)
	enc, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := evaluate(ctx, enc, "stsb", set, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(modes) {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		if !(r.ndcg10 > 0 && r.ndcg10 <= 1 && r.rec100 > 0 && r.rec100 <= 1) {
			t.Fatalf("%+v", r)
		}
	}
	lex, err := evaluateLexical(ctx, "stsb", set, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Equal up to the order of summation (the metrics average over a map).
	if math.Abs(lex[0].ndcg10-rs[1].ndcg10) > 1e-12 || math.Abs(lex[0].rec100-rs[1].rec100) > 1e-12 {
		t.Fatalf("collection lexical %+v, index/lexical %+v", rs[1], lex[0])
	}
}
