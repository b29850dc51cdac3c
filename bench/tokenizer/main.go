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
// are off on both sides; special tokens are added. Both sides are timed
// alike: the Hugging Face passes run in long-lived Node processes (one with
// RAYON_NUM_THREADS=1, one without), every engine makes one untimed pass
// first, then -repeat timed passes, the engines taking turns pass by pass;
// each figure is the best (and, in brackets, the median) of those passes.
// The Go encodings are checked to have the same token counts as the Rust
// ones.
//
// The seq figure can beat the batch-1-thread one: the binding's
// encodeBatch also builds every result object on the JavaScript side.
package main

import (
	"github.com/ganada/ganada/bench/internal/measure"

	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
	repeat := flag.Int("repeat", 5, "timed passes per figure, after one untimed pass; the best and the median are printed")
	node := flag.String("node", "node", "node executable")
	flag.Parse()

	en, err := readSentences(filepath.Join(*shared, "data/stsb-multi-mt/stsb-en-test.csv"))
	check(err)
	ko, err := readSentences(filepath.Join(*shared, "data/korsts/sts-test.tsv"))
	check(err)
	fmt.Printf("machine: %s\n%d STS-B en sentences, %d KorSTS sentences, best [median] of %d warm passes after one untimed pass\n\n",
		measure.Machine(), len(en), len(ko), *repeat)
	fmt.Printf("%-11s %-6s %-22s %23s %16s %s\n", "tokenizer", "data", "engine", "tokens/s [median]", "vs HF [median]", "notes (vs HF: ratio to the faster single-threaded HF figure)")
	for _, name := range []string{"minilm", "unigram-ko"} {
		path := filepath.Join(*shared, "fixtures/tokenizers", name, "tokenizer.json")
		tok, err := tokenizer.FromFile(path, tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
		check(err)
		for _, ds := range []struct {
			name  string
			texts []string
		}{{"sts-en", en}, {"korsts", ko}} {
			sentFile := writeTemp(ds.texts)
			hfOne, err := startHF(*node, path, sentFile, true)
			check(err)
			hfAll, err := startHF(*node, path, sentFile, false)
			check(err)
			// One untimed pass of each, then the timed passes, the engines
			// taking turns so that a change in the load of a shared machine
			// hits them alike.
			var hf1, hfSeq, hfN hfTrials
			var single, batch, into measure.Trials
			var ntok int
			var allocs, intoAllocs float64
			for r := -1; r < *repeat; r++ {
				h1 := must(hfOne.pass("batch"))
				s, n, a := goSingle(tok, ds.texts)
				si, ai := goInto(tok, ds.texts)
				hs := must(hfOne.pass("seq"))
				b, _ := goBatch(tok, ds.texts)
				hn := must(hfAll.pass("batch"))
				if r < 0 {
					continue // warm-up
				}
				hf1.add(h1)
				hfSeq.add(hs)
				hfN.add(hn)
				single, batch, into = append(single, s), append(batch, b), append(into, si)
				ntok, allocs, intoAllocs = n, a, ai
			}
			hfOne.close()
			hfAll.close()
			os.Remove(sentFile)

			if ntok != hf1.tokens {
				fmt.Printf("!! token count mismatch: go %d, hf %d\n", ntok, hf1.tokens)
			}
			// The baseline is the faster of the two single-threaded HF
			// figures, best against best and median against median.
			baseBest := max(float64(hf1.tokens)/hf1.secs.Min(), float64(hfSeq.tokens)/hfSeq.secs.Min())
			baseMed := max(float64(hf1.tokens)/hf1.secs.Median(), float64(hfSeq.tokens)/hfSeq.secs.Median())
			row := func(engine string, tokens int, secs measure.Trials, note string) {
				best, med := float64(tokens)/secs.Min(), float64(tokens)/secs.Median()
				fmt.Printf("%-11s %-6s %-22s %10.0f [%10.0f] %6.2fx [%5.2fx] %s\n", name, ds.name, engine, best, med, best/baseBest, med/baseMed, note)
			}
			row("go single-thread", ntok, single, fmt.Sprintf("%.1f allocs/sentence", allocs))
			row("go EncodeInto", ntok, into, fmt.Sprintf("%.2f allocs/sentence (reused Encoding)", intoAllocs))
			row("go EncodeBatch", ntok, batch, "")
			row("hf batch 1 thread", hf1.tokens, hf1.secs, "RAYON_NUM_THREADS=1")
			row("hf seq encode()", hfSeq.tokens, hfSeq.secs, "per-call N-API")
			row("hf encodeBatch", hfN.tokens, hfN.secs, "")
		}
	}
}

// goSingle times one pass of Encode calls, one per text.
func goSingle(tok *tokenizer.Tokenizer, texts []string) (sec float64, tokens int, allocs float64) {
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	t0 := time.Now()
	for _, s := range texts {
		e, err := tok.Encode(s, true)
		check(err)
		tokens += len(e.IDs)
	}
	sec = time.Since(t0).Seconds()
	runtime.ReadMemStats(&ms1)
	return sec, tokens, float64(ms1.Mallocs-ms0.Mallocs) / float64(len(texts))
}

// goInto times one pass encoding every text into one reused Encoding.
func goInto(tok *tokenizer.Tokenizer, texts []string) (sec, allocs float64) {
	var enc tokenizer.Encoding
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

// goBatch times one EncodeBatch call over all texts.
func goBatch(tok *tokenizer.Tokenizer, texts []string) (sec float64, tokens int) {
	t0 := time.Now()
	encs, err := tok.EncodeBatch(context.Background(), texts, true)
	check(err)
	sec = time.Since(t0).Seconds()
	for _, e := range encs {
		tokens += len(e.IDs)
	}
	return sec, tokens
}

func must(r hfResult, err error) hfResult {
	check(err)
	return r
}

type hfResult struct {
	Tokens  int     `json:"tokens"`
	Seconds float64 `json:"seconds"`
}

// hfTrials collects the timed passes of one HF figure.
type hfTrials struct {
	tokens int
	secs   measure.Trials
}

func (t *hfTrials) add(r hfResult) {
	t.tokens = r.Tokens
	t.secs = append(t.secs, r.Seconds)
}

// hfProc is a running hf_bench.js that times a pass per command.
type hfProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// startHF starts hf_bench.js on a tokenizer and a sentence file, with
// RAYON_NUM_THREADS=1 if oneThread.
func startHF(node, tokPath, sentFile string, oneThread bool) (*hfProc, error) {
	cmd := exec.Command(node, "hf_bench.js", tokPath, sentFile)
	cmd.Env = os.Environ()
	if oneThread {
		cmd.Env = append(cmd.Env, "RAYON_NUM_THREADS=1")
	}
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("node hf_bench.js (did you run npm install in bench/tokenizer?): %w", err)
	}
	return &hfProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}, nil
}

// pass has the process time one pass in mode ("seq" or "batch").
func (p *hfProc) pass(mode string) (hfResult, error) {
	if _, err := fmt.Fprintln(p.in, mode); err != nil {
		return hfResult{}, err
	}
	if !p.out.Scan() {
		return hfResult{}, fmt.Errorf("hf_bench.js stopped (did you run npm install in bench/tokenizer?): %v", p.out.Err())
	}
	var r hfResult
	if err := json.Unmarshal(p.out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("hf_bench.js output %q: %w", p.out.Bytes(), err)
	}
	return r, nil
}

func (p *hfProc) close() {
	p.in.Close()
	p.cmd.Wait()
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
