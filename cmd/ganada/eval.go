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
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/eval/retrieval"
	"github.com/ganada/ganada/internal/datadir"
)

const evalUsage = `usage: ganada eval [-model M | -api provider:model] [-data DIR]

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
the first N queries of each task.

`

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("eval", evalUsage, stderr)
	var mf modelFlags
	mf.register(fl)
	data := fl.String("data", "", "the evaluation data folder")
	nq := fl.Int("queries", 0, "retrieval queries scored per task (0: all)")
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
	enc, err := mf.load(ctx)
	if err != nil {
		return err
	}
	defer enc.close()
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
		rs, err := retrieval.Evaluate(ctx, enc, task.Name, eval.STSRetrieval(pairs, 4.0), *nq)
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
