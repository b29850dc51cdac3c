// This file tests search quality against the exact index: recall@10 of
// the graph search, after deletes and re-adds, after Compact, and with
// filters in both the graph and the exact-fallback regime.

package hnsw

import (
	"testing"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/internal/synth"
)

const (
	testDim = 48
	testQ   = 200
)

// testN is the size of the quality tests' indexes: 10k vectors, or 2k under
// the race detector.
var testN = func() int {
	if raceEnabled {
		return 2000
	}
	return 10000
}()

// scaled returns n, or n/5 under the race detector.
func scaled(n int) int {
	if raceEnabled {
		return n / 5
	}
	return n
}

type dataset struct {
	base, queries [][]float32
	ids           []uint64
}

func newDataset(n, dim, q int, seed uint64) dataset {
	all := synth.Clustered(n+q, dim, 40, seed)
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i)*7 + 3 // not slot numbers
	}
	return dataset{base: all[:n], queries: all[n:], ids: ids}
}

func buildHNSW(t testing.TB, d dataset, metric index.Metric, opts ...Option) *Index {
	t.Helper()
	h, err := New(len(d.base[0]), metric, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddBatch(ctx, d.ids, d.base); err != nil {
		t.Fatal(err)
	}
	return h
}

// truthFromFlat returns exact top-k ids per query from index/flat, under the
// given filter.
func truthFromFlat(t testing.TB, d dataset, metric index.Metric, k int, live func(i int) bool, allow func(uint64) bool) [][]uint64 {
	t.Helper()
	f, err := flat.New(len(d.base[0]), metric)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range d.base {
		if live == nil || live(i) {
			if err := f.Add(ctx, d.ids[i], v); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := make([][]uint64, len(d.queries))
	for qi, q := range d.queries {
		rs, err := f.Search(ctx, q, k, index.WithFilter(allow))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			out[qi] = append(out[qi], r.ID)
		}
	}
	return out
}

func recall(t testing.TB, h *Index, d dataset, truth [][]uint64, k int, opts ...index.SearchOption) float64 {
	t.Helper()
	hit, total := 0, 0
	for qi, q := range d.queries {
		rs, err := h.Search(ctx, q, k, opts...)
		if err != nil {
			t.Fatal(err)
		}
		want := map[uint64]bool{}
		for _, id := range truth[qi] {
			want[id] = true
		}
		for _, r := range rs {
			if want[r.ID] {
				hit++
			}
		}
		total += len(truth[qi])
	}
	return float64(hit) / float64(total)
}

func TestRecallAgainstFlat(t *testing.T) {
	d := newDataset(testN, testDim, testQ, 1)
	for _, metric := range []index.Metric{index.Cosine, index.L2, index.Dot} {
		t.Run(metric.String(), func(t *testing.T) {
			h := buildHNSW(t, d, metric, WithM(16), WithEfConstruction(100))
			truth := truthFromFlat(t, d, metric, 10, nil, nil)
			prev := 0.0
			for _, ef := range []int{10, 40, 160} {
				r := recall(t, h, d, truth, 10, index.WithEf(ef))
				t.Logf("%v ef=%d recall@10=%.4f", metric, ef, r)
				if r+0.01 < prev {
					t.Errorf("recall fell from %.3f to %.3f as ef grew to %d", prev, r, ef)
				}
				prev = r
			}
			if prev < 0.97 {
				t.Errorf("recall@10 at ef=160 = %.4f, want ≥ 0.97", prev)
			}
		})
	}
}

// TestScoringPathsAgree checks the two ways a search scores neighbours (one
// kernel call per vector, used for long vectors, and gathered batches, used
// for short ones) against each other and against the exact index.
func TestScoringPathsAgree(t *testing.T) {
	d := newDataset(scaled(4000), 64, 100, 15)
	for _, metric := range []index.Metric{index.Cosine, index.L2} {
		h := buildHNSW(t, d, metric, WithEfConstruction(64))
		truth := truthFromFlat(t, d, metric, 10, nil, nil)
		h.gather = true
		a := recall(t, h, d, truth, 10, index.WithEf(48))
		h.gather = false
		b := recall(t, h, d, truth, 10, index.WithEf(48))
		t.Logf("%v: recall gathered %.4f, per vector %.4f", metric, a, b)
		if a < 0.9 || b < 0.9 || a-b > 0.01 || b-a > 0.01 {
			t.Errorf("%v: recall gathered %.4f, per vector %.4f", metric, a, b)
		}
	}
}
