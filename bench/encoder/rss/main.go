// Command rss measures the memory of encoding with ganada alone: it loads
// the model with embed/transformer, encodes all STS-B test sentences
// (Model.Encode, texts in, vectors out) and prints the process's peak
// resident set size (VmHWM) after loading and after encoding. Run it under
// /usr/bin/time -v for the whole process's figure:
//
//	cd bench && go build -o /tmp/rss ./encoder/rss && /usr/bin/time -v /tmp/rss
//
// Issue 5's goal: peak RSS while encoding ≤ 1.2 × the weight file + 100 MB.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/eval"
)

func main() {
	modelDir := flag.String("model", "../../shared/fixtures/models/minilm-l6-shape", "model folder")
	data := flag.String("data", "../../shared/data/stsb-multi-mt/stsb-en-test.csv", "STS-B csv (two sentences per row)")
	threads := flag.Int("threads", 1, "worker threads")
	batch := flag.Int("batch", transformer.DefaultBatchSize, "batch size")
	int8 := flag.Bool("int8", false, "int8 weights (transformer.WithInt8)")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "rss:", err)
		os.Exit(1)
	}
	texts, err := readSTSB(*data)
	if err != nil {
		fail(err)
	}
	fmt.Printf("start: peak RSS %s\n", peakRSS())
	opts := []transformer.Option{transformer.WithWorkers(*threads), transformer.WithBatchSize(*batch)}
	if *int8 {
		opts = append(opts, transformer.WithInt8())
	}
	t0 := time.Now()
	m, err := transformer.Load(context.Background(), *modelDir, opts...)
	if err != nil {
		fail(err)
	}
	defer m.Close()
	st, err := os.Stat(filepath.Join(*modelDir, "model.safetensors"))
	if err != nil {
		fail(err)
	}
	fmt.Printf("loaded in %v (int8 %v): peak RSS %s; weight file %.1f MB, goal ≤ %.1f MB\n",
		time.Since(t0).Round(time.Millisecond), m.Int8(), peakRSS(), float64(st.Size())/1e6, 1.2*float64(st.Size())/1e6+100)
	t0 = time.Now()
	vecs, err := m.Encode(context.Background(), texts)
	if err != nil {
		fail(err)
	}
	fmt.Printf("encoded %d sentences in %v (%d threads, batch %d): peak RSS %s\n",
		len(vecs), time.Since(t0).Round(time.Millisecond), *threads, *batch, peakRSS())
}

// readSTSB returns both sentences of every row of an STS-B csv.
func readSTSB(path string) ([]string, error) {
	pairs, err := eval.LoadSTS(context.Background(), path)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		out = append(out, p.Sentence1, p.Sentence2)
	}
	return out, nil
}

// peakRSS returns VmHWM from /proc/self/status (Linux).
func peakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
