// Command sts prints STS scores — Spearman ×100 of cosine similarity
// against the gold scores — on the English STS benchmark test split and
// the KorSTS test split, for the embedded GloVe model or a static model
// file or folder.
//
//	go run ./eval/cmd/sts                      # embedded GloVe, its defaults (SIF a=1e-3)
//	go run ./eval/cmd/sts -sif 0               # plain mean of word vectors
//	go run ./eval/cmd/sts -pc dev              # and remove the first principal component of the dev split
//	go run ./eval/cmd/sts -model glove.6B.100d.txt -sif 1e-3
//	go run ./eval/cmd/sts -split dev -unknown 20
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
	"sort"
	"strings"
	"time"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/internal/datadir"
)

func main() {
	model := flag.String("model", "", "static model file or folder (default: the embedded GloVe model)")
	sif := flag.Float64("sif", -1, "SIF parameter a; 0: plain mean of word vectors; -1: the model's default (embedded GloVe: SIF a=1e-3; files: plain mean)")
	pc := flag.String("pc", "none", "remove the first principal component estimated from: none, dev (the set's dev split), test (the scored sentences themselves, as Arora et al.)")
	maxWords := flag.Int("max-words", 0, "load only the N most frequent words of -model")
	unknown := flag.Int("unknown", 0, "also print the N most frequent unknown words of each set")
	split := flag.String("split", "test", "which split to score: test or dev")
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
	start := time.Now()
	var base *static.Model
	var err error
	opts := []static.Option{}
	switch {
	case *sif > 0:
		opts = append(opts, static.WithSIF(*sif))
	case *sif == 0:
		opts = append(opts, static.WithoutSIF())
	}
	if *model == "" {
		base, err = glove.Load(opts...)
	} else {
		if *maxWords > 0 {
			opts = append(opts, static.WithMaxWords(*maxWords))
		}
		base, err = static.Load(ctx, *model, opts...)
	}
	if err != nil {
		log.Fatal(err)
	}
	id := base.Identity()
	fmt.Printf("model %s (%s), %d words × %d, %s, loaded in %v\n", id.Model, id.Revision, base.Len(), base.Dim(), base.Precision(), time.Since(start).Round(time.Millisecond))
	for _, task := range eval.StandardSTSTasks(dir) {
		switch *split {
		case "test":
		case "dev":
			task.Name = strings.Replace(task.Name, "test", "dev", 1)
			task.Path = devPath(task.Path)
		default:
			log.Fatalf("sts: -split %q: want test or dev", *split)
		}
		pairs, err := eval.LoadSTS(ctx, task.Path)
		if err != nil {
			log.Fatal(err)
		}
		enc := base
		if *pc != "none" {
			corpus := pairs
			if *pc == "dev" {
				if corpus, err = eval.LoadSTS(ctx, devPath(task.Path)); err != nil {
					log.Fatal(err)
				}
			} else if *pc != "test" {
				log.Fatalf("sts: -pc %q: want none, dev or test", *pc)
			}
			var texts []string
			for _, p := range corpus {
				texts = append(texts, p.Sentence1, p.Sentence2)
			}
			comps, err := base.CommonComponents(ctx, texts, 1)
			if err != nil {
				log.Fatal(err)
			}
			if enc, err = base.With(static.WithCommonComponents(comps...)); err != nil {
				log.Fatal(err)
			}
		}
		res, err := eval.EvaluateSTS(ctx, enc, pairs)
		if err != nil {
			log.Fatal(err)
		}
		known, total, empty := coverage(ctx, enc, pairs)
		fmt.Printf("%-18s Spearman %6.2f  Pearson %6.2f  (%d pairs; %.1f%% of words known; %d sentences with no known word)  %s\n",
			task.Name, res.Spearman, res.Pearson, res.Pairs, 100*float64(known)/float64(max(total, 1)), empty, filepath.Base(task.Path))
		if *unknown > 0 {
			printUnknown(enc, pairs, *unknown)
		}
	}
}

// devPath maps a test file of eval.StandardSTSTasks to its dev split.
func devPath(test string) string {
	return strings.Replace(strings.Replace(test, "-test.", "-dev.", 1), "sts-test.", "sts-dev.", 1)
}

// coverage counts known and total words over the pairs' sentences.
func coverage(ctx context.Context, enc embed.Encoder, pairs []eval.Pair) (known, total, empty int) {
	m, ok := enc.(*static.Model)
	if !ok {
		return 0, 0, 0
	}
	var texts []string
	for _, p := range pairs {
		texts = append(texts, p.Sentence1, p.Sentence2)
	}
	_, infos, err := m.EncodeDetailed(ctx, texts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 0, 0, 0
	}
	for _, in := range infos {
		known += in.Known
		total += in.Words
		if in.Known == 0 {
			empty++
		}
	}
	return known, total, empty
}

// printUnknown prints the n most frequent words of pairs that enc does not
// know (word-vector models only).
func printUnknown(enc *static.Model, pairs []eval.Pair, n int) {
	counts := map[string]int{}
	for _, p := range pairs {
		for _, s := range []string{p.Sentence1, p.Sentence2} {
			for _, w := range static.SplitWords(s) {
				if len(enc.Tokens(w)) == 0 {
					counts[strings.ToLower(w)]++
				}
			}
		}
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	var b strings.Builder
	for i, w := range words {
		if i == n {
			break
		}
		fmt.Fprintf(&b, " %s(%d)", w, counts[w])
	}
	fmt.Printf("  unknown:%s\n", b.String())
}
