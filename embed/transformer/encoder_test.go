// encoder_test.go checks the forward pass alone against the goldens'
// last_hidden_state, fed with the goldens' own token ids, one text at a time
// and in packed batches of several sizes (minilm-l6-shape runs through
// Encode's tests only, for time).

package transformer

import (
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/embed/safetensors"
)

func loadEncoder(t testing.TB, dir, weightsFile string) *encoder {
	t.Helper()
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(filepath.Join(dir, weightsFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	w, err := loadWeights(f, c)
	if err != nil {
		t.Fatal(err)
	}
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
			batchSizes := []int{1, 3, 16, 64}
			if raceEnabled {
				batchSizes = []int{3}
			}
			for _, bs := range batchSizes {
				ws := &workspace{}
				worst := 0.0
				for start := 0; start < len(g.Items); start += bs {
					end := min(start+bs, len(g.Items))
					var seqs []sequence
					for _, it := range g.Items[start:end] {
						seqs = append(seqs, sequence{ids: it.InputIDs, typeIDs: it.TokenTypeIDs})
					}
					x, err := e.forward(ws, seqs)
					if err != nil {
						t.Fatal(err)
					}
					row := 0
					for _, it := range g.Items[start:end] {
						n := len(it.InputIDs)
						got := x[row*g.HiddenSize : (row+n)*g.HiddenSize]
						d := maxAbsDiff(got, it.hidden)
						if d > 1e-4 {
							t.Errorf("batch %d: item %d (%q): last_hidden_state max abs diff %.3g", bs, it.Index, it.Text, d)
						}
						worst = max(worst, d)
						row += n
					}
				}
				t.Logf("batch size %d: last_hidden_state max abs diff %.3g", bs, worst)
			}
		})
	}
}
