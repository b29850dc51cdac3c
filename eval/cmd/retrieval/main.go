// Command retrieval prints retrieval quality (package eval/retrieval) — NDCG@10 and recall@100 —
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
	var all []retrieval.Result
	for _, t := range retrieval.Tasks {
		pairs, err := eval.LoadSTS(ctx, filepath.Join(dir, t.File))
		if err != nil {
			log.Fatal(err)
		}
		set := eval.STSRetrieval(pairs, 4.0)
		rs, err := retrieval.Evaluate(ctx, enc, t.Name, set, 0)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%s: %d sentences, %d queries\n", t.Name, len(set.Corpus), len(set.Queries))
		all = append(all, rs...)
	}
	retrieval.Report(os.Stdout, name, all)
}
