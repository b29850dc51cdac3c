// example_test.go shows the cache in front of an encoder, with a cache
// file that a second run reuses.

package cache_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed/cache"
)

// lengths is a stand-in encoder (a hosted API, say) that counts calls.
type lengths struct{ texts int }

func (l *lengths) Encode(_ context.Context, texts []string) ([][]float32, error) {
	l.texts += len(texts)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t)), 1}
	}
	return out, nil
}

func (l *lengths) Dim() int { return 2 }

func Example() {
	dir, _ := os.MkdirTemp("", "cache-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "embeddings.cache")
	ctx := context.Background()

	for run := 1; run <= 2; run++ {
		enc := &lengths{}
		c, err := cache.New(enc, cache.WithFile(path))
		if err != nil {
			log.Fatal(err)
		}
		vecs, err := c.Encode(ctx, []string{"hello", "world", "hello"})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %v, encoder saw %d texts, %+v\n", run, vecs, enc.texts, c.Stats())
		c.Close()
	}
	// Output:
	// run 1: [[5 1] [5 1] [5 1]], encoder saw 2 texts, {Hits:0 Shared:0 Encoded:2}
	// run 2: [[5 1] [5 1] [5 1]], encoder saw 0 texts, {Hits:2 Shared:0 Encoded:0}
}
