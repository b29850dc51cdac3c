// This file tests deletes, replacing adds and Compact: tombstones leave
// results at once, recall survives deleting and re-adding 10% of the index,
// and compaction reclaims slots without losing recall.

package hnsw

import (
	"errors"
	"github.com/ganada/ganada/errs"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ganada/ganada/index"
)

func TestDeleteExcludesImmediately(t *testing.T) {
	d := newDataset(scaled(2000), 16, 50, 2)
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(64))
	gone := map[uint64]bool{}
	for i := 0; i < len(d.ids); i += 3 {
		if err := h.Delete(ctx, d.ids[i]); err != nil {
			t.Fatal(err)
		}
		gone[d.ids[i]] = true
	}
	if got, want := h.Len(), len(d.ids)-len(gone); got != want {
		t.Fatalf("Len = %d, want %d", got, want)
	}
	for _, q := range append(d.queries, d.base[:30]...) {
		rs, err := h.Search(ctx, q, 20, index.WithEf(100))
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 20 {
			t.Fatalf("got %d results, want 20", len(rs))
		}
		for _, r := range rs {
			if gone[r.ID] {
				t.Fatalf("deleted id %d returned", r.ID)
			}
		}
	}
	if h.Contains(d.ids[0]) {
		t.Error("Contains(deleted) = true")
	}
	if err := h.Delete(ctx, d.ids[0]); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("second Delete: %v, want errs.ErrNotFound", err)
	}
	if _, err := h.Vector(d.ids[0]); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("Vector(deleted): %v, want errs.ErrNotFound", err)
	}
}

// efFor returns the smallest ef from a ladder giving recall ≥ target.
func efFor(t *testing.T, h *Index, d dataset, truth [][]uint64, target float64) (int, float64) {
	for _, ef := range []int{10, 12, 14, 16, 20, 24, 32, 48, 64, 96, 128} {
		if r := recall(t, h, d, truth, 10, index.WithEf(ef)); r >= target {
			return ef, r
		}
	}
	t.Fatal("no ef reaches the target recall")
	return 0, 0
}

