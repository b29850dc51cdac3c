// This file tests concurrent Add, Delete, Save and Query (run it under
// -race): queries must always see whole documents and complete result
// lists while writers replace and delete documents around them; and that
// a query's filter may run on several goroutines at once.

package ganada_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/index/flat"
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

// TestFilterCalledConcurrently shows why Filter's documentation asks for
// filters safe for concurrent use: one query on a Flat collection large
// enough for a parallel scan calls its filter from several goroutines at
// once. The filter holds the first call until a second one is running (or
// a deadline passes). Under -race it also checks that the collection's and
// the built-in filters' reads are race-free.
func TestFilterCalledConcurrently(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS ≥ 2 for a parallel scan")
	}
	const dim = 128
	n := flat.ParallelThreshold / dim
	c, err := ganada.NewCollection(fastEncoder{dim}, ganada.WithIndex(ganada.Flat), ganada.WithBatchSize(4096))
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]ganada.Document, n)
	want := 0
	for i := range docs {
		docs[i] = ganada.Document{ID: fmt.Sprint(i), Text: fmt.Sprint("text ", i), Metadata: map[string]string{"mod": fmt.Sprint(i % 5)}}
		if m := i % 5; m != 4 && m != 0 {
			want++
		}
	}
	if err := c.Add(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	var inflight, peak atomic.Int32
	deadline := time.Now().Add(10 * time.Second)
	overlap := func(ganada.Document) bool {
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		for peak.Load() < 2 {
			if cur >= 2 {
				peak.Store(cur)
				break
			}
			if time.Now().After(deadline) {
				peak.CompareAndSwap(0, 1)
				break
			}
			runtime.Gosched()
			cur = inflight.Load()
		}
		return true
	}
	filter := ganada.And(
		ganada.Not(ganada.Where("mod", "4")),
		ganada.Or(ganada.WhereIn("mod", "1", "2", "3"), ganada.WhereID("nothing")),
		ganada.WhereExists("mod"),
		overlap,
	)
	hits, err := c.Query(ctx, "text 7", n, filter)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != want {
		t.Fatalf("%d hits, want the %d documents the filter admits", len(hits), want)
	}
	if p := peak.Load(); p < 2 {
		t.Fatalf("the filter never ran on two goroutines at once (peak %d): Filter's documentation says it may", p)
	}
}
