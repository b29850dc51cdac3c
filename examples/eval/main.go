// Command eval prints how well an encoder's cosine similarities agree with
// human judgements: Spearman ×100 on the English STS benchmark test split
// (STS-B, 1,379 pairs) and on KorSTS test (1,379 Korean pairs), the
// SentEval / MTEB convention, computed by package eval.
//
//	go run ./examples/eval                     # embedded GloVe
//	go run ./examples/eval -model intfloat/multilingual-e5-small
//	go run ./examples/eval -model /path/to/model -data /path/to/shared/data
//
// The data (stsb-multi-mt and KorSTS, see ../shared/data/README.md) is not
// part of the repository: it is found in $GANADA_DATA or in the nearest
// shared/data folder above the working directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/examples/internal/models"
	"github.com/ganada/ganada/internal/datadir"
)

func main() {
	model := flag.String("model", "", models.FlagUsage)
	prompts := flag.String("prompts", "", models.PromptsUsage)
	data := flag.String("data", "", "evaluation data folder holding stsb-multi-mt/ and korsts/ (default: $GANADA_DATA, else the nearest shared/data above the working directory)")
	flag.Parse()
	ctx := context.Background()
	dir := *data
	if dir == "" {
		var err error
		if dir, err = datadir.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "eval: %v\n\n%s\n", err, dataHint)
			os.Exit(1)
		}
	}
	start := time.Now()
	m, err := models.Load(ctx, *model, *prompts)
	if err != nil {
		fail(err)
	}
	fmt.Printf("model %s, %d dimensions, loaded in %v\n", m.Name, m.Dim(), time.Since(start).Round(time.Millisecond))
	if err := run(ctx, os.Stdout, m, eval.StandardSTSTasks(dir)); err != nil {
		fail(err)
	}
}

// dataHint follows a failure to find the evaluation data.
const dataHint = "The STS data is not part of the repository. Point -data (or $GANADA_DATA) at a folder holding\n" +
	"stsb-multi-mt/stsb-en-test.csv (https://huggingface.co/datasets/PhilipMay/stsb_multi_mt) and\n" +
	"korsts/sts-test.tsv (https://github.com/kakaobrain/KorNLUDatasets)."

func fail(err error) {
	fmt.Fprintln(os.Stderr, "eval:", err)
	os.Exit(1)
}

// run scores m on every task and prints one line per task.
func run(ctx context.Context, w io.Writer, m *models.Model, tasks []eval.STSTask) error {
	// Symmetric tasks: both sentences are encoded as queries, as E5 wants
	// ("query: " on both).
	var enc embed.Encoder = asQueries{m}
	if m.QueryPrompt != "" {
		fmt.Fprintf(w, "prompt %q on every sentence\n", m.QueryPrompt)
	}
	for _, task := range tasks {
		pairs, err := eval.LoadSTS(ctx, task.Path)
		if err != nil {
			return err
		}
		start := time.Now()
		res, err := eval.EvaluateSTS(ctx, enc, pairs)
		if err != nil {
			return fmt.Errorf("%s: %w", task.Name, err)
		}
		fmt.Fprintf(w, "%-18s Spearman %6.2f  Pearson %6.2f  (%d pairs, %s, %v)\n",
			task.Name, res.Spearman, res.Pearson, res.Pairs, filepath.Base(task.Path), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// asQueries encodes every text as a query.
type asQueries struct{ *models.Model }

func (q asQueries) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return q.EncodeQueries(ctx, texts)
}
