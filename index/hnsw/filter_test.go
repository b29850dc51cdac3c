// This file tests filtered search in both regimes against the exact index:
// a permissive filter answered by the graph during traversal, and a very
// selective one answered by the exact scan of the allowed nodes.

package hnsw

import (
	"testing"

	"github.com/ganada/ganada/index"
)

func TestFilterRegimes(t *testing.T) {
	d := newDataset(10000, 64, scaled(testQ), 6) // fixed n: the regimes depend on it
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(100))
	cases := []struct {
		name      string
		allow     func(id uint64) bool
		selective bool
		minRecall float64
	}{
		{"half", func(id uint64) bool { return id%2 == 0 }, false, 0.95},
		{"quarter", func(id uint64) bool { return (id/7)%4 == 3 }, false, 0.95},
		{"tenth", func(id uint64) bool { return (id/7)%10 == 3 }, true, 1},
		{"0.3%", func(id uint64) bool { return (id/7)%300 == 11 }, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.growMu.RLock()
			sel := h.selective(c.allow, 64)
			h.growMu.RUnlock()
			if sel != c.selective {
				t.Fatalf("selective = %v, want %v", sel, c.selective)
			}
			truth := truthFromFlat(t, d, index.Cosine, 10, nil, c.allow)
			calls := 0
			counting := func(id uint64) bool { calls++; return c.allow(id) }
			for qi, q := range d.queries {
				rs, err := h.Search(ctx, q, 10, index.WithEf(64), index.WithFilter(counting))
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != len(truth[qi]) {
					t.Fatalf("query %d: %d results, want %d", qi, len(rs), len(truth[qi]))
				}
				for _, r := range rs {
					if !c.allow(r.ID) {
						t.Fatalf("filtered-out id %d returned", r.ID)
					}
				}
			}
			if calls == 0 {
				t.Fatal("filter never called")
			}
			r := recall(t, h, d, truth, 10, index.WithEf(64), index.WithFilter(c.allow))
			t.Logf("%s: recall@10 %.4f", c.name, r)
			if r < c.minRecall {
				t.Errorf("recall %.4f, want ≥ %.2f", r, c.minRecall)
			}
		})
	}
}

func TestFilterAdmitsNothingOrFew(t *testing.T) {
	d := newDataset(scaled(3000), 16, 5, 7)
	h := buildHNSW(t, d, index.L2, WithEfConstruction(64))
	rs, err := h.Search(ctx, d.queries[0], 5, index.WithFilter(func(uint64) bool { return false }))
	if err != nil || len(rs) != 0 {
		t.Fatalf("deny-all filter: %v %v", rs, err)
	}
	want := d.ids[100]
	rs, err = h.Search(ctx, d.queries[0], 5, index.WithFilter(func(id uint64) bool { return id == want }))
	if err != nil || len(rs) != 1 || rs[0].ID != want {
		t.Fatalf("single-id filter: %v %v", rs, err)
	}
}

func TestExactOption(t *testing.T) {
	d := newDataset(scaled(3000), 32, 20, 8)
	h := buildHNSW(t, d, index.Dot, WithEfConstruction(64))
	truth := truthFromFlat(t, d, index.Dot, 10, nil, nil)
	if r := recall(t, h, d, truth, 10, index.WithExact()); r != 1 {
		t.Fatalf("WithExact recall = %v, want 1", r)
	}
}

// TestSelectivePeriodicFilter checks that the selectivity estimate is not
// fooled by a filter whose period matches the sampling stride, as
// round-robin metadata over sequentially assigned ids would be.
func TestSelectivePeriodicFilter(t *testing.T) {
	d := newDataset(10000, 16, 1, 7)
	h := buildHNSW(t, d, index.Cosine, WithEfConstruction(40))
	h.growMu.RLock()
	defer h.growMu.RUnlock()
	n := int(h.n.Load())
	step := uint32(n / 512)
	slot := make(map[uint64]uint32, n)
	for s := 0; s < n; s++ {
		slot[h.labels[s]] = uint32(s)
	}
	inPhase := func(id uint64) bool { return slot[id]%step == 0 }
	outOfPhase := func(id uint64) bool { return slot[id]%step != 0 }
	// inPhase admits 1/step of the nodes (about 530 of 10,000), below the
	// exact-scan threshold 2·sqrt(64·10,000) = 1,600; outOfPhase admits the rest.
	if !h.selective(inPhase, 64) {
		t.Error("filter admitting one slot per sampling stride judged not selective")
	}
	if h.selective(outOfPhase, 64) {
		t.Error("filter admitting all but one slot per sampling stride judged selective")
	}
}
