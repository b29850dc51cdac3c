// This file tests searches with a k at or far beyond the index size
// (math.MaxInt, math.MaxInt/3), with and without filters and WithExact: they
// must return every live, allowed vector, as index/flat does, even one the
// graph cannot reach, and allocate nothing in proportion to k; and searches
// with k just below the live count return k results although the graph
// cannot reach some nodes.

package hnsw

import (
	"math"
	"testing"

	"github.com/ganada/ganada/index"
)

func TestHugeK(t *testing.T) {
	d := newDataset(300, 16, 3, 21)
	h := buildHNSW(t, d, index.L2, WithM(8), WithEfConstruction(64))
	dead := map[uint64]bool{}
	for i := 0; i < 300; i += 17 {
		if err := h.Delete(ctx, d.ids[i]); err != nil {
			t.Fatal(err)
		}
		dead[d.ids[i]] = true
	}
	live := func(i int) bool { return !dead[d.ids[i]] }
	even := func(id uint64) bool { return id%2 == 0 }
	few := func(id uint64) bool { return id%100 == 3 } // judged selective
	cases := []struct {
		name  string
		allow func(uint64) bool
		opts  []index.SearchOption
	}{
		{"graph", nil, nil},
		{"exact", nil, []index.SearchOption{index.WithExact()}},
		{"filter", even, []index.SearchOption{index.WithFilter(even)}},
		{"selective filter", few, []index.SearchOption{index.WithFilter(few)}},
		{"filter exact", even, []index.SearchOption{index.WithFilter(even), index.WithExact()}},
		{"filter ef", even, []index.SearchOption{index.WithFilter(even), index.WithEf(math.MaxInt)}},
	}
	for _, c := range cases {
		// Exact top-everything from index/flat over the live vectors.
		truth := truthFromFlat(t, d, index.L2, len(d.base), live, c.allow)
		for _, k := range []int{math.MaxInt, math.MaxInt / 3, h.Len() + 1} {
			for qi, q := range d.queries {
				rs, err := h.Search(ctx, q, k, c.opts...)
				if err != nil {
					t.Fatalf("%s k=%d: %v", c.name, k, err)
				}
				if len(rs) != len(truth[qi]) {
					t.Fatalf("%s k=%d query %d: %d results, want %d", c.name, k, qi, len(rs), len(truth[qi]))
				}
				want := map[uint64]bool{}
				for _, id := range truth[qi] {
					want[id] = true
				}
				for i, r := range rs {
					if !want[r.ID] {
						t.Fatalf("%s k=%d: id %d returned, not live or not allowed", c.name, k, r.ID)
					}
					delete(want, r.ID)
					if i > 0 && r.Score > rs[i-1].Score {
						t.Fatalf("%s k=%d: results not sorted best first at %d", c.name, k, i)
					}
				}
			}
		}
	}
}

// TestHugeKAllocations checks that a huge k costs no more memory than a k
// equal to the index size: nothing is sized by k up front.
func TestHugeKAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	d := newDataset(200, 8, 1, 22)
	h := buildHNSW(t, d, index.Dot, WithM(4), WithEfConstruction(32))
	q := d.queries[0]
	for _, opts := range [][]index.SearchOption{nil, {index.WithExact()}} {
		h.Search(ctx, q, h.Len(), opts...) // warm the searcher pool
		small := testing.AllocsPerRun(20, func() { h.Search(ctx, q, h.Len(), opts...) })
		huge := testing.AllocsPerRun(20, func() { h.Search(ctx, q, math.MaxInt, opts...) })
		if huge > small {
			t.Errorf("options %d: k=MaxInt makes %v allocations per search, k=Len %v", len(opts), huge, small)
		}
	}
}

