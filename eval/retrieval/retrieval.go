// Package retrieval scores retrieval quality — NDCG@10 and recall@100 —
// of dense, lexical (BM25) and hybrid search through a ganada.Collection,
// and, when asked, of dense search reranked by a cross-encoder and of
// BGE-M3's sparse, weighted (compute_score) and MaxSim searches,
// on retrieval tasks built from STS pairs (eval.STSRetrieval: each pair
// scored ≥ 4.0 makes each sentence a query with the other relevant, among
// all sentences of the split; the query's own sentence is dropped from
// its ranking). The command eval/cmd/retrieval and `ganada eval` print it.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/index/lexical"
)

// Mode is one way of querying the collection.
type Mode struct {
	Name string
	Opt  ganada.QueryOption
}

// Modes are the searches Evaluate scores.
var Modes = []Mode{
	{"dense", nil},
	{"lexical (BM25)", ganada.WithLexicalOnly()},
	{"hybrid RRF(60)", ganada.WithHybrid(ganada.RRF(ganada.DefaultRRFK))},
	{"hybrid WeightedSum(0.5)", ganada.WithHybrid(ganada.WeightedSum(0.5))},
}

// Task is one retrieval set: a name and an STS file under the data folder.
type Task struct {
	Name, File string
}

// Tasks are the test splits of the English STS benchmark and KorSTS.
var Tasks = []Task{
	{"STS-B en test", filepath.Join("stsb-multi-mt", "stsb-en-test.csv")},
	{"KorSTS test", filepath.Join("korsts", "sts-test.tsv")},
}

// M3Modes are the searches Evaluate adds for an embed.MultiEncoder
// (BGE-M3), whose lexical weights and ColBERT vectors the collection then
// stores: FlagEmbedding's sparse score, its weighted sums with
// weights_for_different_modes [0.4, 0.2, 0] ("sparse+dense") and
// [0.4, 0.2, 0.4], and the dense list rescored by MaxSim.
var M3Modes = []Mode{
	{"M3 sparse", ganada.WithSparseOnly()},
	{"M3 dense+sparse [0.4, 0.2]", ganada.WithM3(embed.MultiWeights{Dense: 0.4, Sparse: 0.2})},
	{"M3 dense+sparse+colbert [0.4, 0.2, 0.4]", ganada.WithM3(embed.MultiWeights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4})},
	{"M3 dense, MaxSim rescoring of the top 101", ganada.WithMaxSim(101)},
}

// DefaultRerankDepth is how many of the dense list's best the rerank row
// reranks, when Options.RerankDepth is 0.
const DefaultRerankDepth = 20

// Options tune EvaluateWith.
type Options struct {
	// Limit > 0 keeps only that many queries (the first by id).
	Limit int
	// Reranker, when set, adds a row: the dense list's RerankDepth best
	// reordered by it (ganada.WithRerank), then the rest of the dense
	// list in its order.
	Reranker embed.Reranker
	// RerankName names the reranker in its row.
	RerankName string
	// RerankDepth is how many candidates are reranked
	// (DefaultRerankDepth when 0).
	RerankDepth int
}

// Result is one row of the report.
type Result struct {
	Task, Mode        string
	NDCG10, Recall100 float64
}

// Evaluate indexes set in a flat collection with a lexical index and
// scores every mode; limit > 0 keeps only that many queries. Documents
// are encoded as documents and queries as queries (embed.EncodeQueries).
// A model that gives some sentence no usable vector (a word-vector model
// that knows none of its words: GloVe on Korean) gets BM25 alone, with a
// note on stderr. An embed.MultiEncoder (transformer.M3) also gets the
// rows of M3Modes.
func Evaluate(ctx context.Context, enc embed.Encoder, taskName string, set eval.RetrievalSet, limit int) ([]Result, error) {
	return EvaluateWith(ctx, enc, taskName, set, Options{Limit: limit})
}

