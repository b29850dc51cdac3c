// Tests of LoadStaticEmbedding against sentence-transformers' arithmetic:
// testdata/st-static and its expected.json were made with PyTorch by
// testdata/gen_st_static.py (torch.nn.EmbeddingBag(mode="mean") and
// normalize over the token ids Hugging Face tokenizers gave for the
// shared unigram-ko goldens).

package static

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/pytorch"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/matryoshka"
)

var sharedTokenizers = filepath.Join("..", "..", "..", "shared", "fixtures", "tokenizers", "unigram-ko")

// stFolder copies testdata/st-static into a temporary folder with the
// shared unigram-ko tokenizer.json in its module folder.
func stFolder(t *testing.T) string {
	t.Helper()
	tj, err := os.ReadFile(filepath.Join(sharedTokenizers, "tokenizer.json"))
	if err != nil {
		t.Skipf("shared fixture %s absent: %v", sharedTokenizers, err)
	}
	dir := t.TempDir()
	sub := filepath.Join(dir, "0_StaticEmbedding")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"modules.json", "config_sentence_transformers.json", "0_StaticEmbedding/pytorch_model.bin"} {
		b, err := os.ReadFile(filepath.Join("testdata", "st-static", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(sub, "tokenizer.json"), tj, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// stExpected returns the golden texts and the vectors PyTorch computed.
func stExpected(t *testing.T) ([]string, [][]float64) {
	var exp struct {
		IDs        []string    `json:"ids"`
		Embeddings [][]float64 `json:"embeddings"`
	}
	b, err := os.ReadFile(filepath.Join("testdata", "st-static", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	fh, err := os.Open(filepath.Join(sharedTokenizers, "golden.jsonl"))
	if err != nil {
		t.Skipf("shared fixture absent: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		texts[r.ID] = r.Text
	}
	out := make([]string, len(exp.IDs))
	for i, id := range exp.IDs {
		s, ok := texts[id]
		if !ok {
			t.Fatalf("golden %s not in golden.jsonl", id)
		}
		out[i] = s
	}
	if len(out) != 400 || len(exp.Embeddings) != 400 {
		t.Fatalf("%d texts, %d embeddings", len(out), len(exp.Embeddings))
	}
	return out, exp.Embeddings
}

func checkST(t *testing.T, m *Model, texts []string, want [][]float64) {
	t.Helper()
	got, err := m.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range want {
		for j := range want[i] {
			d := math.Abs(float64(got[i][j]) - want[i][j])
			worst = max(worst, d)
			if d > 1e-6 {
				t.Fatalf("text %d %.40q: dim %d = %v, sentence-transformers' arithmetic (float64) gives %v", i, texts[i], j, got[i][j], want[i][j])
			}
		}
	}
	t.Logf("%d texts, max |diff| %.2g", len(texts), worst)
}

// TestStaticEmbedding loads the pytorch_model.bin layout (through Load's
// detection, too) and the same weights converted to model.safetensors. Of
// the 400 texts, 84 have unknown tokens and 19 more than 512 tokens, where
// Model2Vec's encoding (unknown tokens dropped, 512 kept) would differ.
func TestStaticEmbedding(t *testing.T) {
	ctx := context.Background()
	dir := stFolder(t)
	texts, want := stExpected(t)
	m, err := LoadStaticEmbedding(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 4 || !m.Identity().Normalized {
		t.Fatalf("dim %d normalized %v, want 4 and true (modules.json has Normalize)", m.Dim(), m.Identity().Normalized)
	}
	checkST(t, m, texts, want)

	if m, err = Load(ctx, dir); err != nil {
		t.Fatal(err)
	}
	checkST(t, m, texts, want)

	sub := filepath.Join(dir, "0_StaticEmbedding")
	if err := pytorch.ConvertFile(ctx, filepath.Join(sub, "pytorch_model.bin"), filepath.Join(sub, "model.safetensors")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(sub, "pytorch_model.bin")); err != nil {
		t.Fatal(err)
	}
	if m, err = LoadStaticEmbedding(ctx, dir); err != nil {
		t.Fatal(err)
	}
	checkST(t, m, texts, want)
}

// TestStaticEmbeddingFolders checks bad folders: each error names what is
// wrong and wraps the right sentinel.
func TestStaticEmbeddingFolders(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		modules string
		edit    func(dir string)
		want    error
		words   string
	}{
		{"dense module", `[{"idx":0,"path":"0_StaticEmbedding","type":"sentence_transformers.models.StaticEmbedding"},{"idx":1,"path":"1_Dense","type":"sentence_transformers.models.Dense"}]`, nil, errs.ErrUnsupported, "models.Dense"},
		{"path outside", `[{"idx":0,"path":"../0_StaticEmbedding","type":"sentence_transformers.models.StaticEmbedding"}]`, nil, errs.ErrCorrupt, "not a folder inside"},
		{"first module", `[{"idx":0,"path":"","type":"sentence_transformers.models.Transformer"}]`, nil, errs.ErrCorrupt, "first module"},
		{"bad json", `[{`, nil, errs.ErrCorrupt, "modules.json"},
		{"no weights", "", func(dir string) { os.Remove(filepath.Join(dir, "0_StaticEmbedding", "pytorch_model.bin")) }, errs.ErrCorrupt, "no model.safetensors nor pytorch_model.bin"},
		{"hostile pickle", "", func(dir string) {
			b, _ := os.ReadFile(filepath.Join("..", "pytorch", "testdata", "hostile", "os_system.pt"))
			os.WriteFile(filepath.Join(dir, "0_StaticEmbedding", "pytorch_model.bin"), b, 0o644)
		}, errs.ErrUnsupported, "system"},
		{"wrong tensor", "", func(dir string) {
			b, _ := os.ReadFile(filepath.Join("..", "pytorch", "testdata", "module.pt"))
			os.WriteFile(filepath.Join(dir, "0_StaticEmbedding", "pytorch_model.bin"), b, 0o644)
		}, errs.ErrCorrupt, `no "embedding.weight" tensor`},
	}
	for _, c := range cases {
		dir := stFolder(t)
		if c.modules != "" {
			os.WriteFile(filepath.Join(dir, "modules.json"), []byte(c.modules), 0o644)
		}
		if c.edit != nil {
			c.edit(dir)
		}
		_, err := LoadStaticEmbedding(ctx, dir)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.words) || !strings.Contains(err.Error(), dir) {
			t.Errorf("%s: %v, want %v saying %q and the folder", c.name, err, c.want, c.words)
		}
	}
}

// ExampleLoadStaticEmbedding loads a sentence-transformers StaticEmbedding
// model (such as a local copy of
// sentence-transformers/static-retrieval-mrl-en-v1) and keeps the first
// 256 of its Matryoshka-trained dimensions.
func ExampleLoadStaticEmbedding() {
	ctx := context.Background()
	m, err := LoadStaticEmbedding(ctx, "/models/static-retrieval-mrl-en-v1")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := m.Encode(ctx, []string{"What are Pandas?"})
	if err != nil {
		fmt.Println(err)
		return
	}
	short, err := matryoshka.Truncate(v[0], 256)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(short))
}
