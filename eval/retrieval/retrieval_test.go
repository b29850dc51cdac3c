// This file runs the evaluation on 100 queries of STS-B with the embedded
// model: every figure is a proportion, and the Collection's lexical-only
// figures equal those of index/lexical used directly.

package retrieval

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/internal/testutil"
	"github.com/ganada/ganada/similarity"
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

// denseReranker scores passages by the cosine of their vectors with the
// query's, as the dense search ranks them: reranking with it must leave
// the dense figures unchanged.
type denseReranker struct{ enc embed.Encoder }

func (d denseReranker) Rerank(ctx context.Context, q string, ps []string) ([]float32, error) {
	qv, err := embed.EncodeQueries(ctx, d.enc, []string{q})
	if err != nil {
		return nil, err
	}
	pv, err := embed.EncodeDocuments(ctx, d.enc, ps)
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(ps))
	for i := range pv {
		out[i] = similarity.Cosine(qv[0], pv[i])
	}
	return out, nil
}

// TestEvaluateM3AndRerank runs the M3 rows with the tiny-bge-m3 fixture
// (random weights: the figures only have to be proportions) and the
// rerank row with a reranker that ranks as the dense search does (its
// figures must equal the dense row's) and with the tiny-xlmr-ce
// cross-encoder.
func TestEvaluateM3AndRerank(t *testing.T) {
	dir := testutil.DataDir(t)
	m3dir := filepath.Join("..", "..", "embed", "transformer", "testdata", "tiny-bge-m3")
	cedir := filepath.Join("..", "..", "embed", "transformer", "testdata", "tiny-xlmr-ce")
	for _, d := range []string{m3dir, cedir} {
		if _, err := os.Stat(d); err != nil {
			t.Skipf("fixture %s not found", d)
		}
	}
	ctx := context.Background()
	pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, Tasks[0].File))
	if err != nil {
		t.Fatal(err)
	}
	set := eval.STSRetrieval(pairs, 4.0)
	m3, err := transformer.LoadM3(ctx, m3dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m3.Close()
	rs, err := EvaluateWith(ctx, m3, "stsb", set, Options{Limit: 30, Reranker: denseReranker{m3}, RerankName: "dense"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(Modes)+len(M3Modes)+1 {
		t.Fatalf("%d rows", len(rs))
	}
	for i, r := range rs {
		if !(r.NDCG10 >= 0 && r.NDCG10 <= 1 && r.Recall100 >= 0 && r.Recall100 <= 1) {
			t.Fatalf("%+v", r)
		}
		if i >= len(Modes) && i < len(Modes)+len(M3Modes) && r.Mode != M3Modes[i-len(Modes)].Name {
			t.Fatalf("row %d is %q", i, r.Mode)
		}
	}
	dense, rr := rs[0], rs[len(rs)-1]
	if math.Abs(dense.NDCG10-rr.NDCG10) > 1e-9 || math.Abs(dense.Recall100-rr.Recall100) > 1e-9 {
		t.Fatalf("reranked by the dense order: %+v, dense %+v", rr, dense)
	}
	ce, err := transformer.LoadCrossEncoder(ctx, cedir)
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	enc, err := glove.Load()
	if err != nil {
		t.Fatal(err)
	}
	rs, err = EvaluateWith(ctx, enc, "stsb", set, Options{Limit: 30, Reranker: ce, RerankName: "tiny-xlmr-ce", RerankDepth: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(Modes)+1 || rs[len(rs)-1].Mode != "dense, top 10 reranked by tiny-xlmr-ce" {
		t.Fatalf("%+v", rs)
	}
	// Reranking the top 10 keeps the dense list's recall@100.
	if r := rs[len(rs)-1]; math.Abs(r.Recall100-rs[0].Recall100) > 1e-9 {
		t.Fatalf("recall@100 reranked %g, dense %g", r.Recall100, rs[0].Recall100)
	}
}