// EvaluateWith is Evaluate with a reranker row when o asks for one.
func EvaluateWith(ctx context.Context, enc embed.Encoder, taskName string, set eval.RetrievalSet, o Options) ([]Result, error) {
	limit := o.Limit
	opts := []ganada.Option{ganada.WithFlat(), ganada.WithLexical()}
	modes := Modes
	if _, ok := enc.(embed.MultiEncoder); ok {
		opts = append(opts, ganada.WithSparse(), ganada.WithColBERT())
		modes = append(append([]Mode(nil), Modes...), M3Modes...)
	}
	col, err := ganada.NewCollection(enc, opts...)
	if err != nil {
		return nil, err
	}
	docs := make([]ganada.Document, len(set.Corpus))
	for i, s := range set.Corpus {
		docs[i] = ganada.Document{ID: strconv.Itoa(i), Text: s}
	}
	if err := col.Add(ctx, docs...); errors.Is(err, errs.ErrNoKnownTokens) || errors.Is(err, errs.ErrInvalidVector) {
		// A word-vector model that knows none of a sentence's words (GloVe
		// on Korean) gives it no vector: score BM25 alone.
		fmt.Fprintf(os.Stderr, "%s: %v: dense and hybrid not scored\n", taskName, err)
		return EvaluateLexical(ctx, taskName, set, limit)
	} else if err != nil {
		return nil, err
	}
	qrels := limitQrels(set.Qrels, limit)
	var out []Result
	for _, m := range modes {
		run := eval.Run{}
		for q := range qrels {
			hits, err := col.Query(ctx, set.Queries[q], 101, m.Opt)
			if err != nil {
				return nil, fmt.Errorf("%s, %s, query %q: %w", taskName, m.Name, set.Queries[q], err)
			}
			for _, h := range hits {
				run[q] = append(run[q], h.ID)
			}
		}
		run = set.DropSelf(run)
		out = append(out, Result{taskName, m.Name, eval.NDCGAtK(qrels, run, 10), eval.RecallAtK(qrels, run, 100)})
	}
	if o.Reranker != nil {
		r, err := rerankRow(ctx, col, taskName, set, qrels, o)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rerankRow scores the dense list with its best o.RerankDepth reranked.
func rerankRow(ctx context.Context, col *ganada.Collection, taskName string, set eval.RetrievalSet, qrels eval.Qrels, o Options) (Result, error) {
	n := o.RerankDepth
	if n == 0 {
		n = DefaultRerankDepth
	}
	name := fmt.Sprintf("dense, top %d reranked by %s", n, o.RerankName)
	run := eval.Run{}
	for q := range qrels {
		top, err := col.Query(ctx, set.Queries[q], n, ganada.WithRerank(o.Reranker, n))
		if err != nil {
			return Result{}, fmt.Errorf("%s, %s, query %q: %w", taskName, name, set.Queries[q], err)
		}
		rest, err := col.Query(ctx, set.Queries[q], 101)
		if err != nil {
			return Result{}, fmt.Errorf("%s, %s, query %q: %w", taskName, name, set.Queries[q], err)
		}
		seen := map[string]bool{}
		for _, h := range top {
			run[q] = append(run[q], h.ID)
			seen[h.ID] = true
		}
		for _, h := range rest {
			if !seen[h.ID] {
				run[q] = append(run[q], h.ID)
			}
		}
	}
	run = set.DropSelf(run)
	return Result{taskName, name, eval.NDCGAtK(qrels, run, 10), eval.RecallAtK(qrels, run, 100)}, nil
}

// limitQrels keeps the first limit queries in id order (all if limit ≤ 0).
func limitQrels(all eval.Qrels, limit int) eval.Qrels {
	if limit <= 0 || limit >= len(all) {
		return all
	}
	ids := make([]string, 0, len(all))
	for q := range all {
		ids = append(ids, q)
	}
	sort.Strings(ids)
	out := eval.Qrels{}
	for _, q := range ids[:limit] {
		out[q] = all[q]
	}
	return out
}

// EvaluateLexical scores BM25 alone through index/lexical.
func EvaluateLexical(ctx context.Context, taskName string, set eval.RetrievalSet, limit int) ([]Result, error) {
	x, err := lexical.New()
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(set.Corpus))
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := x.AddBatch(ctx, ids, set.Corpus); err != nil {
		return nil, err
	}
	qrels := limitQrels(set.Qrels, limit)
	run := eval.Run{}
	for q := range qrels {
		rs, err := x.Search(ctx, set.Queries[q], 101)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			run[q] = append(run[q], strconv.FormatUint(r.ID, 10))
		}
	}
	run = set.DropSelf(run)
	return []Result{{taskName, "lexical (BM25)", eval.NDCGAtK(qrels, run, 10), eval.RecallAtK(qrels, run, 100)}}, nil
}

// Report prints rs as a Markdown table.
func Report(w io.Writer, model string, rs []Result) {
	fmt.Fprintf(w, "model: %s\n\n| set | search | NDCG@10 | recall@100 |\n|---|---|---:|---:|\n", model)
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s | %.4f | %.4f |\n", r.Task, r.Mode, r.NDCG10, r.Recall100)
	}
}
