// This file checks Mean and CLS pooling against goldens produced by
// Hugging Face transformers with sentence-transformers' pooling maths
// (testdata/README.md says where they come from).

package pool

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
	"github.com/ganada/ganada/similarity"
)

type goldenSet struct {
	HiddenSize int    `json:"hidden_size"`
	Pooling    string `json:"pooling"`
	Items      []struct {
		Index           int                  `json:"index"`
		NumTokens       int                  `json:"num_tokens"`
		Tokens          []string             `json:"tokens"`
		AttentionMask   []int                `json:"attention_mask"`
		LastHiddenState testutil.GoldenArray `json:"last_hidden_state"`
		Pooled          testutil.GoldenArray `json:"pooled"`
		Normalized      testutil.GoldenArray `json:"normalized"`
	} `json:"items"`
	bin []byte
}

func (g *goldenSet) floats(t *testing.T, a testutil.GoldenArray) []float32 {
	t.Helper()
	v, err := a.Floats(g.bin)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// loadGolden reads a golden set: jsonPath may be gzip-compressed.
func loadGolden(t *testing.T, jsonPath, binPath string) *goldenSet {
	t.Helper()
	var g goldenSet
	if err := testutil.ReadJSON(jsonPath, &g); err != nil {
		t.Fatal(err)
	}
	var err error
	if g.bin, err = os.ReadFile(binPath); err != nil {
		t.Fatal(err)
	}
	return &g
}

// checkGoldenSet pools every item's last_hidden_state and compares with the
// golden pooled and normalized vectors.
func checkGoldenSet(t *testing.T, g *goldenSet) {
	if g.Pooling != "mean" {
		t.Fatalf("golden pooling %q, this test expects mean", g.Pooling)
	}
	dim := g.HiddenSize
	mean := Config{Modes: Mean, IncludePrompt: true, Dim: dim}
	cls := Config{Modes: CLS, IncludePrompt: true}
	worst, worstNorm := 0.0, 0.0
	for _, it := range g.Items {
		h := g.floats(t, it.LastHiddenState)
		if len(h) != it.NumTokens*dim {
			t.Fatalf("item %d: %d hidden values for %d tokens", it.Index, len(h), it.NumTokens)
		}
		want := g.floats(t, it.Pooled)
		got := make([]float32, dim)
		if err := mean.Pool(got, h, nil, dim, 0); err != nil {
			t.Fatalf("item %d: %v", it.Index, err)
		}
		d := testutil.MaxAbsDiff(got, want)
		worst = math.Max(worst, d)
		if d > 2e-6 {
			t.Errorf("item %d (%d tokens): mean differs from golden by %g", it.Index, it.NumTokens, d)
		}

		// The same text right-padded to a longer batch, with garbage in
		// the padding rows, must pool to exactly the same vector.
		pad := 5 + it.Index%7
		hp := append(append([]float32(nil), h...), make([]float32, pad*dim)...)
		for i := len(h); i < len(hp); i++ {
			hp[i] = float32(1000 + i%13)
		}
		mask := make([]int, it.NumTokens+pad)
		copy(mask, it.AttentionMask)
		for i := 0; i < it.NumTokens; i++ {
			mask[i] = 1
		}
		gotPadded := make([]float32, dim)
		if err := mean.Pool(gotPadded, hp, mask, dim, 0); err != nil {
			t.Fatal(err)
		}
		if testutil.MaxAbsDiff(gotPadded, got) != 0 {
			t.Errorf("item %d: padding changed the mean", it.Index)
		}

		// CLS: the first row, which is the [CLS] / <s> token.
		if tok := it.Tokens[0]; tok != "[CLS]" && tok != "<s>" {
			t.Fatalf("item %d: first token %q", it.Index, tok)
		}
		if err := cls.Pool(got, hp, mask, dim, 0); err != nil {
			t.Fatal(err)
		}
		if testutil.MaxAbsDiff(got, h[:dim]) != 0 {
			t.Errorf("item %d: CLS is not the first row", it.Index)
		}

		// Normalize module: F.normalize of the pooled vector.
		if it.Normalized.Shape != nil {
			n := append([]float32(nil), want...)
			if err := similarity.Normalize(n); err != nil {
				t.Fatal(err)
			}
			dn := testutil.MaxAbsDiff(n, g.floats(t, it.Normalized))
			worstNorm = math.Max(worstNorm, dn)
			if dn > 1e-6 {
				t.Errorf("item %d: normalized differs by %g", it.Index, dn)
			}
		}
	}
	t.Logf("%d items, dim %d: max |mean - golden| = %.3g, max |normalize(golden pooled) - golden normalized| = %.3g", len(g.Items), dim, worst, worstNorm)
}

func TestGoldens(t *testing.T) {
	for _, m := range []string{"tiny-bert", "tiny-xlmr"} {
		t.Run(m, func(t *testing.T) {
			g := loadGolden(t, filepath.Join("testdata", "goldens", m+".json.gz"), filepath.Join("testdata", "goldens", m+".bin"))
			checkGoldenSet(t, g)
		})
	}
}

// TestSharedGoldens runs the same check on the 384-dimensional
// minilm-l6-shape goldens, which are too large to copy into testdata.
func TestSharedGoldens(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "fixtures", "models", "minilm-l6-shape", "goldens")
	if _, err := os.Stat(filepath.Join(dir, "public.json")); err != nil {
		t.Skipf("fixture ../shared/fixtures/models/minilm-l6-shape/goldens not present: %v", err)
	}
	g := loadGolden(t, filepath.Join(dir, "public.json"), filepath.Join(dir, "public.bin"))
	checkGoldenSet(t, g)
}
