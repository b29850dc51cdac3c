// This file runs the evaluation on 100 queries of STS-B with the embedded
// model: every figure is a proportion, and the Collection's lexical-only
// figures equal those of index/lexical used directly.

package retrieval

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
	pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, Tasks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	set := eval.STSRetrieval(pairs, 4.0)
	enc, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Evaluate(ctx, enc, "stsb", set, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(Modes) {
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		if !(r.NDCG10 > 0 && r.NDCG10 <= 1 && r.Recall100 > 0 && r.Recall100 <= 1) {
			t.Fatalf("%+v", r)
		}
	}
	lex, err := EvaluateLexical(ctx, "stsb", set, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Equal up to the order of summation (the metrics average over a map).
	if math.Abs(lex[0].NDCG10-rs[1].NDCG10) > 1e-12 || math.Abs(lex[0].Recall100-rs[1].Recall100) > 1e-12 {
		t.Fatalf("collection lexical %+v, index/lexical %+v", rs[1], lex[0])
	}
}
