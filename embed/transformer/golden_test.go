// golden_test.go reads the fixtures' golden files (ganada-golden-v1):
// texts, token ids and reference outputs from HF transformers.

package transformer

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

type goldenItem struct {
	Index           int                  `json:"index"`
	Text            string               `json:"text"`
	PromptName      string               `json:"prompt_name"` // "" for none (null)
	InputText       string               `json:"input_text"`
	Batch           int                  `json:"batch"`
	NumTokens       int                  `json:"num_tokens"`
	InputIDs        []int                `json:"input_ids"`
	TokenTypeIDs    []int                `json:"token_type_ids"`
	LastHiddenState testutil.GoldenArray `json:"last_hidden_state"`
	Pooled          testutil.GoldenArray `json:"pooled"`
	Normalized      testutil.GoldenArray `json:"normalized"`

	hidden, pooled, normalized []float32
}

type golden struct {
	Model             string `json:"model"`
	HiddenSize        int    `json:"hidden_size"`
	MaxSeqLength      int    `json:"max_seq_length"`
	WeightsFile       string `json:"weights_file"`
	SentenceEmbedding string `json:"sentence_embedding"`
	Binary            string `json:"binary"`
	Items             []goldenItem

	dir string
}

// sentence returns what SentenceTransformer.encode returns for the item.
func (g *golden) sentence(it *goldenItem) []float32 {
	if g.SentenceEmbedding == "normalized" {
		return it.normalized
	}
	return it.pooled
}

// sharedModels is the shared fixture folder, relative to this package.
const sharedModels = "../../../shared/fixtures/models"

// modelDir returns the folder of a fixture model: testdata for the tiny
// ones, ../shared for the others (skipping the test when absent).
func modelDir(t testing.TB, name string) string {
	t.Helper()
	local := filepath.Join("testdata", name)
	if _, err := os.Stat(local); err == nil {
		return local
	}
	shared := filepath.Join(sharedModels, name)
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("fixture %s not found (looked in testdata/ and %s)", name, sharedModels)
	}
	return shared
}

func loadGolden(t testing.TB, model, set string) *golden {
	t.Helper()
	dir := modelDir(t, model)
	return loadGoldenFile(t, dir, filepath.Join(dir, "goldens", set+".json"))
}

// loadGoldenFile reads the golden JSON at path (its binary beside it) for
// the model folder dir.
func loadGoldenFile(t testing.TB, dir, path string) *golden {
	t.Helper()
	g := &golden{dir: dir}
	if err := testutil.ReadJSON(path, g); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(filepath.Dir(path), g.Binary))
	if err != nil {
		t.Fatal(err)
	}
	read := func(a testutil.GoldenArray) []float32 {
		v, err := a.Floats(bin)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		return v
	}
	for i := range g.Items {
		it := &g.Items[i]
		it.hidden = read(it.LastHiddenState)
		it.pooled = read(it.Pooled)
		it.normalized = read(it.Normalized)
	}
	return g
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}
