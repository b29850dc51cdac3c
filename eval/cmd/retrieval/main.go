// Command retrieval prints retrieval quality — NDCG@10 and recall@100 —
// of dense, lexical (BM25) and hybrid search through a ganada.Collection,
// on retrieval tasks built from STS pairs (eval.STSRetrieval: each pair
// scored ≥ 4.0 makes each sentence a query with the other relevant, among
// all sentences of the split; the query's own sentence is dropped from
// its ranking): the English STS benchmark and KorSTS, test splits.
//
//	go run ./eval/cmd/retrieval                                   # embedded GloVe
//	go run ./eval/cmd/retrieval -model ../shared/fixtures/models/tiny-xlmr   # a transformer folder
//
// Data come from -data, else $GANADA_DATA, else the nearest shared/data
// above the working directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/index/lexical"
	"github.com/ganada/ganada/internal/datadir"
)

// mode is one way of querying the collection.
type mode struct {
	name string
	opt  ganada.QueryOption
}

var modes = []mode{
	{"dense", nil},
	{"lexical (BM25)", ganada.WithLexicalOnly()},
	{"hybrid RRF(60)", ganada.WithHybrid(ganada.RRF(ganada.DefaultRRFK))},
	{"hybrid WeightedSum(0.5)", ganada.WithHybrid(ganada.WeightedSum(0.5))},
}

// task is one retrieval set.
type task struct {
	name, file string
}

var tasks = []task{
	{"STS-B en test", filepath.Join("stsb-multi-mt", "stsb-en-test.csv")},
	{"KorSTS test", filepath.Join("korsts", "sts-test.tsv")},
}

// result is one row of the report.
type result struct {
	task, mode     string
	ndcg10, rec100 float64
}

// evaluate indexes set in a flat collection with a lexical index and
// scores every mode; limit > 0 keeps only that many queries.
func evaluate(ctx context.Context, enc embed.Encoder, taskName string, set eval.RetrievalSet, limit int) ([]result, error) {
	col, err := ganada.NewCollection(enc, ganada.WithFlat(), ganada.WithLexical())
	if err != nil {
		return nil, err
	}
	docs := make([]ganada.Document, len(set.Corpus))
	for i, s := range set.Corpus {
		docs[i] = ganada.Document{ID: strconv.Itoa(i), Text: s}
	}
	if err := col.Add(ctx, docs...); errors.Is(err, errs.ErrNoKnownTokens) {
		// A word-vector model that knows none of a sentence's words (GloVe
		// on Korean) gives it no vector: score BM25 alone.
		fmt.Fprintf(os.Stderr, "%s: %v: dense and hybrid not scored\n", taskName, err)
		return evaluateLexical(ctx, taskName, set, limit)
	} else if err != nil {
		return nil, err
	}
	qrels := limitQrels(set.Qrels, limit)
	var out []result
	for _, m := range modes {
		run := eval.Run{}
		for q := range qrels {
			hits, err := col.Query(ctx, set.Queries[q], 101, m.opt)
			if err != nil {
				return nil, fmt.Errorf("%s, %s, query %q: %w", taskName, m.name, set.Queries[q], err)
			}
			for _, h := range hits {
				run[q] = append(run[q], h.ID)
			}
		}
		run = set.DropSelf(run)
		out = append(out, result{taskName, m.name, eval.NDCGAtK(qrels, run, 10), eval.RecallAtK(qrels, run, 100)})
	}
	return out, nil
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

// evaluateLexical scores BM25 alone through index/lexical.
func evaluateLexical(ctx context.Context, taskName string, set eval.RetrievalSet, limit int) ([]result, error) {
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
	return []result{{taskName, "lexical (BM25)", eval.NDCGAtK(qrels, run, 10), eval.RecallAtK(qrels, run, 100)}}, nil
}

func report(w io.Writer, model string, rs []result) {
	fmt.Fprintf(w, "model: %s\n\n| set | search | NDCG@10 | recall@100 |\n|---|---|---:|---:|\n", model)
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s | %.4f | %.4f |\n", r.task, r.mode, r.ndcg10, r.rec100)
	}
}

func main() {
	model := flag.String("model", "", "transformer model folder or hub id (default: the embedded GloVe model)")
	data := flag.String("data", "", "evaluation data directory (default: $GANADA_DATA or ../shared/data)")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	dir := *data
	if dir == "" {
		var err error
		if dir, err = datadir.Find(); err != nil {
			log.Fatal(err)
		}
	}
	var enc embed.Encoder
	name := "embedded GloVe (embed/static/glove)"
	if *model == "" {
		g, err := glove.Load()
		if err != nil {
			log.Fatal(err)
		}
		enc = g
	} else {
		m, err := transformer.Load(ctx, *model)
		if err != nil {
			log.Fatal(err)
		}
		defer m.Close()
		enc, name = m, *model
	}
	var all []result
	for _, t := range tasks {
		pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, t.file))
		if err != nil {
			log.Fatal(err)
		}
		set := eval.STSRetrieval(pairs, 4.0)
		rs, err := evaluate(ctx, enc, t.name, set, 0)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s: %d sentences, %d queries\n", t.name, len(set.Corpus), len(set.Queries))
		all = append(all, rs...)
	}
	report(os.Stdout, name, all)
}