func TestDeleteReaddRecall(t *testing.T) {
	d := newDataset(testN, 96, testQ, 3)
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(100))
	truth := truthFromFlat(t, d, index.Cosine, 10, nil, nil)
	ef, before := efFor(t, h, d, truth, 0.95)
	r := rand.New(rand.NewPCG(9, 9))
	victims := r.Perm(len(d.ids))[:len(d.ids)/10]
	for _, i := range victims {
		if err := h.Delete(ctx, d.ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	// While deleted: recall against the truth without them.
	dead := map[int]bool{}
	for _, i := range victims {
		dead[i] = true
	}
	truthDel := truthFromFlat(t, d, index.Cosine, 10, func(i int) bool { return !dead[i] }, nil)
	during := recall(t, h, d, truthDel, 10, index.WithEf(ef))
	ids := make([]uint64, len(victims))
	vecs := make([][]float32, len(victims))
	for j, i := range victims {
		ids[j], vecs[j] = d.ids[i], d.base[i]
	}
	if err := h.AddBatch(ctx, ids, vecs); err != nil {
		t.Fatal(err)
	}
	after := recall(t, h, d, truth, 10, index.WithEf(ef))
	if h.Len() != len(d.ids) || h.Tombstones() != len(victims) {
		t.Fatalf("Len %d Tombstones %d, want %d and %d", h.Len(), h.Tombstones(), len(d.ids), len(victims))
	}
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	compacted := recall(t, h, d, truth, 10, index.WithEf(ef))
	t.Logf("ef=%d recall: before %.4f, 10%% deleted %.4f, re-added %.4f, compacted %.4f", ef, before, during, after, compacted)
	for name, r := range map[string]float64{"deleted": during, "re-added": after, "compacted": compacted} {
		if r < 0.93 {
			t.Errorf("recall %s = %.4f at ef=%d, want ≥ 0.93", name, r, ef)
		}
	}
	if h.Tombstones() != 0 || h.Len() != len(d.ids) {
		t.Errorf("after Compact: Tombstones %d Len %d", h.Tombstones(), h.Len())
	}
	if int(h.n.Load()) != len(d.ids) {
		t.Errorf("after Compact: %d slots in use, want %d", h.n.Load(), len(d.ids))
	}
}

func TestCompactAfterDeletesOnly(t *testing.T) {
	d := newDataset(scaled(5000), 96, 100, 4)
	h := buildHNSW(t, d, index.L2, WithEfConstruction(100))
	dead := map[int]bool{}
	for i := 0; i < len(d.ids); i++ {
		if i%4 == 0 { // delete 25%, including many upper-layer nodes
			dead[i] = true
			if err := h.Delete(ctx, d.ids[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	truth := truthFromFlat(t, d, index.L2, 10, func(i int) bool { return !dead[i] }, nil)
	before := recall(t, h, d, truth, 10, index.WithEf(32))
	capBefore := h.Cap()
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	after := recall(t, h, d, truth, 10, index.WithEf(32))
	t.Logf("25%% deleted: recall %.4f before Compact, %.4f after; cap %d → %d", before, after, capBefore, h.Cap())
	if after < before-0.02 {
		t.Errorf("recall after Compact = %.4f, before %.4f", after, before)
	}
	if h.Len() != len(d.ids)-len(dead) || int(h.n.Load()) != h.Len() {
		t.Errorf("Len %d slots %d, want %d", h.Len(), h.n.Load(), len(d.ids)-len(dead))
	}
	checkGraph(t, h)
	// The index keeps working: add more and find them.
	if err := h.Add(ctx, 1<<40, d.queries[0]); err != nil {
		t.Fatal(err)
	}
	rs, _ := h.Search(ctx, d.queries[0], 1)
	if len(rs) != 1 || rs[0].ID != 1<<40 {
		t.Errorf("after Compact+Add, top hit %v, want id %d", rs, uint64(1<<40))
	}
	// Deleting everything and compacting leaves an empty, usable index.
	for _, id := range h.IDs() {
		if err := h.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	if rs, err := h.Search(ctx, d.queries[0], 5); err != nil || len(rs) != 0 {
		t.Errorf("empty index search: %v %v", rs, err)
	}
	if err := h.Add(ctx, 5, d.queries[1]); err != nil {
		t.Fatal(err)
	}
	if rs, _ := h.Search(ctx, d.queries[1], 5); len(rs) != 1 || rs[0].ID != 5 {
		t.Errorf("after emptying, search = %v", rs)
	}
}

// checkGraph verifies structural invariants: counts within limits, links to
// live in-range slots whose level reaches the layer, labels mapped.
func checkGraph(t *testing.T, h *Index) {
	t.Helper()
	n := int(h.n.Load())
	for s := 0; s < n; s++ {
		for l := 0; l <= int(h.levels[s]); l++ {
			lst := h.list(uint32(s), l)
			maxM := h.m
			if l == 0 {
				maxM = h.m0
			}
			if int(lst[0]) > maxM {
				t.Fatalf("slot %d layer %d: %d links", s, l, lst[0])
			}
			for _, q := range lst[1 : lst[0]+1] {
				if int(q) >= n || int(h.levels[q]) < l || int(q) == s {
					t.Fatalf("slot %d layer %d: bad link %d", s, l, q)
				}
			}
		}
		if h.flags[s] == 0 && h.ids[h.labels[s]] != uint32(s) {
			t.Fatalf("slot %d: id map disagrees", s)
		}
	}
	if n > 0 {
		ep, top := unpackEntry(h.ep.Load())
		if int(ep) >= n || int(h.levels[ep]) != top {
			t.Fatalf("bad entry point %d/%d", ep, top)
		}
	}
}

func TestReplaceVector(t *testing.T) {
	d := newDataset(scaled(3000), 24, 10, 5)
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(64))
	id := d.ids[17]
	// Move id onto a query vector: searching that query must find it first.
	if err := h.Add(ctx, id, d.queries[3]); err != nil {
		t.Fatal(err)
	}
	if h.Len() != len(d.ids) {
		t.Fatalf("Len = %d after replace, want %d", h.Len(), len(d.ids))
	}
	rs, err := h.Search(ctx, d.queries[3], 3)
	if err != nil || rs[0].ID != id || rs[0].Score < 0.9999 {
		t.Fatalf("search after replace: %v %v", rs, err)
	}
	got, _ := h.Vector(id)
	for i := range got {
		if d := got[i] - d.queries[3][i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("Vector(id)[%d] = %v, want %v", i, got[i], d)
		}
	}
	// The old vector no longer answers for id.
	rs, _ = h.Search(ctx, d.base[17], 5)
	for _, r := range rs {
		if r.ID == id && r.Score > 0.9999 {
			t.Fatalf("old vector still returned for id: %v", rs)
		}
	}
	checkGraph(t, h)
}

// TestCompactReorderKeepsResults checks that graph-order renumbering changes
// only where nodes live: every search returns the same results.
func TestCompactReorderKeepsResults(t *testing.T) {
	d := newDataset(scaled(4000), 32, 100, 14)
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(64))
	before := make([][]index.Result, len(d.queries))
	for i, q := range d.queries {
		before[i], _ = h.Search(ctx, q, 10, index.WithEf(32))
	}
	if err := h.Compact(); err != nil {
		t.Fatal(err)
	}
	checkGraph(t, h)
	changed := 0
	for i, q := range d.queries {
		after, _ := h.Search(ctx, q, 10, index.WithEf(32))
		if !reflect.DeepEqual(before[i], after) {
			changed++
		}
	}
	// Equal-distance ties may be expanded in another order after
	// renumbering; anything beyond a stray query means the graph changed.
	if changed > len(d.queries)/50 {
		t.Fatalf("%d of %d queries changed results after reordering", changed, len(d.queries))
	}
	ep, _ := unpackEntry(h.ep.Load())
	if ep != 0 {
		t.Errorf("entry point is slot %d after BFS renumbering, want 0", ep)
	}
	for _, id := range d.ids[:50] {
		v, err := h.Vector(id)
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := h.Search(ctx, v, 1, index.WithExact())
		if rs[0].ID != id {
			t.Fatalf("id %d no longer maps to its vector", id)
		}
	}
}
