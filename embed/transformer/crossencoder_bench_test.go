// crossencoder_bench_test.go measures cross-encoder reranking on the
// shape of cross-encoder/ms-marco-MiniLM-L6-v2: the minilm-l6-shape
// fixture (384 wide, 6 layers, seeded weights) given a pooler and a
// one-label classifier, scoring the cross-encoder goldens' pairs of up to
// 128 tokens. It reports pairs per second (wall and CPU) and tokens per
// second, on one worker and on GOMAXPROCS workers.

package transformer

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

func BenchmarkRerankMiniLML6(b *testing.B) {
	src := ceFixture(b, "minilm-l6-shape")
	gdir, ok := fixtureDir("tiny-bert-ce")
	if !ok {
		b.Skip("fixture tiny-bert-ce (its pairs) not found")
	}
	dir := copyDir(b, src)
	os.Remove(filepath.Join(dir, "model.onnx"))
	rng := rand.New(rand.NewSource(1))
	ts := readTensors(b, filepath.Join(dir, "model.safetensors"))
	h := 384
	w := make([]float32, h)
	for i := range w {
		w[i] = float32(rng.NormFloat64() / 20)
	}
	ts["classifier.weight"] = rawTensor{"F32", []int{1, h}, f32bytes(w)}
	ts["classifier.bias"] = rawTensor{"F32", []int{1}, f32bytes([]float32{0.1})}
	writeTensors(b, filepath.Join(dir, "model.safetensors"), ts)
	editConfig(b, dir, func(c map[string]any) {
		c["architectures"] = []string{"BertForSequenceClassification"}
		c["id2label"] = map[string]any{"0": "LABEL_0"}
	})
	for _, f := range []string{"modules.json", "sentence_bert_config.json"} {
		os.Remove(filepath.Join(dir, f))
	}
	g := readCEGolden(b, filepath.Join(gdir, "goldens", "public.json"))
	var pairs []Pair
	tokens := 0
	for _, it := range g.Items {
		if len(it.InputIDs) <= 128 {
			pairs = append(pairs, Pair{it.Text, it.TextPair})
			tokens += len(it.InputIDs)
		}
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ce, err := LoadCrossEncoder(context.Background(), dir, WithWorkers(workers))
			if err != nil {
				b.Fatal(err)
			}
			defer ce.Close()
			cpu0 := testutil.ProcessCPUSeconds()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ce.Predict(context.Background(), pairs); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := testutil.ProcessCPUSeconds() - cpu0; cpu > 0 {
				b.ReportMetric(float64(b.N*len(pairs))/cpu, "pairs/cpu-s")
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N*len(pairs))/s, "pairs/s")
			b.ReportMetric(float64(b.N*tokens)/s, "tokens/s")
			b.ReportMetric(float64(tokens)/float64(len(pairs)), "tokens/pair")
		})
	}
}

func f32bytes(v []float32) []byte {
	var out []byte
	for _, x := range v {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
	}
	return out
}
