// encoder_test.go checks the forward pass alone against the goldens'
// last_hidden_state, fed with the goldens' own token ids, one text at a time
// and in packed batches of several sizes (minilm-l6-shape runs through
// Encode's tests only, for time).

package transformer

import (
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

func loadEncoder(t testing.TB, dir, weightsFile string) *encoder {
	t.Helper()
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, f, err := readWeights(filepath.Join(dir, weightsFile), dir, c, loadMode{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return newEncoder(c, w)
}

var parityCases = []struct{ model, set string }{
	{"tiny-bert", "public"},
	{"tiny-bert", "public-fp16"},
	{"tiny-xlmr", "public"},
	{"tiny-mpnet", "public"},
	{"tiny-distilbert", "public"},
	{"tiny-modernbert", "public"},
	{"tiny-qwen3", "public"},
}

func TestForwardParity(t *testing.T) {
	for _, pc := range parityCases {
		t.Run(pc.model+"/"+pc.set, func(t *testing.T) {
			g := loadGolden(t, pc.model, pc.set)
			e := loadEncoder(t, g.dir, g.WeightsFile)
			// Batch size, workers, runner.spanRows: the default
			// (32), 1 (split by whole texts whenever there are enough
			// texts) or huge (always split each product), and
			// runner.attnBudget: the default or 1 (attention in blocks
			// of minBlockRows query rows).
			const never = 1 << 30
			const def = defaultAttnBudget
			batchings := [][4]int{{1, 1, 32, def}, {3, 2, 32, def}, {3, 2, 1, def}, {16, 1, 32, def}, {64, 2, 32, def}, {64, 2, never, def},
				{64, 3, 1, def}, {1, 1, 32, 1}, {16, 2, never, 1}, {64, 2, 1, 1}}
			if raceEnabled {
				batchings = [][4]int{{3, 2, 1, def}, {16, 2, never, 1}}
			}
			for _, bw := range batchings {
				bs := bw[0]
				r := newRunner(e, bw[1])
				r.spanRows = bw[2]
				r.attnBudget = bw[3]
				defer r.close()
				worst := 0.0
				for start := 0; start < len(g.Items); start += bs {
					end := min(start+bs, len(g.Items))
					var seqs []sequence
					for _, it := range g.Items[start:end] {
						seqs = append(seqs, sequence{ids: it.InputIDs, typeIDs: it.TokenTypeIDs})
					}
					x, err := e.forward(r, seqs)
					if err != nil {
						t.Fatal(err)
					}
					row := 0
					for _, it := range g.Items[start:end] {
						n := len(it.InputIDs)
						got := x[row*g.HiddenSize : (row+n)*g.HiddenSize]
						d := testutil.MaxAbsDiff(got, it.hidden)
						if d > 1e-4 {
							t.Errorf("batching %v: item %d (%q): last_hidden_state max abs diff %.3g", bw, it.Index, it.Text, d)
						}
						worst = max(worst, d)
						row += n
					}
				}
				t.Logf("batch size %d, %d workers, span rows %d, attention budget %d: last_hidden_state max abs diff %.3g", bs, bw[1], bw[2], bw[3], worst)
			}
		})
	}
}

// TestSplitSpans checks the split of a batch into spans of whole texts:
// every text in exactly one span, in order, rows matching, at least one
// span per worker, and the work shared fairly.
func TestSplitSpans(t *testing.T) {
	e := &encoder{cfg: &config{fam: familyOf("bert"), HiddenSize: 8, NumHeads: 2, IntermediateSize: 16, headDim: 4, kvHeads: 2}}
	for _, tc := range []struct {
		lengths []int
		workers int
		want    int // spans; 1 = not split
	}{
		{[]int{14}, 2, 1},                            // one text: split the products
		{[]int{10, 9, 8}, 2, 1},                      // 27 rows: too few
		{[]int{40, 30, 20, 10}, 2, 3},                // 100 rows: 3 spans of ≥ 32
		{repeat(14, 32), 2, 8},                       // batch 32 of short texts
		{repeat(14, 32), 3, 12},                      // up to 4 per worker
		{append([]int{256}, repeat(5, 40)...), 2, 1}, // one text is most of the work
		{append([]int{60}, repeat(20, 10)...), 2, 8},
	} {
		r := newRunner(e, tc.workers)
		var seqs []sequence
		for _, n := range tc.lengths {
			seqs = append(seqs, sequence{ids: make([]int, n)})
		}
		r.prepare(seqs)
		got := r.splitSpans(seqs)
		r.close()
		if got != tc.want {
			t.Errorf("%v on %d workers: %d spans, want %d", tc.lengths, tc.workers, got, tc.want)
			continue
		}
		if got == 1 {
			continue
		}
		cost := func(n int) float64 { return float64(n) * (1 + float64(n)/400) }
		var all, most float64
		for _, n := range tc.lengths {
			all += cost(n)
			most = max(most, cost(n))
		}
		next, row := 0, 0
		for _, sp := range r.spans[:got] {
			var c float64
			for _, n := range tc.lengths[sp.s0:sp.s1] {
				c += cost(n)
			}
			if c > all/float64(got)+most {
				t.Errorf("%v: span %v has work %.0f of %.0f in %d spans", tc.lengths, sp, c, all, got)
			}
			if sp.s0 != next || sp.s1 <= sp.s0 || sp.r0 != row {
				t.Fatalf("%v: spans %v not contiguous", tc.lengths, r.spans)
			}
			for _, n := range tc.lengths[sp.s0:sp.s1] {
				row += n
			}
			if sp.r1 != row {
				t.Fatalf("%v: span %v rows end at %d", tc.lengths, sp, row)
			}
			next = sp.s1
		}
		if next != len(tc.lengths) {
			t.Fatalf("%v: spans %v miss texts", tc.lengths, r.spans)
		}
	}
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

// TestAttentionBlocksMemory checks that a long text's attention scores
// take O(n) memory per worker: an 8,192-token text gets blocks of 128
// query rows (4 MiB of scores), not an 8,192² matrix (256 MiB), while
// texts up to 1,024 tokens keep the whole matrix in one block.
func TestAttentionBlocksMemory(t *testing.T) {
	e := &encoder{cfg: &config{fam: familyOf("modernbert"), HiddenSize: 8, NumHeads: 2, IntermediateSize: 16, headDim: 4, kvHeads: 2}}
	r := newRunner(e, 2)
	defer r.close()
	for _, tc := range []struct{ n, rows int }{{1, 1}, {512, 512}, {1024, 1024}, {2048, 512}, {8192, 128}, {1 << 20, minBlockRows}} {
		if got := r.blockRows(tc.n); got != tc.rows {
			t.Errorf("blockRows(%d) = %d, want %d", tc.n, got, tc.rows)
		}
	}
	r.prepare([]sequence{{ids: make([]int, 8192)}})
	for w, s := range r.scores {
		if cap(s) > 128*8192*5/4 {
			t.Errorf("worker %d: %d floats of scores for an 8192-token text", w, cap(s))
		}
	}
}
