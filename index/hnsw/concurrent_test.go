// This file stress-tests concurrent use (run it with -race), beside a
// goroutine that burns CPU so that goroutines are preempted at arbitrary
// points: searches, filtered and exact searches, adds, replacing adds,
// deletes, a batch add with slab growth, Compact, WriteTo and Save (two
// savers on one file) all at once on one index, bounded in time (a few
// seconds with -short). Along the way each writer checks that its changes
// show at once; afterwards the index, and every file saved meanwhile, are
// checked against the writers' records.

package hnsw

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

// stressBudget is how long the writers of a stress test may run.
func stressBudget() time.Duration {
	if testing.Short() {
		return 2 * time.Second
	}
	return 15 * time.Second
}

// unitOf returns v scaled to unit length, as the Cosine index stores it.
func unitOf(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	n := float32(1 / math.Sqrt(s))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * n
	}
	return out
}

func nearlyEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			return false
		}
	}
	return true
}

func TestConcurrentStress(t *testing.T) {
	const (
		dim     = 16
		writers = 3
		perW    = 400
		stableN = 150
		batchN  = 200
	)
	testutil.BurnCPU(t)
	deadline := time.Now().Add(stressBudget())
	d := newDataset(stableN+writers*perW+batchN, dim, 50, 13)
	h, err := New(dim, index.Cosine, WithM(6), WithEfConstruction(32)) // no capacity hint: growth races too
	if err != nil {
		t.Fatal(err)
	}
	// Stable ids, never changed, keep at least stableN vectors live, so every
	// search must return k results.
	stableIDs := make([]uint64, stableN)
	for i := range stableIDs {
		stableIDs[i] = 1<<40 + uint64(i)
	}
	stableVecs := d.base[:stableN]
	if err := h.AddBatch(ctx, stableIDs, stableVecs); err != nil {
		t.Fatal(err)
	}
	wbase := d.base[stableN : stableN+writers*perW]
	batchVecs := d.base[stableN+writers*perW:]
	batchIDs := make([]uint64, batchN)
	for i := range batchIDs {
		batchIDs[i] = 1<<32 + uint64(i)
	}
	known := func(id uint64) bool {
		return id < writers*perW || (id >= 1<<32 && id < 1<<32+batchN) || (id >= 1<<40 && id < 1<<40+stableN)
	}

	var wg sync.WaitGroup
	var writing sync.WaitGroup
	var ops atomic.Int64
	// Each writer owns ids ≡ w (mod writers); it records their final state
	// and every vector each was ever given.
	final := make([]map[uint64][]float32, writers)
	history := make([]map[uint64][][]float32, writers)
	for w := 0; w < writers; w++ {
		final[w] = map[uint64][]float32{}
		history[w] = map[uint64][][]float32{}
		wg.Add(1)
		writing.Add(1)
		go func(w int) {
			defer wg.Done()
			defer writing.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			add := func(id uint64, v []float32) bool {
				if err := h.Add(ctx, id, v); err != nil {
					t.Error(err)
					return false
				}
				final[w][id] = v
				history[w][id] = append(history[w][id], v)
				// The change shows at once.
				got, err := h.Vector(id)
				if err != nil || !nearlyEqual(got, unitOf(v)) {
					t.Errorf("id %d: Vector right after Add = %v, %v", id, got, err)
					return false
				}
				rs, err := h.Search(ctx, v, 1, index.WithExact())
				if err != nil || len(rs) != 1 || (rs[0].ID != id && rs[0].Score < 0.99999) {
					t.Errorf("id %d: exact search right after Add = %v, %v", id, rs, err)
					return false
				}
				return true
			}
			for i := 0; i < perW && time.Now().Before(deadline); i++ {
				ops.Add(1)
				id := uint64(i*writers + w)
				v := wbase[i*writers+w]
				switch op := r.IntN(10); {
				case op < 6 || len(final[w]) == 0:
					if !add(id, v) {
						return
					}
				case op < 8: // replace an existing id with another vector
					for old := range final[w] {
						if !add(old, v) {
							return
						}
						break
					}
				default:
					for old, ov := range final[w] {
						if err := h.Delete(ctx, old); err != nil {
							t.Error(err)
							return
						}
						delete(final[w], old)
						// Gone at once, from graph and exact searches.
						if h.Contains(old) {
							t.Errorf("id %d: Contains after Delete", old)
							return
						}
						for _, opts := range [][]index.SearchOption{nil, {index.WithExact()}} {
							rs, err := h.Search(ctx, ov, 5, opts...)
							if err != nil {
								t.Error(err)
								return
							}
							for _, r := range rs {
								if r.ID == old {
									t.Errorf("id %d: returned right after its Delete", old)
									return
								}
							}
						}
						break
					}
				}
			}
		}(w)
	}
	// A batch writer on its own id range.
	wg.Add(1)
	writing.Add(1)
	go func() {
		defer wg.Done()
		defer writing.Done()
		if err := h.AddBatch(ctx, batchIDs, batchVecs); err != nil {
			t.Error(err)
		}
	}()
	// Maintenance that takes the global lock, interleaved with everything,
	// and a second saver racing the first on one file.
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "a.hnsw"), filepath.Join(dir, "b.hnsw")}
	var writersDone atomic.Bool
	go func() { writing.Wait(); writersDone.Store(true) }()
	var saves atomic.Int64
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2 || !writersDone.Load(); i++ {
				if err := h.Save(ctx, files[(i+g)%2]); err != nil {
					t.Error(err)
					return
				}
				saves.Add(1)
				if g == 0 {
					if _, err := h.WriteTo(io.Discard); err != nil {
						t.Error(err)
					}
					if err := h.Compact(); err != nil {
						t.Error(err)
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		}(g)
	}
	var readers sync.WaitGroup
	var searches atomic.Int64
	stop := make(chan struct{})
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
				allow := func(uint64) bool { return true }
				if g == 1 {
					allow = func(id uint64) bool { return id%3 == 0 }
					opts = append(opts, index.WithFilter(allow))
				}
				if g == 2 && i%10 == 0 {
					opts = append(opts, index.WithExact())
				}
				rs, err := h.Search(ctx, q, 5, opts...)
				if err != nil {
					t.Error(err)
					return
				}
				searches.Add(1)
				// At least stableN/3 live ids pass every filter here.
				if len(rs) != 5 {
					t.Errorf("search %d: %d results, want 5", g, len(rs))
					return
				}
				seen := map[uint64]bool{}
				for j, r := range rs {
					if j > 0 && r.Score > rs[j-1].Score {
						t.Errorf("results out of order: %v", rs)
						return
					}
					if seen[r.ID] || !known(r.ID) || !allow(r.ID) {
						t.Errorf("search %d returned id %d (repeated, unknown or filtered out): %v", g, r.ID, rs)
						return
					}
					seen[r.ID] = true
				}
				h.Len()
				h.Tombstones()
				h.Contains(uint64(i))
				// Leave the writers some of the processors.
				time.Sleep(50 * time.Microsecond)
			}
		}(g)
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d writes, %d searches, %d saves", ops.Load(), searches.Load(), saves.Load())

	want := map[uint64][]float32{}
	hist := map[uint64][][]float32{}
	for i, id := range stableIDs {
		want[id] = stableVecs[i]
		hist[id] = [][]float32{stableVecs[i]}
	}
	for i, id := range batchIDs {
		want[id] = batchVecs[i]
		hist[id] = [][]float32{batchVecs[i]}
	}
	for w := range final {
		for id, v := range final[w] {
			want[id] = v
		}
		for id, vs := range history[w] {
			hist[id] = vs
		}
	}
	checkAgainst(t, "the index", h, want)
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	if h.Tombstones() != 0 {
		t.Fatalf("%d tombstones after Compact", h.Tombstones())
	}
	checkAgainst(t, "the compacted index", h, want)
	if lost := unreachable(h); len(lost) != 0 {
		t.Fatalf("after Compact %d live ids unreachable from the entry point: %v", len(lost), lost)
	}

	// Every file saved meanwhile is a whole index: a valid graph whose every
	// id holds one of the vectors it was given, the stable ones all there.
	for _, f := range files {
		g, err := Load(ctx, f)
		if err != nil {
			t.Fatalf("loading %s: %v", f, err)
		}
		checkGraph(t, g)
		ids := g.IDs()
		if len(ids) != g.Len() {
			t.Fatalf("%s: %d ids, Len %d", f, len(ids), g.Len())
		}
		for _, id := range ids {
			got, _ := g.Vector(id)
			ok := false
			for _, v := range hist[id] {
				ok = ok || nearlyEqual(got, unitOf(v))
			}
			if !ok {
				t.Fatalf("%s: id %d holds a vector it was never given", f, id)
			}
		}
		for _, id := range stableIDs {
			if !g.Contains(id) {
				t.Fatalf("%s: stable id %d missing", f, id)
			}
		}
	}
}

