// This file tests a collection opened with OpenFile under concurrency (run
// it under -race) beside a CPU burner: adders and a deleter append to the
// log at once, explicit and automatic compactions rewrite the snapshot
// under them, readers query throughout; afterwards the collection is
// consistent and reopening the files gives exactly what it holds.

package ganada_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/internal/testutil"
)

func TestConcurrentOpenFile(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			testutil.BurnCPU(t)
			budget := 4 * time.Second
			if testing.Short() {
				budget = time.Second
			}
			deadline := time.Now().Add(budget)
			enc := newHashEncoder(16)
			path := filepath.Join(t.TempDir(), "col.ganada")
			// Compact automatically as soon as the log passes 5 % of the snapshot.
			c, err := ganada.OpenFile(ctx, path, enc, withIndex(kind, hnsw.WithEfConstruction(40)), ganada.WithAutoCompact(0.05, 0))
			if err != nil {
				t.Fatal(err)
			}
			const stable = 100
			var docs []ganada.Document
			for i := 0; i < stable; i++ {
				docs = append(docs, versioned(fmt.Sprintf("stable-%d", i), "stable", 0))
			}
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			var writers, readers sync.WaitGroup
			var stop atomic.Bool
			var calls, compactions atomic.Int64
			errc := make(chan error, 100)
			report := func(err error) {
				select {
				case errc <- err:
				default:
				}
			}
			// Two adders replacing their own documents, in small calls.
			for a := 0; a < 2; a++ {
				writers.Add(1)
				go func(a int) {
					defer writers.Done()
					for v := 1; time.Now().Before(deadline); v++ {
						var batch []ganada.Document
						for j := 0; j < 3; j++ {
							batch = append(batch, versioned(fmt.Sprintf("w%d-%d", a, (v+j)%15), "churn", v))
						}
						if err := c.Add(ctx, batch...); err != nil {
							report(err)
							return
						}
						calls.Add(1)
					}
				}(a)
			}
			// A deleter removing what the first adder wrote.
			writers.Add(1)
			go func() {
				defer writers.Done()
				for v := 0; time.Now().Before(deadline); v++ {
					id := fmt.Sprintf("w0-%d", v%15)
					if c.Contains(id) {
						if err := c.Delete(ctx, id); err != nil && c.Contains(id) {
							report(err)
							return
						}
						calls.Add(1)
					}
					time.Sleep(time.Millisecond)
				}
			}()
			// Explicit compactions.
			writers.Add(1)
			go func() {
				defer writers.Done()
				for time.Now().Before(deadline) {
					if err := c.Compact(ctx); err != nil {
						report(err)
						return
					}
					compactions.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			}()
			// Readers.
			for r := 0; r < 2; r++ {
				readers.Add(1)
				go func(r int) {
					defer readers.Done()
					for n := 0; !stop.Load() || n < 5; n++ {
						hits, err := c.Query(ctx, "alpha beta plum", 10)
						if err != nil {
							report(err)
							return
						}
						if len(hits) != 10 {
							report(fmt.Errorf("%d hits, want 10", len(hits)))
							return
						}
						for _, h := range hits {
							if err := checkDoc(ganada.Document{ID: h.ID, Text: h.Text, Metadata: h.Metadata}); err != nil {
								report(err)
								return
							}
						}
						time.Sleep(100 * time.Microsecond)
					}
				}(r)
			}
			writers.Wait()
			stop.Store(true)
			readers.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			if t.Failed() {
				return
			}
			if err := checkSnapshot(c, enc, stable); err != nil {
				t.Fatal(err)
			}
			want := colState(t, c)
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d calls, %d explicit compactions", calls.Load(), compactions.Load())
			for name, open := range map[string]func() (*ganada.Collection, error){
				"OpenFile": func() (*ganada.Collection, error) { return ganada.OpenFile(ctx, path, enc) },
				"Load":     func() (*ganada.Collection, error) { return ganada.Load(ctx, path, enc) },
			} {
				r, err := open()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !reflect.DeepEqual(colState(t, r), want) {
					t.Fatalf("%s: reopened files differ from the collection", name)
				}
				r.Close()
			}
		})
	}
}