// TestKAtLeastLenFindsUnreachable cuts every link to one node, so that no
// graph search can reach it, and checks that a search with k ≥ Len still
// returns it: asking for everything scans everything.
func TestKAtLeastLenFindsUnreachable(t *testing.T) {
	d := newDataset(200, 8, 1, 23)
	h := buildHNSW(t, d, index.Cosine, WithM(4), WithEfConstruction(32))
	h.growMu.Lock()
	ep, _ := unpackEntry(h.ep.Load())
	cut := (ep + 1) % uint32(h.n.Load())
	for s := 0; s < int(h.n.Load()); s++ {
		for l := 0; l <= int(h.levels[s]); l++ {
			lst := h.list(uint32(s), l)
			kept := lst[1:1]
			for _, nb := range lst[1 : 1+lst[0]] {
				if nb != cut {
					kept = append(kept, nb)
				}
			}
			lst[0] = uint32(len(kept))
		}
	}
	h.growMu.Unlock()
	want := h.labels[cut]
	for _, k := range []int{h.Len(), h.Len() + 1, math.MaxInt} {
		rs, err := h.Search(ctx, d.queries[0], k)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != h.Len() {
			t.Errorf("k=%d: %d results, want all %d", k, len(rs), h.Len())
		}
		found := false
		for _, r := range rs {
			found = found || r.ID == want
		}
		if !found {
			t.Errorf("k=%d: unreachable id %d missing", k, want)
		}
	}
}

// cutLinks removes every link to the given slots on every layer, so that no
// graph search can reach them (none may be the entry point).
func cutLinks(h *Index, cut map[uint32]bool) {
	h.growMu.Lock()
	defer h.growMu.Unlock()
	for s := 0; s < int(h.n.Load()); s++ {
		for l := 0; l <= int(h.levels[s]); l++ {
			lst := h.list(uint32(s), l)
			kept := lst[1:1]
			for _, nb := range lst[1 : 1+lst[0]] {
				if !cut[nb] {
					kept = append(kept, nb)
				}
			}
			lst[0] = uint32(len(kept))
		}
	}
}

// TestKBelowLiveFindsUnreachable is the regression test of a search with
// k just below the live count on a graph whose search cannot reach every
// node: it returned what the graph reached (19,992 of k = 19,999 on 20,000
// vectors with M = 8 before Compact), not k, breaking the index.Index
// contract. Here links to four nodes are cut, and searches with
// k = live − 1 (below the k ≥ live shortcut to the exact scan) and an ef
// covering the whole graph must still return k results: unfiltered, after
// deletes, and with a filter.
func TestKBelowLiveFindsUnreachable(t *testing.T) {
	d := newDataset(300, 8, 2, 24)
	h := buildHNSW(t, d, index.Cosine, WithM(4), WithEfConstruction(32))
	ep, _ := unpackEntry(h.ep.Load())
	cut := map[uint32]bool{}
	for s := uint32(0); len(cut) < 4; s += 37 {
		if s != ep {
			cut[s] = true
		}
	}
	cutLinks(h, cut)
	even := func(id uint64) bool { return id%2 == 0 }
	evenCut := 0
	for s := range cut {
		if even(h.labels[s]) {
			evenCut++
		}
	}
	if evenCut == 0 {
		t.Fatal("no cut node passes the filter; pick other slots")
	}
	check := func(what string, k int, deleted map[uint64]bool, opts ...index.SearchOption) {
		t.Helper()
		for _, q := range d.queries {
			rs, err := h.Search(ctx, q, k, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != k {
				t.Fatalf("%s: %d results for k = %d", what, len(rs), k)
			}
			seen := map[uint64]bool{}
			for _, r := range rs {
				if seen[r.ID] || deleted[r.ID] {
					t.Fatalf("%s: id %d returned twice or after its delete", what, r.ID)
				}
				seen[r.ID] = true
			}
		}
	}
	check("unfiltered", h.Len()-1, nil, index.WithEf(1<<20))
	check("unfiltered, default ef", h.Len()-1, nil)

	deleted := map[uint64]bool{}
	for i := 1; i < 300; i += 29 {
		if err := h.Delete(ctx, d.ids[i]); err != nil {
			t.Fatal(err)
		}
		deleted[d.ids[i]] = true
	}
	check("after deletes", h.Len()-1, deleted, index.WithEf(1<<20))

	allowed := 0
	for _, id := range h.IDs() {
		if even(id) {
			allowed++
		}
	}
	check("filtered", allowed-1, deleted, index.WithFilter(even), index.WithEf(1<<20))
}
