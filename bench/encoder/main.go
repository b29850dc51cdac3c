// Command encoder measures sentence encoders on the same token ids in one
// run: ONNX Runtime (through github.com/yalue/onnxruntime_go, the model's
// ONNX export) and ganada's pure-Go transformer (embed/transformer, float32
// and with int8 weights; see ganada.go). For every engine it first prints
// the parity to the model folder's goldens, then sentences/s and achieved
// GFLOP/s on the 2,758 STS-B test sentences at each batch size and thread
// count, peak RSS, and the ratios to the first engine. run.sh installs the ONNX Runtime library and
// runs it; see the flags for running it by hand from bench/.
package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	modelDir := flag.String("model", "../../shared/fixtures/models/minilm-l6-shape", "model folder (config.json, tokenizer.json, model.onnx + model.safetensors, goldens/)")
	data := flag.String("data", "../../shared/data/stsb-multi-mt/stsb-en-test.csv", "STS-B csv (two sentences per row)")
	ortLib := flag.String("ort-lib", os.Getenv("ORT_LIB"), "path of libonnxruntime.so (default $ORT_LIB)")
	engineList := flag.String("engines", "ort,ganada,ganada-int8", "engines to run, in order (ort, ganada, ganada-int8)")
	threadList := flag.String("threads", "1,2", "thread counts")
	batchList := flag.String("batches", "1,32", "batch sizes")
	repeat := flag.Int("repeat", 1, "timed passes over the sentences per figure, interleaved across engines (best and median are printed)")
	limit := flag.Int("limit", 0, "use only the first N sentences (0: all)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file (go tool pprof)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "encoder:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}

	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "encoder:", err)
		os.Exit(1)
	}
	cfg, err := readConfig(*modelDir)
	if err != nil {
		fail(err)
	}
	texts, err := readSTSB(*data)
	if err != nil {
		fail(err)
	}
	if *limit > 0 && *limit < len(texts) {
		texts = texts[:*limit]
	}
	stripped := make([]string, len(texts))
	for i, t := range texts {
		stripped[i] = strings.TrimSpace(t)
	}
	ids, err := tokenize(*modelDir, stripped, cfg.maxSeqLen)
	if err != nil {
		fail(fmt.Errorf("tokenizing with ganada's tokenizer: %w", err))
	}
	totalTokens := 0
	for _, s := range ids {
		totalTokens += len(s)
	}
	g, err := readGoldens(*modelDir)
	if err != nil {
		fail(err)
	}
	same, total, err := tokenizerParity(*modelDir, g, cfg.maxSeqLen)
	if err != nil {
		fail(err)
	}
	threads, err := ints(*threadList)
	if err != nil {
		fail(err)
	}
	batches, err := ints(*batchList)
	if err != nil {
		fail(err)
	}

	fmt.Printf("model %s: hidden %d, layers %d, heads %d, ffn %d, max_seq_length %d\n",
		filepath.Base(*modelDir), cfg.Hidden, cfg.Layers, cfg.Heads, cfg.Intermediate, cfg.maxSeqLen)
	fmt.Printf("inputs: %d sentences of %s, %d tokens (mean %.1f), ganada tokenizer; its ids equal the goldens' for %d/%d golden texts\n",
		len(ids), filepath.Base(*data), totalTokens, float64(totalTokens)/float64(len(ids)), same, total)
	fmt.Printf("machine: %s\n", measure.Machine())
	fmt.Println("GFLOP/s counts the encoder layers on padded batches: per layer 2·T·(4h²+2h·ffn, 3h·ffn if gated) + 4·T·s·h (T = batch·s tokens, s = padded length)")
	fmt.Println("sentences per CPU-second: with 1 thread, a figure other processes' load does not lower; with more threads it counts spinning too")

	type key struct {
		engine         string
		threads, batch int
	}
	rate := map[key]float64{}
	cpuRate := map[key]float64{} // per CPU-second: with 1 thread, not hurt by other processes' time slices
	var names []string
	batchSets := make([][]*Batch, len(batches))
	for i, bs := range batches {
		batchSets[i] = makeBatches(ids, stripped, bs, int64(cfg.PadTokenID))
	}
	type loaded struct {
		name string
		e    Engine
	}
	for _, t := range threads {
		// Load every engine, check its parity and warm it up.
		var engines []loaded
		for _, name := range strings.Split(*engineList, ",") {
			before := measure.RSSKB()
			measure.ResetPeakRSS()
			var e Engine
			switch name {
			case "ort":
				if *ortLib == "" {
					fail(fmt.Errorf("no ONNX Runtime library: set -ort-lib or $ORT_LIB (run.sh does)"))
				}
				e, err = newORTEngine(*ortLib, filepath.Join(*modelDir, "model.onnx"), t, cfg.Hidden)
			case "ganada", "ganada-int8":
				e, err = newGanadaEngine(*modelDir, t, slices.Max(batches), name == "ganada-int8")
			default:
				err = fmt.Errorf("unknown engine %q", name)
			}
			if err != nil {
				fmt.Printf("\n[%s, %d thread(s)] skipped: %v\n", name, t, err)
				continue
			}
			if t == threads[0] {
				names = append(names, name)
			}
			p, err := checkParity(e, g, int64(cfg.PadTokenID))
			if err != nil {
				fail(fmt.Errorf("%s parity run: %w", e.Name(), err))
			}
			verdict := "OK"
			if name == "ganada-int8" {
				// int8 weights: judged by the sentence embeddings (issue 5:
				// cosine ≥ 0.995 to the float32 goldens).
				verdict = "OK for int8 (mean-pooled cosine ≥ 0.995)"
				if !p.okInt8() {
					verdict = "FAILED (int8 needs mean-pooled cosine ≥ 0.995) — speed figures below are for wrong numbers"
				}
			} else if !p.ok() {
				verdict = "FAILED — speed figures below are for wrong numbers"
			}
			fmt.Printf("\n[%s, %d thread(s)] parity to goldens (%d texts): %s: %s\n", e.Name(), t, len(g.Items), p, verdict)
			// Warm up on a few batches of every length class.
			for _, bb := range batchSets {
				for i := 0; i < len(bb); i += max(1, len(bb)/8) {
					if _, err := e.Encode(bb[i]); err != nil {
						fail(err)
					}
				}
			}
			fmt.Printf("  resident memory: +%d MB for this engine (peak %d MB, whole process)\n", (measure.PeakRSSKB()-before)>>10, measure.PeakRSSKB()>>10)
			engines = append(engines, loaded{name, e})
		}
		// Timed passes, engine after engine within each round, so that
		// changing load on a shared machine falls on all engines alike.
		type result struct{ wall, cpu measure.Trials }
		res := map[key]*result{}
		for r := 0; r < *repeat; r++ {
			for _, le := range engines {
				for i, bs := range batches {
					t0, c0 := time.Now(), measure.ProcessCPU()
					for _, b := range batchSets[i] {
						if _, err := le.e.Encode(b); err != nil {
							fail(err)
						}
					}
					k := key{le.name, t, bs}
					if res[k] == nil {
						res[k] = &result{}
					}
					res[k].wall = append(res[k].wall, time.Since(t0).Seconds())
					res[k].cpu = append(res[k].cpu, (measure.ProcessCPU() - c0).Seconds())
				}
			}
		}
		for _, le := range engines {
			fmt.Printf("\n[%s, %d thread(s)] best of %d interleaved passes (median in brackets):\n", le.e.Name(), t, *repeat)
			for i, bs := range batches {
				var flops float64
				padded := 0
				for _, b := range batchSets[i] {
					flops += batchFLOPs(cfg, b)
					padded += b.Size * b.SeqLen
				}
				k := key{le.name, t, bs}
				best, med := res[k].wall.Min(), res[k].wall.Median()
				bestCPU, medCPU := res[k].cpu.Min(), res[k].cpu.Median()
				n := float64(len(ids))
				rate[k] = n / best
				cpuRate[k] = n / bestCPU
				fmt.Printf("  batch %3d: %8.1f sentences/s [%6.1f]  %6.1f GFLOP/s  (%.2f s, %d padded tokens); %8.1f sentences per CPU-second [%6.1f]\n",
					bs, n/best, n/med, flops/best/1e9, best, padded, n/bestCPU, n/medCPU)
			}
			if err := le.e.Close(); err != nil {
				fail(err)
			}
		}
	}
	if len(names) > 1 {
		fmt.Printf("\nsentences/s ratios to %s:\n", names[0])
		for _, other := range names[1:] {
			for _, t := range threads {
				for _, bs := range batches {
					a, b := rate[key{other, t, bs}], rate[key{names[0], t, bs}]
					ca, cb := cpuRate[key{other, t, bs}], cpuRate[key{names[0], t, bs}]
					if a > 0 && b > 0 {
						fmt.Printf("  %s/%s  threads %d  batch %3d: %.2f× (per CPU-second: %.2f×)\n", other, names[0], t, bs, a/b, ca/cb)
					}
				}
			}
		}
	}
}

func ints(list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q in %q", s, list)
		}
		out = append(out, n)
	}
	return out, nil
}
