// This file benchmarks Add, Query, Save and Load on collections of 100,000
// documents (built once per index kind; the HNSW build takes a while).

package ganada_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ganada/ganada"
)

const benchDocs = 100_000

var benchCols = map[ganada.IndexKind]*ganada.Collection{}
var benchMu sync.Mutex

// benchCollection returns a collection of benchDocs documents of about 100
// bytes each with 100-dimensional vectors (the embedded GloVe model's size).
func benchCollection(b *testing.B, kind ganada.IndexKind) *ganada.Collection {
	benchMu.Lock()
	defer benchMu.Unlock()
	if c := benchCols[kind]; c != nil {
		return c
	}
	c, err := ganada.NewCollection(fastEncoder{100}, withIndex(kind), ganada.WithBatchSize(4096))
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]ganada.Document, benchDocs)
	for i := range docs {
		docs[i] = ganada.Document{
			ID:   fmt.Sprintf("doc-%06d", i),
			Text: fmt.Sprintf("document %d: some ninety bytes of text standing in for a sentence or a short paragraph.", i),
			// Not i%3: a periodic pattern can alias with an index's strided
			// sampling of its filter.
			Metadata: map[string]string{"lang": []string{"en", "ko", "fr"}[(uint64(i)*0x9E3779B97F4A7C15>>40)%3]},
		}
	}
	if err := c.Add(ctx, docs...); err != nil {
		b.Fatal(err)
	}
	benchCols[kind] = c
	return c
}

func BenchmarkSave100k(b *testing.B) {
	for _, kind := range kinds() {
		b.Run(kind.String(), func(b *testing.B) {
			c := benchCollection(b, kind)
			path := filepath.Join(b.TempDir(), "c")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.Save(ctx, path); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if fi, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, "MB")
			}
		})
	}
}

func BenchmarkLoad100k(b *testing.B) {
	for _, kind := range kinds() {
		b.Run(kind.String(), func(b *testing.B) {
			c := benchCollection(b, kind)
			path := filepath.Join(b.TempDir(), "c")
			if err := c.Save(ctx, path); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ganada.Load(ctx, path, fastEncoder{100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkQueryVector100k(b *testing.B) {
	for _, kind := range kinds() {
		for _, filtered := range []bool{false, true} {
			b.Run(fmt.Sprintf("%v/filter=%v", kind, filtered), func(b *testing.B) {
				c := benchCollection(b, kind)
				qs, _ := fastEncoder{100}.Encode(ctx, []string{"a", "b", "c", "d", "e", "f", "g", "h"})
				var opts []ganada.QueryOption
				if filtered {
					opts = append(opts, ganada.WithFilter(ganada.Where("lang", "ko")))
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := c.QueryVector(ctx, qs[i%len(qs)], 10, opts...); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
