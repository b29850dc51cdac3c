// This file stress-tests concurrent use (run it with -race): searches,
// filtered searches, adds, replacing adds, deletes, batch adds and slab
// growth all at once, then checks the final index against a model.

package hnsw

import (
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/ganada/ganada/index"
)

func TestConcurrentStress(t *testing.T) {
	const (
		dim     = 16
		writers = 3
		perW    = 400
	)
	d := newDataset(writers*perW+200, dim, 50, 13)
	h, err := New(dim, index.Cosine, WithM(6), WithEfConstruction(32)) // no capacity hint: growth races too
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Each writer owns ids ≡ w (mod writers); its final state is recorded.
	final := make([]map[uint64][]float32, writers)
	for w := 0; w < writers; w++ {
		final[w] = map[uint64][]float32{}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; i < perW; i++ {
				id := uint64(i*writers + w)
				v := d.base[i*writers+w]
				switch op := r.IntN(10); {
				case op < 6 || len(final[w]) == 0:
					if err := h.Add(id, v); err != nil {
						t.Error(err)
						return
					}
					final[w][id] = v
				case op < 8: // replace an existing id with another vector
					for old := range final[w] {
						if err := h.Add(old, v); err != nil {
							t.Error(err)
							return
						}
						final[w][old] = v
						break
					}
				default:
					for old := range final[w] {
						if err := h.Delete(old); err != nil {
							t.Error(err)
							return
						}
						delete(final[w], old)
						break
					}
				}
			}
		}(w)
	}
	// A batch writer on its own id range.
	batchIDs := make([]uint64, 200)
	for i := range batchIDs {
		batchIDs[i] = 1<<32 + uint64(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := h.AddBatch(batchIDs, d.base[writers*perW:]); err != nil {
			t.Error(err)
		}
	}()
	// Maintenance that takes the global lock, interleaved with everything.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			if _, err := h.WriteTo(io.Discard); err != nil {
				t.Error(err)
			}
			if err := h.Compact(); err != nil {
				t.Error(err)
			}
		}
	}()
	var readers sync.WaitGroup
	for g := 0; g < 3; g++ {
		readers.Add(1)
		go func(g int) {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := d.queries[i%len(d.queries)]
				var opts []index.SearchOption
				if g == 1 {
					opts = append(opts, index.WithFilter(func(id uint64) bool { return id%3 == 0 }))
				}
				if g == 2 && i%10 == 0 {
					opts = append(opts, index.WithExact())
				}
				rs, err := h.Search(q, 5, opts...)
				if err != nil {
					t.Error(err)
					return
				}
				for j := 1; j < len(rs); j++ {
					if rs[j].Score > rs[j-1].Score {
						t.Errorf("results out of order: %v", rs)
						return
					}
				}
				h.Len()
				h.Contains(uint64(i))
			}
		}(g)
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	want := len(batchIDs)
	for _, m := range final {
		want += len(m)
	}
	if h.Len() != want {
		t.Fatalf("Len = %d, want %d", h.Len(), want)
	}
	checkGraph(t, h)
	// Every live id holds its last vector: exact search finds it first, and
	// the graph search finds nearly all of them (a node or two may be hard
	// to reach in so small a graph, as in any HNSW).
	missed, total := 0, 0
	for _, m := range final {
		for id, v := range m {
			total++
			rs, err := h.Search(v, 3, index.WithExact())
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 || (rs[0].ID != id && rs[0].Score < 0.99999) {
				t.Fatalf("id %d: exact search by its own vector gave %v", id, rs)
			}
			rs, _ = h.Search(v, 3, index.WithEf(64))
			found := false
			for _, r := range rs {
				found = found || r.ID == id || r.Score > 0.99999
			}
			if !found {
				missed++
			}
		}
	}
	if missed > total/100 {
		t.Fatalf("graph search missed %d of %d ids searched by their own vectors", missed, total)
	}
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	checkGraph(t, h)
	if lost := unreachable(h); len(lost) != 0 {
		t.Fatalf("after Compact %d live ids unreachable from the entry point: %v", len(lost), lost)
	}
	if h.Len() != want {
		t.Fatalf("Len after Compact = %d, want %d", h.Len(), want)
	}
}
