// Command weights measures how embed/transformer holds a checkpoint's
// weights: load time, resident memory (VmRSS after loading, VmHWM at the
// end: run one mode per process) and tokens per second (wall and CPU) of
// Encode over the first N STS-B sentences, for one weight mode:
//
//	kept     BF16/F16 checkpoint kept in the mapped file (the default)
//	float32  WithFloat32Weights (converted to float32 at load)
//	bf16     WithBF16 (a float32 checkpoint's layers rounded to bf16)
//
// Usage (the seeded Qwen3-Embedding-0.6B shape from
// bench/encoder/gen_qwen3_shape.py):
//
//	go run ./weights -model /tmp/qwen3-0.6b-bf16 -mode kept -n 300 -threads 1
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/internal/cpu"
)

// cpuSeconds returns the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// status returns a "VmRSS:"-style figure of /proc/self/status in MB.
func status(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), key) {
			var kb float64
			fmt.Sscan(strings.TrimPrefix(sc.Text(), key), &kb)
			return kb / 1024
		}
	}
	return 0
}

func main() {
	model := flag.String("model", "/tmp/qwen3-0.6b-bf16", "model folder")
	mode := flag.String("mode", "kept", "kept, float32 or bf16")
	data := flag.String("data", "../../shared/data/stsb-multi-mt/stsb-en-test.csv", "STS-B csv")
	n := flag.Int("n", 300, "sentences")
	threads := flag.Int("threads", 1, "workers")
	batch := flag.Int("batch", 32, "batch size")
	flag.Parse()

	opts := []transformer.Option{transformer.WithWorkers(*threads), transformer.WithBatchSize(*batch)}
	switch *mode {
	case "kept":
	case "float32":
		opts = append(opts, transformer.WithFloat32Weights())
	case "bf16":
		opts = append(opts, transformer.WithBF16())
	default:
		log.Fatalf("unknown -mode %q", *mode)
	}
	pairs, err := eval.LoadSTS(context.Background(), *data)
	if err != nil {
		log.Fatal(err)
	}
	var texts []string
	for _, p := range pairs {
		texts = append(texts, p.Sentence1, p.Sentence2)
	}
	texts = texts[:min(*n, len(texts))]
	tok, err := tokenizer.FromFile(filepath.Join(*model, "tokenizer.json"), tokenizer.WithoutPadding())
	if err != nil {
		log.Fatal(err)
	}
	tokens := 0
	for _, t := range texts {
		enc, err := tok.Encode(strings.TrimSpace(t), true)
		if err != nil {
			log.Fatal(err)
		}
		tokens += len(enc.IDs)
	}
	var fileBytes int64
	if st, err := os.Stat(filepath.Join(*model, "model.safetensors")); err == nil {
		fileBytes = st.Size()
	}
	rss0 := status("VmRSS:")
	t0 := time.Now()
	m, err := transformer.Load(context.Background(), *model, opts...)
	if err != nil {
		log.Fatal(err)
	}
	load := time.Since(t0)
	runtime.GC()
	rssLoad := status("VmRSS:")
	if _, err := m.Encode(context.Background(), texts[:min(8, len(texts))]); err != nil { // warm-up
		log.Fatal(err)
	}
	t1, c1 := time.Now(), cpuSeconds()
	if _, err := m.Encode(context.Background(), texts); err != nil {
		log.Fatal(err)
	}
	el, cpuS := time.Since(t1), cpuSeconds()-c1
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("mode=%s weights=%s kernels=%s threads=%d file=%.0f MB load=%.1fs rss_before=%.0f MB rss_after_load=%.0f MB peak_rss(VmHWM)=%.0f MB (%.2fx file) go_heap_sys=%.0f MB sentences=%d tokens=%d time=%.1fs tokens/s=%.1f cpu=%.1fs tokens/cpu-s=%.1f\n",
		*mode, m.WeightType(), cpu.Name(), *threads, float64(fileBytes)/1e6/1.048576, load.Seconds(), rss0, rssLoad, status("VmHWM:"), status("VmHWM:")*1.048576e6/float64(fileBytes),
		float64(ms.HeapSys)/1048576, len(texts), tokens, el.Seconds(), float64(tokens)/el.Seconds(), cpuS, float64(tokens)/cpuS)
	m.Close()
}
