// Command tokenizer compares ganada's embed/tokenizer with Hugging Face
// tokenizers (the Rust library, through its Node binding) on the STS-B
// English test sentences and the KorSTS test sentences, in the same run.
//
//	cd bench/tokenizer && npm install && go run . [-repeat 5]
//
// For each tokenizer (minilm: BERT WordPiece; unigram-ko: SentencePiece
// Unigram) it prints tokens/s for
//
//   - Go single-threaded: one Encode call per sentence;
//   - Go EncodeInto: the same into one reused Encoding;
//   - Go batched: one EncodeBatch call (all cores);
//   - HF seq: one awaited encode() per sentence from Node (binding overhead
//     included);
//   - HF batch 1 thread: one encodeBatch() with RAYON_NUM_THREADS=1, the
//     Rust library's own single-threaded loop;
//   - HF batch: one encodeBatch() on all cores;
//
// and each figure's ratio to the faster of the two single-threaded HF
// figures, plus Go allocations per encoded sentence. Truncation and padding
// are off on both sides; special tokens are added. Every figure is the best
// of -repeat runs, the engines taking turns run by run. The Go encodings are
// checked to have the same token counts as the Rust ones.
//
// The seq figure can beat the batch-1-thread one: the binding's
// encodeBatch also builds every result object on the JavaScript side.
package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/eval"
)

