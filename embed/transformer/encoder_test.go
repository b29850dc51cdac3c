// encoder_test.go checks the forward pass alone against the goldens'
// last_hidden_state, fed with the goldens' own token ids, one text at a time
// and in packed batches of several sizes (minilm-l6-shape runs through
// Encode's tests only, for time).

package transformer

import (
	"path/filepath"
	"testing"
)

func loadEncoder(t testing.TB, dir, weightsFile string) *encoder {
	t.Helper()
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, f, err := readWeights(filepath.Join(dir, weightsFile), c, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &encoder{cfg: c, w: w}
}

var parityCases = []struct{ model, set string }{
	{"tiny-bert", "public"},
	{"tiny-bert", "public-fp16"},
	{"tiny-xlmr", "public"},
}

func TestForwardParity(t *testing.T) {
	for _, pc := range parityCases {
		t.Run(pc.model+"/"+pc.set, func(t *testing.T) {
			g := loadGolden(t, pc.model, pc.set)
			e := loadEncoder(t, g.dir, g.WeightsFile)
			batchings := [][2]int{{1, 1}, {3, 2}, {16, 1}, {64, 2}, {64, 3}}
			if raceEnabled {
				batchings = [][2]int{{3, 2}}
			}
			for _, bw := range batchings {
				bs := bw[0]
				r := newRunner(e, bw[1])
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
						d := maxAbsDiff(got, it.hidden)
						if d > 1e-4 {
							t.Errorf("batch %d, %d workers: item %d (%q): last_hidden_state max abs diff %.3g", bs, bw[1], it.Index, it.Text, d)
						}
						worst = max(worst, d)
						row += n
					}
				}
				t.Logf("batch size %d, %d workers: last_hidden_state max abs diff %.3g", bs, bw[1], worst)
			}
		})
	}
}
