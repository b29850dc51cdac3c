// This file tests concurrent Add, Delete, Save and Query (run it under
// -race): queries must always see whole documents and complete result
// lists while writers replace and delete documents around them.

package ganada_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ganada/ganada"
)

func TestConcurrentAddQueryDelete(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(16)
			c := newCol(t, enc, ganada.WithIndex(kind), ganada.WithBatchSize(16), ganada.WithEfConstruction(40))
			const stable = 200
			var docs []ganada.Document
			for i := 0; i < stable; i++ {
				id := fmt.Sprintf("stable-%d", i)
				docs = append(docs, ganada.Document{ID: id, Text: id + " " + corpus(1, uint64(i))[0].Text, Metadata: map[string]string{"kind": "stable"}})
			}
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			iters := 20
			if testing.Short() {
				iters = 6
			}
			var wg sync.WaitGroup
			var stop atomic.Bool
			errs := make(chan error, 100)
			report := func(err error) {
				select {
				case errs <- err:
				default:
				}
			}
			// Writers: replace, add and delete churn documents; save.
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer stop.Store(true)
				dir := t.TempDir()
				for v := 0; v < iters; v++ {
					var batch []ganada.Document
					for j := 0; j < 30; j++ {
						id := fmt.Sprintf("churn-%d", (v*7+j)%50)
						batch = append(batch, ganada.Document{ID: id, Text: fmt.Sprintf("%s v%d alpha beta plum", id, v), Metadata: map[string]string{"kind": "churn"}})
					}
					if err := c.Add(ctx, batch...); err != nil {
						report(err)
						return
					}
					if v%3 == 0 {
						var del []string
						for j := 0; j < 50; j++ {
							if id := fmt.Sprintf("churn-%d", j); c.Contains(id) && j%4 == v%4 {
								del = append(del, id)
							}
						}
						if err := c.Delete(ctx, del...); err != nil {
							report(err)
							return
						}
					}
					if v%10 == 0 {
						if err := c.Save(filepath.Join(dir, "c")); err != nil {
							report(err)
							return
						}
					}
				}
			}()
			// Readers.
			for r := 0; r < 3; r++ {
				wg.Add(1)
				go func(r int) {
					defer wg.Done()
					queries := []string{"alpha beta plum", "stable apple", "churn v3 alpha"}
					for n := 0; !stop.Load() || n < 5; n++ {
						q := queries[(n+r)%len(queries)]
						var opts []ganada.QueryOption
						if n%2 == 1 {
							opts = append(opts, ganada.Where("kind", "stable"))
						}
						hits, err := c.Query(ctx, q, 10, opts...)
						if err != nil {
							report(err)
							return
						}
						if len(hits) != 10 {
							report(fmt.Errorf("query %q: %d hits, want 10", q, len(hits)))
							return
						}
						seen := map[string]bool{}
						for _, h := range hits {
							if seen[h.ID] {
								report(fmt.Errorf("query %q: %s returned twice", q, h.ID))
								return
							}
							seen[h.ID] = true
							if !strings.HasPrefix(h.Text, h.ID+" ") || h.Metadata["kind"] == "" {
								report(fmt.Errorf("hit %+v mixes documents", h))
								return
							}
							if n%2 == 1 && h.Metadata["kind"] != "stable" {
								report(fmt.Errorf("filtered query returned %s", h.ID))
								return
							}
						}
						_ = c.Len()
						_, _ = c.Get("churn-3")
					}
				}(r)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if p := ganada.Pending(c); p != 0 {
				t.Fatalf("pending = %d after all writers finished", p)
			}
			if n := ganada.IndexLen(c); n != c.Len() {
				t.Fatalf("index holds %d vectors for %d documents", n, c.Len())
			}
		})
	}
}
