// eval.go is the eval subcommand: how well the encoder's cosine
// similarities agree with human judgements on the STS test sets (English
// STS-B and KorSTS), computed by package eval, and how well dense, BM25
// and hybrid search retrieve on retrieval tasks made from them
// (eval/retrieval).

package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/eval/retrieval"
	"github.com/ganada/ganada/internal/datadir"
)

const evalUsage = `usage: ganada eval [-model M [-m3] | -api provider:model] [-data DIR]
                   [-queries N] [-reranker DIR [-rerank-depth N]]

Prints Spearman and Pearson ×100 between the encoder's cosine similarities
and the human scores of the STS benchmark test split (English, 1,379 pairs)
and KorSTS test (Korean, 1,379 pairs). Both sentences of a pair are
encoded as queries. The data is not part of the repository: -data (or
$GANADA_DATA) is a folder holding stsb-multi-mt/stsb-en-test.csv and
korsts/sts-test.tsv; by default the nearest shared/data above the working
directory.

Then NDCG@10 and recall@100 of dense, lexical (BM25) and hybrid search
through a Collection on the retrieval tasks made from the same test
splits (each pair scored 4.0 or more makes each sentence a query with the
other relevant, among all the split's sentences); -queries N scores only
the first N queries of each task. -reranker adds a row: the dense list's
-rerank-depth best (20 by default) reordered by that cross-encoder (a
model folder or hub id, transformer.LoadCrossEncoder). -m3 loads -model
as BGE-M3 with its sparse and ColBERT heads (transformer.LoadM3) and adds
rows for its sparse search, compute_score's weighted sums and MaxSim
rescoring, from the outputs the Collection stores.

`

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("eval", evalUsage, stderr)
	var mf modelFlags
	mf.register(fl)
	data := fl.String("data", "", "the evaluation data folder")
	nq := fl.Int("queries", 0, "retrieval queries scored per task (0: all)")
	rerank := fl.String("reranker", "", "a cross-encoder folder or hub id whose reranking of the dense list is scored too")
	depth := fl.Int("rerank-depth", retrieval.DefaultRerankDepth, "how many of the dense list's best -reranker reorders")
	m3 := fl.Bool("m3", false, "load -model as BGE-M3 (dense, sparse and ColBERT outputs) and score its searches too")
	pos, err := fl.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("eval: unexpected argument %q", pos[0])}
	}
	dir := *data
	if dir == "" {
		if dir, err = datadir.Find(); err != nil {
			return fmt.Errorf("%w; give -data", err)
		}
	}
	if *depth < 1 || *depth > 100 {
		return &usageError{fmt.Sprintf("eval: -rerank-depth %d: want 1..100", *depth)}
	}
	if *m3 && (mf.model == "" || mf.api != "" || mf.cacheFile != "") {
		return &usageError{"eval: -m3 needs -model (a BGE-M3 folder or hub id), without -api or -cache"}
	}
	var enc *encoder
	var retrEnc embed.Encoder // the encoder the retrieval rows use
	if *m3 {
		m, err := transformer.LoadM3(ctx, mf.model)
		if err != nil {
			return fmt.Errorf("model %s: %w", mf.model, err)
		}
		enc = &encoder{Encoder: m, close: func() { m.Close() }}
		retrEnc = m // an embed.MultiEncoder: the M3 rows are scored
	} else {
		if enc, err = mf.load(ctx); err != nil {
			return err
		}
		retrEnc = enc
	}
	defer enc.close()
	ropts := retrieval.Options{Limit: *nq, RerankDepth: *depth}
	if *rerank != "" {
		ce, err := transformer.LoadCrossEncoder(ctx, *rerank)
		if err != nil {
			return fmt.Errorf("reranker %s: %w", *rerank, err)
		}
		defer ce.Close()
		ropts.Reranker, ropts.RerankName = ce, *rerank
	}
	id := embed.IdentityOf(enc)
	fmt.Fprintf(stdout, "model %s, %d dimensions\n", id.Model, enc.Dim())
	for _, task := range eval.StandardSTSTasks(dir) {
		pairs, err := eval.LoadSTS(ctx, task.Path)
		if err != nil {
			return err
		}
		res, err := eval.EvaluateSTS(ctx, queries{enc}, pairs)
		if err != nil {
			return fmt.Errorf("%s: %w", task.Name, err)
		}
		fmt.Fprintf(stdout, "%-18s Spearman %6.2f  Pearson %6.2f  (%d pairs, %s)\n",
			task.Name, res.Spearman, res.Pearson, res.Pairs, filepath.Base(task.Path))
	}
	fmt.Fprintln(stdout)
	var all []retrieval.Result
	for _, task := range retrieval.Tasks {
		pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, task.File))
		if err != nil {
			return err
		}
		rs, err := retrieval.EvaluateWith(ctx, retrEnc, task.Name, eval.STSRetrieval(pairs, 4.0), ropts)
		if err != nil {
			return err
		}
		all = append(all, rs...)
	}
	retrieval.Report(stdout, id.Model, all)
	return nil
}

// queries encodes every text as a query (STS is symmetric: E5 wants
// "query: " on both sentences, an API its query input type).
type queries struct{ enc embed.Encoder }

func (q queries) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return embed.EncodeQueries(ctx, q.enc, texts)
}
func (q queries) Dim() int { return q.enc.Dim() }
