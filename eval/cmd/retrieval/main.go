// Command retrieval prints retrieval quality (package eval/retrieval) — NDCG@10 and recall@100 —
// of dense, lexical (BM25) and hybrid search through a ganada.Collection,
// on retrieval tasks built from STS pairs (eval.STSRetrieval: each pair
// scored ≥ 4.0 makes each sentence a query with the other relevant, among
// all sentences of the split; the query's own sentence is dropped from
// its ranking): the English STS benchmark and KorSTS, test splits.
//
//	go run ./eval/cmd/retrieval                                   # embedded GloVe
//	go run ./eval/cmd/retrieval -model ../shared/fixtures/models/tiny-xlmr   # a transformer folder
//	go run ./eval/cmd/retrieval -model DIR -m3                    # BGE-M3: adds its sparse, weighted and MaxSim rows
//	go run ./eval/cmd/retrieval -reranker DIR [-rerank-depth 20]   # adds the dense list reranked by a cross-encoder
//
// Data come from -data, else $GANADA_DATA, else the nearest shared/data
// above the working directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/eval/retrieval"
	"github.com/ganada/ganada/internal/datadir"
)

func main() {
	model := flag.String("model", "", "transformer model folder or hub id (default: the embedded GloVe model)")
	data := flag.String("data", "", "evaluation data directory (default: $GANADA_DATA or ../shared/data)")
	m3 := flag.Bool("m3", false, "load -model as BGE-M3 (transformer.LoadM3) and score its sparse, weighted and MaxSim searches too")
	rerank := flag.String("reranker", "", "a cross-encoder folder or hub id whose reranking of the dense list is scored too")
	depth := flag.Int("rerank-depth", retrieval.DefaultRerankDepth, "how many of the dense list's best -reranker reorders")
	limit := flag.Int("queries", 0, "queries scored per task (0: all)")
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
	} else if *m3 {
		m, err := transformer.LoadM3(ctx, *model)
		if err != nil {
			log.Fatal(err)
		}
		defer m.Close()
		enc, name = m, *model+" (BGE-M3)"
	} else {
		m, err := transformer.Load(ctx, *model)
		if err != nil {
			log.Fatal(err)
		}
		defer m.Close()
		enc, name = m, *model
	}
	opts := retrieval.Options{Limit: *limit, RerankDepth: *depth}
	if *rerank != "" {
		ce, err := transformer.LoadCrossEncoder(ctx, *rerank)
		if err != nil {
			log.Fatal(err)
		}
		defer ce.Close()
		opts.Reranker, opts.RerankName = ce, *rerank
	}
	var all []retrieval.Result
	for _, t := range retrieval.Tasks {
		pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, t.File))
		if err != nil {
			log.Fatal(err)
		}
		set := eval.STSRetrieval(pairs, 4.0)
		rs, err := retrieval.EvaluateWith(ctx, enc, t.Name, set, opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s: %d sentences, %d queries\n", t.Name, len(set.Corpus), len(set.Queries))
		all = append(all, rs...)
	}
	retrieval.Report(os.Stdout, name, all)
}
