// This file tests concurrent Add, Delete, Save, Compact, Query, Get and Len
// (run it under -race) beside a CPU burner: queries must always see whole
// documents and complete result lists while writers replace and delete
// documents around them, and every file saved meanwhile must load as a
// consistent snapshot; and that a query's filter may run on several
// goroutines at once.

package ganada_test

import (
	"fmt"
	"github.com/ganada/ganada/index/hnsw"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/internal/testutil"
)

// versioned returns document id at version v: its text names both, and so
// does its metadata.
func versioned(id, kind string, v int) ganada.Document {
	return ganada.Document{
		ID:       id,
		Text:     fmt.Sprintf("%s v%d alpha beta plum %s", id, v, kind),
		Metadata: map[string]string{"kind": kind, "v": fmt.Sprint(v)},
	}
}

// checkDoc reports whether d is a whole version of one document: text and
// metadata of the same id and version.
func checkDoc(d ganada.Document) error {
	if !strings.HasPrefix(d.Text, d.ID+" v"+d.Metadata["v"]+" ") || !strings.HasSuffix(d.Text, " "+d.Metadata["kind"]) {
		return fmt.Errorf("document %q mixes versions: text %q, metadata %v", d.ID, d.Text, d.Metadata)
	}
	return nil
}

// checkSnapshot checks that c is consistent: no writer half done, the index
// and the documents agree, every document whole and its vector the
// encoding of its text, and all stable documents present.
func checkSnapshot(c *ganada.Collection, enc *hashEncoder, stable int) error {
	if p := ganada.Pending(c); p != 0 {
		return fmt.Errorf("pending = %d", p)
	}
	if n := ganada.IndexLen(c); n != c.Len() {
		return fmt.Errorf("index holds %d vectors for %d documents", n, c.Len())
	}
	ids := c.IDs()
	if len(ids) != c.Len() {
		return fmt.Errorf("%d IDs, Len %d", len(ids), c.Len())
	}
	nstable := 0
	for _, id := range ids {
		d, ok := c.Get(id)
		if !ok {
			return fmt.Errorf("IDs lists %q, Get does not find it", id)
		}
		if err := checkDoc(d); err != nil {
			return err
		}
		if d.Metadata["kind"] == "stable" {
			nstable++
		}
		got, ok := ganada.DocVector(c, id)
		if !ok {
			return fmt.Errorf("document %q has no vector", id)
		}
		v, _ := enc.Encode(ctx, []string{d.Text})
		want := testutil.Unit(v[0])
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5 {
				return fmt.Errorf("document %q: vector %v is not the encoding %v of its text %q", id, got, want, d.Text)
			}
		}
	}
	if nstable != stable {
		return fmt.Errorf("%d stable documents, want %d", nstable, stable)
	}
	return nil
}

