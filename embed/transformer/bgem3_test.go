// bgem3_test.go checks M3 against tiny-bge-m3's goldens (FlagEmbedding's
// dense_vecs, lexical_weights and colbert_vecs on transformers'
// XLMRobertaModel) and every BGE-M3 golden in GANADA_PARITY_EXTRA, its
// scores against a float64 reference computed here from the goldens, and
// the errors of broken heads.

package transformer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

type m3Golden struct {
	Binary string `json:"binary"`
	Items  []struct {
		Text           string               `json:"text"`
		InputText      string               `json:"input_text"`
		PromptName     *string              `json:"prompt_name"`
		DenseVecs      testutil.GoldenArray `json:"dense_vecs"`
		ColBERTVecs    testutil.GoldenArray `json:"colbert_vecs"`
		LexicalWeights struct {
			TokenIDs []int                `json:"token_ids"`
			Weights  testutil.GoldenArray `json:"weights"`
		} `json:"lexical_weights"`

		dense, colbert, lexical []float32
	} `json:"items"`
}

func readM3Golden(t testing.TB, path string) *m3Golden {
	t.Helper()
	g := &m3Golden{}
	if err := testutil.ReadJSON(path, g); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(filepath.Dir(path), g.Binary))
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Items {
		it := &g.Items[i]
		var e1, e2, e3 error
		it.dense, e1 = it.DenseVecs.Floats(bin)
		it.colbert, e2 = it.ColBERTVecs.Floats(bin)
		it.lexical, e3 = it.LexicalWeights.Weights.Floats(bin)
		if err := errors.Join(e1, e2, e3); err != nil {
			t.Fatalf("%s: item %d: %v", path, i, err)
		}
	}
	return g
}

func m3Cases(t *testing.T) [][3]string {
	var cases [][3]string
	if dir, ok := fixtureDir("tiny-bge-m3"); ok {
		cases = append(cases, [3]string{"tiny-bge-m3", dir, filepath.Join(dir, "goldens", "public.json")})
	} else {
		t.Logf("fixture tiny-bge-m3 not found in testdata/ or %s: skipped", sharedModels)
	}
	for _, e := range parityExtra(t) {
		if _, m3 := goldenTask(t, e[1]); m3 {
			cases = append(cases, [3]string{"extra:" + e[0], e[0], e[1]})
		}
	}
	if len(cases) == 0 {
		t.Skip("no BGE-M3 fixture (tiny-bge-m3) and no BGE-M3 golden in GANADA_PARITY_EXTRA")
	}
	return cases
}

func TestM3Parity(t *testing.T) {
	for _, c := range m3Cases(t) {
		t.Run(c[0], func(t *testing.T) {
			g := readM3Golden(t, c[2])
			var texts []string
			var items []int
			for i, it := range g.Items {
				if it.PromptName != nil {
					continue // prompts are not part of FlagEmbedding's M3
				}
				texts = append(texts, it.Text)
				items = append(items, i)
			}
			batchings := [][2]int{{1, 1}, {7, 2}, {16, 1}, {64, 2}}
			if raceEnabled {
				batchings = [][2]int{{7, 2}}
			}
			for _, bw := range batchings {
				x, err := LoadM3(context.Background(), c[1], WithBatchSize(bw[0]), WithWorkers(bw[1]))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				out, err := x.EncodeM3(context.Background(), texts)
				if err != nil {
					t.Fatal(err)
				}
				dense, err := x.Encode(context.Background(), texts)
				if err != nil {
					t.Fatal(err)
				}
				var worstD, worstS, worstC float64
				for i := range texts {
					it := &g.Items[items[i]]
					e := out[i]
					worstD = max(worstD, testutil.MaxAbsDiff(e.Dense, it.dense), testutil.MaxAbsDiff(dense[i], it.dense))
					if !slices.Equal(e.Sparse.IDs, it.LexicalWeights.TokenIDs) {
						t.Errorf("text %d: lexical ids %v, golden %v", i, e.Sparse.IDs, it.LexicalWeights.TokenIDs)
					} else {
						worstS = max(worstS, testutil.MaxAbsDiff(e.Sparse.Weights, it.lexical))
					}
					d := x.ColBERTDim()
					if len(e.ColBERT)*d != len(it.colbert) {
						t.Errorf("text %d: %d ColBERT vectors of %d, golden %d floats", i, len(e.ColBERT), d, len(it.colbert))
						continue
					}
					for k, v := range e.ColBERT {
						worstC = max(worstC, testutil.MaxAbsDiff(v, it.colbert[k*d:(k+1)*d]))
					}
				}
				t.Logf("batch %d, workers %d: worst |dense - golden| %.2g, |lexical| %.2g, |colbert| %.2g", bw[0], bw[1], worstD, worstS, worstC)
				if worstD > 1e-4 || worstS > 1e-4 || worstC > 1e-4 {
					t.Errorf("batch %d, workers %d: dense off by %.3g, lexical weights by %.3g, ColBERT vectors by %.3g; want ≤ 1e-4", bw[0], bw[1], worstD, worstS, worstC)
				}
			}
		})
	}
}

