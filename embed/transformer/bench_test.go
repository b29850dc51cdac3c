// bench_test.go measures the forward pass on the minilm-l6-shape fixture
// (the exact all-MiniLM-L6-v2 shape): sentences per second on one worker,
// per wall-clock second and per CPU second (steadier on a shared machine).

package transformer

import (
	"context"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

func BenchmarkEncodeMiniLM(b *testing.B) {
	g := loadGolden(b, "minilm-l6-shape", "public")
	m, err := Load(context.Background(), g.dir, WithWorkers(1), WithBatchSize(32))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	var texts []string
	tokens := 0
	for _, it := range g.Items {
		texts = append(texts, it.Text)
		tokens += it.NumTokens
	}
	cpu0 := testutil.ProcessCPUSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Encode(context.Background(), texts); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := testutil.ProcessCPUSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N*len(texts))/cpu, "sentences/cpu-s")
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*len(texts))/s, "sentences/s")
	b.ReportMetric(float64(b.N*tokens)/s, "tokens/s")
}