// checkAgainst checks h against want, the live ids and their vectors:
// counts, IDs, Contains, Vector, each id found by an exact search for its
// own vector and, for nearly all, by a graph search with k = 1; and that no
// other id is ever returned.
func checkAgainst(t *testing.T, what string, h *Index, want map[uint64][]float32) {
	t.Helper()
	checkGraph(t, h)
	if h.Len() != len(want) {
		t.Fatalf("%s: Len = %d, want %d", what, h.Len(), len(want))
	}
	ids := h.IDs()
	if len(ids) != len(want) {
		t.Fatalf("%s: IDs has %d, want %d", what, len(ids), len(want))
	}
	for _, id := range ids {
		if want[id] == nil {
			t.Fatalf("%s: IDs lists %d, deleted or never added", what, id)
		}
	}
	if h.Cap() < h.Len() || h.Tombstones() < 0 {
		t.Fatalf("%s: Cap %d, Len %d, Tombstones %d", what, h.Cap(), h.Len(), h.Tombstones())
	}
	missed := 0
	for id, v := range want {
		if !h.Contains(id) {
			t.Fatalf("%s: id %d missing", what, id)
		}
		got, err := h.Vector(id)
		if err != nil || !nearlyEqual(got, unitOf(v)) {
			t.Fatalf("%s: id %d holds %v (%v), not its last vector", what, id, got, err)
		}
		rs, err := h.Search(ctx, v, 3, index.WithExact())
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || (rs[0].ID != id && rs[0].Score < 0.99999) {
			t.Fatalf("%s: id %d: exact search by its own vector gave %v", what, id, rs)
		}
		for _, r := range rs {
			if want[r.ID] == nil {
				t.Fatalf("%s: exact search returned id %d, deleted or never added", what, r.ID)
			}
		}
		rs, err = h.Search(ctx, v, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 {
			t.Fatalf("%s: graph search for id %d: %d results", what, id, len(rs))
		}
		if want[rs[0].ID] == nil {
			t.Fatalf("%s: graph search returned id %d, deleted or never added", what, rs[0].ID)
		}
		if rs[0].ID != id && rs[0].Score < 0.99999 {
			missed++
		}
	}
	// A node or two may be hard to reach in so small a graph, as in any
	// HNSW.
	if missed > len(want)/100+1 {
		t.Fatalf("%s: graph search (k = 1) missed %d of %d ids searched by their own vectors", what, missed, len(want))
	}
}

// TestReconfigureDuringSearches: Reconfigure changes efSearch under growMu
// while searches read it under the read lock; -race checks the hand-off,
// beside a CPU burner, and every search answers with either beam width.
func TestReconfigureDuringSearches(t *testing.T) {
	testutil.BurnCPU(t)
	h, err := New(8, index.L2, WithEfSearch(16))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		v := make([]float32, 8)
		for j := range v {
			v[j] = rng.Float32()
		}
		if err := h.Add(ctx, uint64(i), v); err != nil {
			t.Fatal(err)
		}
	}
	dur := 2 * time.Second
	if testing.Short() {
		dur = 300 * time.Millisecond
	}
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := make([]float32, 8)
			for time.Now().Before(deadline) {
				if rs, err := h.Search(ctx, q, 5); err != nil || len(rs) != 5 {
					errc <- fmt.Errorf("search: %d results, %v", len(rs), err)
					return
				}
			}
		}()
	}
	for i := 0; time.Now().Before(deadline); i++ {
		if err := h.Reconfigure(WithEfSearch(8 + i%64)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}
