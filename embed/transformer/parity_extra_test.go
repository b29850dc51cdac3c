// parity_extra_test.go checks golden sets made outside this repository:
// GANADA_PARITY_EXTRA lists "MODEL_DIR GOLDEN_JSON" pairs, space-separated
// (the ganada-golden-v1 format of the fixtures; the binary beside the
// JSON). Each model is checked like the fixtures: the forward pass on the
// golden's own token ids (EncodeTokenIDs), then Load + Encode and
// EncodeTokens end to end (with the named prompts of prompted items).

package transformer

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

func TestParityExtra(t *testing.T) {
	env := os.Getenv("GANADA_PARITY_EXTRA")
	f := strings.Fields(env)
	if len(f) == 0 {
		t.Skip("GANADA_PARITY_EXTRA not set (MODEL_DIR GOLDEN_JSON pairs, space-separated)")
	}
	if len(f)%2 != 0 {
		t.Fatalf("GANADA_PARITY_EXTRA=%q: want MODEL_DIR GOLDEN_JSON pairs, got %d fields", env, len(f))
	}
	for i := 0; i < len(f); i += 2 {
		dir, path := f[i], f[i+1]
		t.Run(dir+"|"+path, func(t *testing.T) {
			if _, err := os.Stat(dir); err != nil {
				t.Fatal(err)
			}
			g := loadGoldenFile(t, dir, path)
			m, err := Load(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([][]int, len(g.Items))
			for i, it := range g.Items {
				ids[i] = it.InputIDs
			}
			toks, err := m.EncodeTokenIDs(context.Background(), ids)
			m.Close()
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i, it := range g.Items {
				var flat []float32
				for _, r := range toks[i] {
					flat = append(flat, r...)
				}
				d := testutil.MaxAbsDiff(flat, it.hidden)
				if d > 1e-4 {
					t.Errorf("item %d (%q): forward on the golden's ids: last_hidden_state max abs diff %.3g", it.Index, it.Text, d)
				}
				worst = math.Max(worst, d)
			}
			t.Logf("forward on the golden's ids: last_hidden_state max abs diff %.3g over %d items", worst, len(g.Items))
			encodeParity(t, g, parityConfig{batchings: [][2]int{{1, 1}, {16, 2}}, tokens: true})
		})
	}
}
