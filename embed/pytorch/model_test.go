// model_test.go checks whole models' pytorch_model.bin files, which are
// too large to commit: testdata/gen_model_bin.py writes them with torch
// from the shared fixtures' model.safetensors into a folder named by
// GANADA_PYTORCH_BINS. Every tensor must equal the safetensors original
// (F32 exactly, F16 within its rounding), and a model folder whose
// weights are converted by ConvertFile must give transformer.Load the same
// embeddings as the original folder.

package pytorch_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/embed/pytorch"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/transformer"
)

var fixtures = filepath.Join("..", "..", "..", "shared", "fixtures", "models")

func binsDir(t *testing.T) string {
	d := os.Getenv("GANADA_PYTORCH_BINS")
	if d == "" {
		t.Skip("GANADA_PYTORCH_BINS not set: run testdata/gen_model_bin.py DIR ../shared/fixtures/models/{tiny-bert,tiny-xlmr} and set it to DIR")
	}
	return d
}

func TestModelBin(t *testing.T) {
	bins := binsDir(t)
	ctx := context.Background()
	for _, model := range []string{"tiny-bert", "tiny-xlmr", "minilm-l6-shape"} {
		for _, variant := range []string{"", "-fp16"} {
			bin := filepath.Join(bins, model+variant, "pytorch_model.bin")
			if _, err := os.Stat(bin); err != nil {
				t.Logf("%s absent, skipped", bin)
				continue
			}
			f, err := pytorch.Open(ctx, bin)
			if err != nil {
				t.Fatal(err)
			}
			st, err := safetensors.Open(filepath.Join(fixtures, model, "model.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Names()) != len(st.Names()) {
				t.Fatalf("%s: %d tensors, safetensors has %d", bin, len(f.Names()), len(st.Names()))
			}
			worst := 0.0
			for _, n := range st.Names() {
				a, err := f.Tensor(n)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := st.Tensor(n)
				if len(a.Shape) != len(b.Shape) || a.Len() != b.Len() {
					t.Fatalf("%s %s: shape %v, safetensors %v", bin, n, a.Shape, b.Shape)
				}
				if a.DType != b.DType && !(variant == "-fp16" && b.DType == safetensors.F32 && a.DType == safetensors.F16) {
					t.Fatalf("%s %s: dtype %s, safetensors %s", bin, n, a.DType, b.DType)
				}
				exact := a.DType == b.DType
				if _, err := st.Float32s(n); err != nil {
					continue // integer buffers (position_ids)
				}
				x, err := f.Float32s(n)
				if err != nil {
					t.Fatal(err)
				}
				y, _ := st.Float32s(n)
				for i := range y {
					d := math.Abs(float64(x[i]) - float64(y[i]))
					if exact && d != 0 || d > math.Abs(float64(y[i]))/1024+6e-8 {
						t.Fatalf("%s %s[%d] = %v, safetensors %v", bin, n, i, x[i], y[i])
					}
					worst = max(worst, d)
				}
			}
			t.Logf("%s: %d tensors equal to model.safetensors (max |diff| %.2g)", bin, len(st.Names()), worst)
			f.Close()
			st.Close()
		}
	}
}

// TestTransformerFromBin converts pytorch_model.bin into model.safetensors
// in a copy of the model folder and compares the embeddings with the
// original folder's: the wiring embed/transformer needs for folders that
// have only PyTorch weights.
func TestTransformerFromBin(t *testing.T) {
	bins := binsDir(t)
	ctx := context.Background()
	texts := []string{"hello world", "a longer sentence about sentence embeddings", "한국어 문장"}
	for _, model := range []string{"tiny-bert", "tiny-xlmr"} {
		bin := filepath.Join(bins, model, "pytorch_model.bin")
		if _, err := os.Stat(bin); err != nil {
			t.Logf("%s absent, skipped", bin)
			continue
		}
		src := filepath.Join(fixtures, model)
		dir := t.TempDir()
		copyFolder(t, src, dir)
		if err := os.Remove(filepath.Join(dir, "model.safetensors")); err != nil {
			t.Fatal(err)
		}
		if err := pytorch.ConvertFile(ctx, bin, filepath.Join(dir, "model.safetensors")); err != nil {
			t.Fatal(err)
		}
		want := encode(t, src, texts)
		got := encode(t, dir, texts)
		for i := range want {
			for j := range want[i] {
				if want[i][j] != got[i][j] {
					t.Fatalf("%s: text %d dim %d: %v from pytorch_model.bin, %v from model.safetensors", model, i, j, got[i][j], want[i][j])
				}
			}
		}
		t.Logf("%s: embeddings from the converted pytorch_model.bin equal the original's", model)
	}
}

func encode(t *testing.T, dir string, texts []string) [][]float32 {
	m, err := transformer.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	v, err := m.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// copyFolder copies the regular files of src (one level of subfolders)
// into dst, leaving out the ONNX export and goldens.
func copyFolder(t *testing.T, src, dst string) {
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == "goldens" || filepath.Ext(e.Name()) == ".onnx" {
			continue
		}
		if e.IsDir() {
			if err := os.MkdirAll(filepath.Join(dst, e.Name()), 0o755); err != nil {
				t.Fatal(err)
			}
			copyFolder(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
