// Command longctx measures long-context encoding: one sequence of 512,
// 2,048 and 8,192 tokens through ganada's embed/transformer and through
// ONNX Runtime on the same model's ONNX export (by default the tiny-modernbert
// fixture: rotary positions, alternating global and ±8-token sliding-window
// attention), with the max |Δ| between the two engines' last hidden states
// at each length, tokens per second (best of -repeat passes) and, run one
// engine per process under /usr/bin/time -v (run.sh), the peak RSS.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ganada/ganada/bench/internal/measure"
	"github.com/ganada/ganada/embed/transformer"
	ort "github.com/yalue/onnxruntime_go"
)

func main() {
	modelDir := flag.String("model", "../../shared/fixtures/models/tiny-modernbert", "model folder with model.onnx (inputs input_ids, attention_mask)")
	ortLib := flag.String("ort-lib", os.Getenv("ORT_LIB"), "path of libonnxruntime.so")
	engines := flag.String("engines", "ort,ganada", "engines to run (ort, ganada)")
	lengths := flag.String("lengths", "512,2048,8192", "sequence lengths in tokens")
	threads := flag.Int("threads", 1, "threads per engine")
	repeat := flag.Int("repeat", 3, "timed passes per length and engine (best printed)")
	flag.Parse()
	if err := run(*modelDir, *ortLib, *engines, *lengths, *threads, *repeat); err != nil {
		fmt.Fprintln(os.Stderr, "longctx:", err)
		os.Exit(1)
	}
}

type engine struct {
	name   string
	encode func(ids []int) ([]float32, error)
	close  func()
}

func run(dir, lib, engineList, lengthList string, threads, repeat int) error {
	var cfg struct {
		Vocab  int `json:"vocab_size"`
		Hidden int `json:"hidden_size"`
		CLS    int `json:"cls_token_id"`
		SEP    int `json:"sep_token_id"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return err
	}
	var ls []int
	for _, s := range strings.Split(lengthList, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 3 {
			return fmt.Errorf("-lengths: %q", s)
		}
		ls = append(ls, n)
	}
	var es []engine
	for _, name := range strings.Split(engineList, ",") {
		e, err := newEngine(name, dir, lib, threads)
		if err != nil {
			return err
		}
		defer e.close()
		es = append(es, e)
	}
	fmt.Println(measure.Machine())
	fmt.Printf("model %s, hidden %d, %d thread(s)\n", filepath.Base(dir), cfg.Hidden, threads)
	rng := rand.New(rand.NewSource(1))
	for _, n := range ls {
		// [CLS] + ordinary tokens (ids below the specials) + [SEP].
		ids := make([]int, n)
		ids[0], ids[n-1] = cfg.CLS, cfg.SEP
		for i := 1; i < n-1; i++ {
			ids[i] = rng.Intn(min(cfg.CLS, cfg.SEP))
		}
		var outs [][]float32
		for _, e := range es {
			best := math.Inf(1)
			var out []float32
			for r := 0; r <= repeat; r++ { // the first pass warms up
				start := time.Now()
				o, err := e.encode(ids)
				if err != nil {
					return fmt.Errorf("%s, %d tokens: %w", e.name, n, err)
				}
				if r > 0 {
					best = math.Min(best, time.Since(start).Seconds())
				}
				out = o
			}
			outs = append(outs, out)
			fmt.Printf("%-8s %5d tokens: %8.0f tokens/s (best of %d: %.3f s; load %s)\n", e.name, n, float64(n)/best, repeat, best, measure.LoadAvg())
		}
		if len(outs) == 2 {
			d := 0.0
			for i := range outs[0] {
				d = math.Max(d, math.Abs(float64(outs[0][i]-outs[1][i])))
			}
			fmt.Printf("         %5d tokens: max |Δ| last_hidden_state %s vs %s: %.3g\n", n, es[0].name, es[1].name, d)
		}
	}
	return nil
}

func newEngine(name, dir, lib string, threads int) (engine, error) {
	switch name {
	case "ganada":
		m, err := transformer.Load(context.Background(), dir, transformer.WithWorkers(threads))
		if err != nil {
			return engine{}, err
		}
		return engine{name: name, close: func() { m.Close() }, encode: func(ids []int) ([]float32, error) {
			toks, err := m.EncodeTokenIDs(context.Background(), [][]int{ids})
			if err != nil {
				return nil, err
			}
			var out []float32
			for _, r := range toks[0] {
				out = append(out, r...)
			}
			return out, nil
		}}, nil
	case "ort":
		ort.SetSharedLibraryPath(lib)
		if err := ort.InitializeEnvironment(); err != nil {
			return engine{}, fmt.Errorf("onnxruntime init (%s): %w", lib, err)
		}
		opts, err := ort.NewSessionOptions()
		if err != nil {
			return engine{}, err
		}
		defer opts.Destroy()
		if err := opts.SetGraphOptimizationLevel(ort.GraphOptimizationLevelEnableAll); err != nil {
			return engine{}, err
		}
		if err := opts.SetIntraOpNumThreads(threads); err != nil {
			return engine{}, err
		}
		if err := opts.SetInterOpNumThreads(1); err != nil {
			return engine{}, err
		}
		sess, err := ort.NewDynamicAdvancedSession(filepath.Join(dir, "model.onnx"),
			[]string{"input_ids", "attention_mask"}, []string{"last_hidden_state"}, opts)
		if err != nil {
			return engine{}, err
		}
		return engine{name: name, close: func() { sess.Destroy() }, encode: func(ids []int) ([]float32, error) {
			shape := ort.NewShape(1, int64(len(ids)))
			id64, mask := make([]int64, len(ids)), make([]int64, len(ids))
			for i, id := range ids {
				id64[i], mask[i] = int64(id), 1
			}
			var in []ort.Value
			for _, d := range [][]int64{id64, mask} {
				t, err := ort.NewTensor(shape, d)
				if err != nil {
					return nil, err
				}
				defer t.Destroy()
				in = append(in, t)
			}
			out := []ort.Value{nil}
			if err := sess.Run(in, out); err != nil {
				return nil, err
			}
			defer out[0].Destroy()
			t, ok := out[0].(*ort.Tensor[float32])
			if !ok {
				return nil, fmt.Errorf("last_hidden_state is %T", out[0])
			}
			return append([]float32(nil), t.GetData()...), nil
		}}, nil
	}
	return engine{}, fmt.Errorf("unknown engine %q", name)
}
