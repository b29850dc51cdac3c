// Command korean is semantic search over Korean text with a multilingual
// model (intfloat/multilingual-e5-small by default, with its "query: " and
// "passage: " prompts), after showing why the embedded English model cannot
// do it.
//
//	go run ./examples/korean                                   # multilingual-e5-small (downloaded once)
//	go run ./examples/korean -model BM-K/KoSimCSE-roberta
//	go run ./examples/korean -model /path/to/model-folder      # offline
//	go run ./examples/korean "서울 맛집 추천"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/examples/internal/models"
)

// DefaultModel is the model used without -model.
const DefaultModel = "intfloat/multilingual-e5-small"

// DefaultPrompts are DefaultModel's prompts, which its configuration does
// not hold: the value of -prompts (see models.PromptsUsage) by default.
const DefaultPrompts = "query: |passage: "

func main() {
	model := flag.String("model", DefaultModel, "a Hugging Face hub id or a local model folder of a multilingual or Korean model")
	prompts := flag.String("prompts", DefaultPrompts, models.PromptsUsage+" (set it with -model)")
	k := flag.Int("k", 2, "hits per question")
	flag.Parse()
	ctx := context.Background()
	qs := flag.Args()
	if len(qs) == 0 {
		qs = questions
	}
	if err := englishModelReport(ctx, os.Stdout); err != nil {
		fail(err)
	}
	if err := run(ctx, os.Stdout, *model, *prompts, *k, qs); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "\nkorean:", err)
	os.Exit(1)
}

// englishModelReport shows what the embedded English GloVe model sees of
// the Korean documents: almost nothing.
func englishModelReport(ctx context.Context, w io.Writer) error {
	g, err := glove.Load()
	if err != nil {
		return err
	}
	docs := documents()
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = d.Text
	}
	_, infos, err := g.EncodeDetailed(ctx, texts)
	if err != nil {
		return err
	}
	words, known, empty := 0, 0, 0
	for _, in := range infos {
		words += in.Words
		known += in.Known
		if in.Known == 0 {
			empty++
		}
	}
	fmt.Fprintf(w, "Why not the embedded English model? Its vocabulary is English words: it knows\n"+
		"%d of the %d words of these %d Korean documents, and %d documents get no vector at all.\n"+
		"On KorSTS it scores 4.89 Spearman (embed/static/glove/README.md), close to zero: its ranking is mostly ties.\n\n",
		known, words, len(docs), empty)
	return nil
}

func run(ctx context.Context, w io.Writer, spec, prompts string, k int, qs []string) error {
	start := time.Now()
	fmt.Fprintf(w, "loading %s ...\n", spec)
	m, err := models.Load(ctx, spec, prompts)
	if err != nil {
		return err
	}
	if m.Static != nil {
		fmt.Fprintln(w, "warning: this is a word-vector model; Korean needs a multilingual or Korean transformer")
	}
	col, err := ganada.NewCollection(m, ganada.WithFlat())
	if err != nil {
		return err
	}
	if err := col.Add(ctx, documents()...); err != nil {
		return err
	}
	fmt.Fprintf(w, "model %s, %d dimensions", m.Name, m.Dim())
	if m.QueryPrompt != "" {
		fmt.Fprintf(w, ", prompts %q / %q", m.QueryPrompt, m.DocPrompt)
	}
	fmt.Fprintf(w, ": %d documents indexed in %v\n", col.Len(), time.Since(start).Round(time.Millisecond))
	for _, q := range qs {
		hits, err := col.Query(ctx, q, k)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%s\n", q)
		for i, h := range hits {
			fmt.Fprintf(w, "  %d. %.3f  [%s] %s\n", i+1, h.Score, h.Metadata["topic"], h.Text)
		}
	}
	return nil
}