// TestM3Scores checks M3Score and the combinations against FlagEmbedding's
// formulas computed here in float64 from the golden outputs.
func TestM3Scores(t *testing.T) {
	dir := ceFixture(t, "tiny-bge-m3")
	g := readM3Golden(t, filepath.Join(dir, "goldens", "public.json"))
	x, err := LoadM3(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	texts := []string{g.Items[0].Text, g.Items[1].Text, g.Items[5].Text, g.Items[9].Text}
	out, err := x.EncodeM3(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	gi := []int{0, 1, 5, 9}
	d := x.ColBERTDim()
	ref := func(a, b int) (dense, sparse, colbert float64) {
		A, B := &g.Items[gi[a]], &g.Items[gi[b]]
		for i := range A.dense {
			dense += float64(A.dense[i]) * float64(B.dense[i])
		}
		lw := map[int]float64{}
		for k, id := range B.LexicalWeights.TokenIDs {
			lw[id] = float64(B.lexical[k])
		}
		for k, id := range A.LexicalWeights.TokenIDs {
			sparse += float64(A.lexical[k]) * lw[id]
		}
		nq, np := len(A.colbert)/d, len(B.colbert)/d
		for i := 0; i < nq; i++ {
			best := math.Inf(-1)
			for j := 0; j < np; j++ {
				var s float64
				for k := 0; k < d; k++ {
					s += float64(A.colbert[i*d+k]) * float64(B.colbert[j*d+k])
				}
				best = max(best, s)
			}
			colbert += best
		}
		return dense, sparse, colbert / float64(nq)
	}
	w := M3Weights{Dense: 0.4, Sparse: 0.2, ColBERT: 0.4}
	rr, err := x.Reranker(w)
	if err != nil {
		t.Fatal(err)
	}
	reranked, err := rr.Rerank(context.Background(), texts[0], texts[1:])
	if err != nil {
		t.Fatal(err)
	}
	for a := range texts {
		for b := range texts {
			s := M3Score(out[a], out[b])
			dn, sp, cb := ref(a, b)
			if math.Abs(float64(s.Dense)-dn) > 1e-4 || math.Abs(float64(s.Sparse)-sp) > 1e-4 || math.Abs(float64(s.ColBERT)-cb) > 1e-4 {
				t.Errorf("texts %d, %d: scores %+v, reference %g %g %g", a, b, s, dn, sp, cb)
			}
			all := (0.4*dn + 0.2*sp + 0.4*cb) / 1.0
			if math.Abs(float64(s.Combined(w))-all) > 1e-4 {
				t.Errorf("texts %d, %d: combined %g, reference %g", a, b, s.Combined(w), all)
			}
			if sd := (0.4*dn + 0.2*sp) / 0.6; math.Abs(float64(s.SparseDense(w))-sd) > 1e-4 {
				t.Errorf("texts %d, %d: sparse+dense %g, reference %g", a, b, s.SparseDense(w), sd)
			}
			if eq := (dn + sp + cb) / 3; math.Abs(float64(s.Combined(DefaultM3Weights))-eq) > 1e-4 {
				t.Errorf("texts %d, %d: default combined %g, reference %g", a, b, s.Combined(DefaultM3Weights), eq)
			}
			if a == 0 && b > 0 && math.Abs(float64(reranked[b-1])-all) > 1e-4 {
				t.Errorf("Rerank of text %d: %g, reference %g", b, reranked[b-1], all)
			}
		}
	}
	for _, bad := range []M3Weights{{Dense: 0, Sparse: 0, ColBERT: 0}, {Dense: -1, Sparse: 1, ColBERT: 1}, {Dense: float32(math.NaN()), Sparse: 1, ColBERT: 1}, {Dense: float32(math.Inf(1)), Sparse: 0, ColBERT: 0}} {
		if _, err := x.Reranker(bad); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Reranker(%+v): %v, want ErrInvalidInput", bad, err)
		}
	}
}

func TestM3BadHeads(t *testing.T) {
	src := ceFixture(t, "tiny-bge-m3")
	for _, c := range []struct {
		name  string
		edit  func(t *testing.T, dir string)
		err   error
		words []string
	}{
		{"a .pt head calling os.system", func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "colbert_linear.safetensors"))
			evil, err := os.ReadFile(filepath.Join("..", "pytorch", "testdata", "hostile", "os_system.pt"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(d, "colbert_linear.pt"), evil, 0o644)
		}, errs.ErrUnsupported, []string{"colbert_linear.pt", "system"}},
		{"no sparse head at all", func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "sparse_linear.safetensors"))
			os.Remove(filepath.Join(d, "sparse_linear.pt"))
		}, errs.ErrCorrupt, []string{"sparse_linear.safetensors"}},
		{"colbert of the wrong width", func(t *testing.T, d string) {
			rewriteTensors(t, filepath.Join(d, "colbert_linear.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "weight" {
					return []int{shape[0] * 2, shape[1] / 2}, v
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"colbert_linear.safetensors", `"weight"`, "hidden_size"}},
		{"colbert bias missing", func(t *testing.T, d string) {
			rewriteTensors(t, filepath.Join(d, "colbert_linear.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "bias" {
					return nil, nil
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"colbert_linear.safetensors", "bias"}},
		{"sparse weight of two rows", func(t *testing.T, d string) {
			rewriteTensors(t, filepath.Join(d, "sparse_linear.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "weight" {
					return []int{2, shape[1]}, append(slices.Clone(v), v...)
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"sparse_linear.safetensors", `"weight"`}},
		{"infinite sparse bias", func(t *testing.T, d string) {
			rewriteTensors(t, filepath.Join(d, "sparse_linear.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "bias" {
					return shape, []float32{float32(math.Inf(1))}
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"sparse_linear.safetensors", "non-finite"}},
		{"unknown pad token", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "special_tokens_map.json"), func(m map[string]any) { m["pad_token"] = "<nothing-like-this>" })
		}, errs.ErrCorrupt, []string{"special_tokens_map.json", "pad_token"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, src)
			c.edit(t, dir)
			x, err := LoadM3(context.Background(), dir)
			if err == nil {
				x.Close()
				t.Fatal("loaded")
			}
			if !errors.Is(err, c.err) {
				t.Errorf("%v: want %v", err, c.err)
			}
			for _, w := range c.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v: does not say %s", err, w)
				}
			}
		})
	}
}

// TestM3PyTorchHeads: FlagEmbedding's own colbert_linear.pt and
// sparse_linear.pt, read through embed/pytorch, give the same outputs as
// their safetensors copies.
func TestM3PyTorchHeads(t *testing.T) {
	src := ceFixture(t, "tiny-bge-m3")
	dir := copyDir(t, src)
	os.Remove(filepath.Join(dir, "colbert_linear.safetensors"))
	os.Remove(filepath.Join(dir, "sparse_linear.safetensors"))
	texts := []string{"What is BGE M3?", "서울의 인구는 약 940만 명이다.", "Defination of BM25"}
	encode := func(d string) []M3Embedding {
		x, err := LoadM3(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		out, err := x.EncodeM3(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got, want := encode(dir), encode(src)
	if !reflect.DeepEqual(got, want) {
		t.Error("outputs with the .pt heads differ from those with the safetensors heads")
	}
}