func main() {
	shared := flag.String("shared", "../../../shared", "path of the shared folder (fixtures and data)")
	repeat := flag.Int("repeat", 5, "runs per measurement; the best is kept")
	node := flag.String("node", "node", "node executable")
	flag.Parse()

	en, err := readSentences(filepath.Join(*shared, "data/stsb-multi-mt/stsb-en-test.csv"))
	check(err)
	ko, err := readSentences(filepath.Join(*shared, "data/korsts/sts-test.tsv"))
	check(err)
	fmt.Printf("machine: %s\n%d STS-B en sentences, %d KorSTS sentences, best of %d runs\n\n",
		measure.Machine(), len(en), len(ko), *repeat)
	fmt.Printf("%-11s %-6s %-22s %12s %9s %s\n", "tokenizer", "data", "engine", "tokens/s", "vs HF", "notes (vs HF: ratio to the faster single-threaded HF figure)")
	for _, name := range []string{"minilm", "unigram-ko"} {
		path := filepath.Join(*shared, "fixtures/tokenizers", name, "tokenizer.json")
		tok, err := tokenizer.FromFile(path, tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
		check(err)
		for _, ds := range []struct {
			name  string
			texts []string
		}{{"sts-en", en}, {"korsts", ko}} {
			sentFile := writeTemp(ds.texts)
			// Interleave the engines run by run, so that a change in the
			// load of a shared machine hits them alike; keep each best.
			var hf1, hfSeq, hfN hfResult
			single, batch, into := 1e18, 1e18, 1e18
			var intoAllocs float64
			var ntok int
			var allocs float64
			for r := 0; r < *repeat; r++ {
				hf1 = best(hf1, must(runHF(*node, path, sentFile, 1, "batch", true)))
				s, n, a := goSingle(tok, ds.texts, 1)
				single, ntok, allocs = min(single, s), n, a
				s, a = goInto(tok, ds.texts)
				into, intoAllocs = min(into, s), a
				hfSeq = best(hfSeq, must(runHF(*node, path, sentFile, 1, "seq", false)))
				b, _ := goBatch(tok, ds.texts, 1)
				batch = min(batch, b)
				hfN = best(hfN, must(runHF(*node, path, sentFile, 1, "batch", false)))
			}
			os.Remove(sentFile)

			if ntok != hf1.Tokens {
				fmt.Printf("!! token count mismatch: go %d, hf %d\n", ntok, hf1.Tokens)
			}
			rate := func(tokens int, sec float64) float64 { return float64(tokens) / sec }
			// The baseline is the faster of the two single-threaded HF figures.
			base := max(rate(hf1.Tokens, hf1.Seconds), rate(hfSeq.Tokens, hfSeq.Seconds))
			row := func(engine string, r float64, note string) {
				fmt.Printf("%-11s %-6s %-22s %12.0f %8.2fx %s\n", name, ds.name, engine, r, r/base, note)
			}
			row("go single-thread", rate(ntok, single), fmt.Sprintf("%.1f allocs/sentence", allocs))
			row("go EncodeInto", rate(ntok, into), fmt.Sprintf("%.2f allocs/sentence (reused Encoding)", intoAllocs))
			row("go EncodeBatch", rate(ntok, batch), "")
			row("hf batch 1 thread", rate(hf1.Tokens, hf1.Seconds), "RAYON_NUM_THREADS=1")
			row("hf seq encode()", rate(hfSeq.Tokens, hfSeq.Seconds), "per-call N-API")
			row("hf encodeBatch", rate(hfN.Tokens, hfN.Seconds), "")
		}
	}
}

func goSingle(tok *tokenizer.Tokenizer, texts []string, repeat int) (best float64, tokens int, allocs float64) {
	for _, s := range texts[:min(64, len(texts))] { // warm-up
		_, _ = tok.Encode(s, true)
	}
	best = 1e18
	for r := 0; r < repeat; r++ {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		n := 0
		t0 := time.Now()
		for _, s := range texts {
			e, err := tok.Encode(s, true)
			check(err)
			n += len(e.IDs)
		}
		dt := time.Since(t0).Seconds()
		runtime.ReadMemStats(&ms1)
		if dt < best {
			best = dt
		}
		tokens = n
		allocs = float64(ms1.Mallocs-ms0.Mallocs) / float64(len(texts))
	}
	return best, tokens, allocs
}

// goInto encodes every text into one reused Encoding.
func goInto(tok *tokenizer.Tokenizer, texts []string) (sec, allocs float64) {
	var enc tokenizer.Encoding
	for _, s := range texts[:min(64, len(texts))] { // warm-up
		check(tok.EncodeInto(&enc, s, true))
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	t0 := time.Now()
	for _, s := range texts {
		check(tok.EncodeInto(&enc, s, true))
	}
	sec = time.Since(t0).Seconds()
	runtime.ReadMemStats(&ms1)
	return sec, float64(ms1.Mallocs-ms0.Mallocs) / float64(len(texts))
}

func goBatch(tok *tokenizer.Tokenizer, texts []string, repeat int) (best float64, tokens int) {
	best = 1e18
	for r := 0; r < repeat; r++ {
		t0 := time.Now()
		encs, err := tok.EncodeBatch(context.Background(), texts, true)
		check(err)
		dt := time.Since(t0).Seconds()
		n := 0
		for _, e := range encs {
			n += len(e.IDs)
		}
		if dt < best {
			best = dt
		}
		tokens = n
	}
	return best, tokens
}

func best(a, b hfResult) hfResult {
	if a.Seconds == 0 || b.Seconds < a.Seconds {
		return b
	}
	return a
}

func must(r hfResult, err error) hfResult {
	check(err)
	return r
}

type hfResult struct {
	Tokens  int     `json:"tokens"`
	Seconds float64 `json:"seconds"`
}

func runHF(node, tokPath, sentFile string, repeat int, mode string, oneThread bool) (hfResult, error) {
	cmd := exec.Command(node, "hf_bench.js", tokPath, sentFile, fmt.Sprint(repeat), mode)
	cmd.Env = os.Environ()
	if oneThread {
		cmd.Env = append(cmd.Env, "RAYON_NUM_THREADS=1")
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return hfResult{}, fmt.Errorf("node hf_bench.js (did you run npm install in bench/tokenizer?): %w", err)
	}
	var r hfResult
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("hf_bench.js output %q: %w", out, err)
	}
	return r, nil
}

func writeTemp(texts []string) string {
	f, err := os.CreateTemp("", "sentences-*.json")
	check(err)
	check(json.NewEncoder(f).Encode(texts))
	check(f.Close())
	return f.Name()
}

// readSentences reads an STS file (stsb-multi-mt CSV or KorSTS TSV, by
// extension) and returns its first sentences, then its second ones.
func readSentences(path string) ([]string, error) {
	pairs, err := eval.LoadSTS(context.Background(), path)
	if err != nil {
		return nil, err
	}
	out := make([]string, 2*len(pairs))
	for i, p := range pairs {
		out[i], out[len(pairs)+i] = p.Sentence1, p.Sentence2
	}
	return out, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