// TestConcurrentAddQueryDelete runs, on one collection and beside a CPU
// burner: two adders (one replacing and deleting churning documents, one
// replacing its own), a saver writing a new file every round (racing the
// Adds) with WriteTo and Compact between, and readers querying (filtered or
// not), and calling Get, Len, IDs and Contains. Readers check that every
// hit and every Get is a whole version of one document and that queries
// return k hits (200 stable documents always match). Afterwards the
// collection, and every file saved meanwhile once loaded, must be a
// consistent snapshot (see checkSnapshot).
func TestConcurrentAddQueryDelete(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			testutil.BurnCPU(t)
			budget := 10 * time.Second
			if testing.Short() {
				budget = 2 * time.Second
			}
			deadline := time.Now().Add(budget)
			enc := newHashEncoder(16)
			c := newCol(t, enc, withIndex(kind, hnsw.WithEfConstruction(40)), ganada.WithBatchSize(16))
			const stable = 200
			var docs []ganada.Document
			for i := 0; i < stable; i++ {
				docs = append(docs, versioned(fmt.Sprintf("stable-%d", i), "stable", 0))
			}
			if err := c.Add(ctx, docs...); err != nil {
				t.Fatal(err)
			}
			iters := 200
			var wg sync.WaitGroup
			var writers sync.WaitGroup
			var stop atomic.Bool
			errs := make(chan error, 100)
			report := func(err error) {
				select {
				case errs <- err:
				default:
				}
			}
			var rounds atomic.Int64
			// Adder 1: replaces, adds and deletes churn documents.
			writers.Add(1)
			go func() {
				defer writers.Done()
				for v := 1; v <= iters && time.Now().Before(deadline); v++ {
					rounds.Add(1)
					var batch []ganada.Document
					for j := 0; j < 30; j++ {
						batch = append(batch, versioned(fmt.Sprintf("churn-%d", (v*7+j)%50), "churn", v))
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
						for _, id := range del {
							if c.Contains(id) {
								report(fmt.Errorf("%s still there after its Delete", id))
								return
							}
						}
					}
				}
			}()
			// Adder 2: replaces its own documents, one Add at a time, racing
			// adder 1's Adds (their encoding runs in parallel).
			writers.Add(1)
			go func() {
				defer writers.Done()
				for v := 1; v <= iters && time.Now().Before(deadline); v++ {
					var batch []ganada.Document
					for j := 0; j < 5; j++ {
						batch = append(batch, versioned(fmt.Sprintf("other-%d", (v+j)%20), "other", v))
					}
					if err := c.Add(ctx, batch...); err != nil {
						report(err)
						return
					}
					if d, ok := c.Get(batch[0].ID); !ok || d.Metadata["v"] != fmt.Sprint(v) {
						report(fmt.Errorf("Get after Add of %s v%d: %+v, %v", batch[0].ID, v, d, ok))
						return
					}
				}
			}()
			// The saver: a new file each round, racing the Adds.
			dir := t.TempDir()
			var saved []string
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load() || i < 2; i++ {
					path := filepath.Join(dir, fmt.Sprintf("snap-%03d", i%50))
					if err := c.Save(ctx, path); err != nil {
						report(err)
						return
					}
					if i < 50 {
						saved = append(saved, path)
					}
					if _, err := c.WriteTo(io.Discard); err != nil {
						report(err)
						return
					}
					if i%4 == 3 {
						if err := c.Compact(ctx); err != nil {
							report(err)
							return
						}
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
			// Readers.
			for r := 0; r < 3; r++ {
				wg.Add(1)
				go func(r int) {
					defer wg.Done()
					queries := []string{"alpha beta plum", "stable apple", "churn v3 alpha", "other v7"}
					for n := 0; !stop.Load() || n < 5; n++ {
						q := queries[(n+r)%len(queries)]
						var opts []ganada.QueryOption
						if n%2 == 1 {
							opts = append(opts, ganada.WithFilter(ganada.Where("kind", "stable")))
						}
						if n%5 == 4 {
							opts = append(opts, ganada.WithExactSearch())
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
						for i, h := range hits {
							if seen[h.ID] {
								report(fmt.Errorf("query %q: %s returned twice", q, h.ID))
								return
							}
							seen[h.ID] = true
							if err := checkDoc(ganada.Document{ID: h.ID, Text: h.Text, Metadata: h.Metadata}); err != nil {
								report(fmt.Errorf("hit: %w", err))
								return
							}
							if n%2 == 1 && h.Metadata["kind"] != "stable" {
								report(fmt.Errorf("filtered query returned %s", h.ID))
								return
							}
							if i > 0 && h.Score > hits[i-1].Score {
								report(fmt.Errorf("query %q: hits out of order", q))
								return
							}
						}
						if l := c.Len(); l < stable {
							report(fmt.Errorf("Len %d < %d stable documents", l, stable))
							return
						}
						for _, id := range []string{"churn-3", "other-4", "stable-5"} {
							d, ok := c.Get(id)
							if !ok {
								if id == "stable-5" {
									report(fmt.Errorf("Get(%s) found nothing", id))
									return
								}
								continue
							}
							if err := checkDoc(d); err != nil {
								report(fmt.Errorf("Get: %w", err))
								return
							}
						}
						if r == 0 && n%20 == 0 {
							for _, id := range c.IDs() {
								_ = c.Contains(id)
							}
						}
						// Leave the writers some of the processors.
						time.Sleep(100 * time.Microsecond)
					}
				}(r)
			}
			writers.Wait()
			stop.Store(true)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if t.Failed() {
				return
			}
			t.Logf("%d churn rounds, %d files saved", rounds.Load(), len(saved))
			if err := checkSnapshot(c, enc, stable); err != nil {
				t.Fatal(err)
			}
			for _, path := range saved {
				l, err := ganada.Load(ctx, path, enc)
				if err != nil {
					t.Fatalf("loading %s: %v", path, err)
				}
				if err := checkSnapshot(l, enc, stable); err != nil {
					t.Fatalf("%s: %v", filepath.Base(path), err)
				}
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
	c, err := ganada.NewCollection(fastEncoder{dim}, ganada.WithFlat(), ganada.WithBatchSize(4096))
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
		ganada.FilterFunc(overlap),
	)
	hits, err := c.Query(ctx, "text 7", n, ganada.WithFilter(filter))
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
