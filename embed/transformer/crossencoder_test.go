// crossencoder_test.go checks CrossEncoder against the cross-encoder
// goldens (transformers' BertForSequenceClassification and
// XLMRobertaForSequenceClassification, sentence-transformers' sigmoid):
// pair token ids, logits and scores at several batchings, plus every
// cross-encoder golden listed in GANADA_PARITY_EXTRA, and the errors of
// broken folders.

package transformer

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// ceGolden is a golden set of task "cross-encoder".
type ceGolden struct {
	Task      string `json:"task"`
	NumLabels int    `json:"num_labels"`
	Binary    string `json:"binary"`
	Items     []struct {
		Index        int                  `json:"index"`
		Text         string               `json:"text"`
		TextPair     string               `json:"text_pair"`
		InputIDs     []int                `json:"input_ids"`
		TokenTypeIDs []int                `json:"token_type_ids"`
		Logits       testutil.GoldenArray `json:"logits"`
		Score        testutil.GoldenArray `json:"score"`

		logits, score []float32
	} `json:"items"`
}

func readCEGolden(t testing.TB, path string) *ceGolden {
	t.Helper()
	g := &ceGolden{}
	if err := testutil.ReadJSON(path, g); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(filepath.Dir(path), g.Binary))
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Items {
		it := &g.Items[i]
		if it.logits, err = it.Logits.Floats(bin); err != nil {
			t.Fatalf("%s: item %d logits: %v", path, i, err)
		}
		if it.score, err = it.Score.Floats(bin); err != nil {
			t.Fatalf("%s: item %d score: %v", path, i, err)
		}
	}
	return g
}

// goldenTask reads only the "task" and "bge_m3" fields of a golden JSON,
// to dispatch GANADA_PARITY_EXTRA's entries.
func goldenTask(t testing.TB, path string) (task string, m3 bool) {
	t.Helper()
	var head struct {
		Task  string          `json:"task"`
		BGEM3 json.RawMessage `json:"bge_m3"`
	}
	if err := testutil.ReadJSON(path, &head); err != nil {
		t.Fatal(err)
	}
	return head.Task, head.BGEM3 != nil
}

// parityExtra returns GANADA_PARITY_EXTRA's (model folder, golden JSON)
// pairs.
func parityExtra(t testing.TB) [][2]string {
	f := strings.Fields(os.Getenv("GANADA_PARITY_EXTRA"))
	if len(f)%2 != 0 {
		t.Fatalf("GANADA_PARITY_EXTRA: %d fields, want MODEL_DIR GOLDEN_JSON pairs", len(f))
	}
	var out [][2]string
	for i := 0; i < len(f); i += 2 {
		out = append(out, [2]string{f[i], f[i+1]})
	}
	return out
}

func TestCrossEncoderParity(t *testing.T) {
	type tc struct{ name, dir, golden string }
	var cases []tc
	for _, m := range []string{"tiny-bert-ce", "tiny-xlmr-ce"} {
		dir, ok := fixtureDir(m)
		if !ok {
			t.Logf("fixture %s not found in testdata/ or %s: skipped", m, sharedModels)
			continue
		}
		cases = append(cases, tc{m, dir, filepath.Join(dir, "goldens", "public.json")})
	}
	for _, e := range parityExtra(t) {
		if task, _ := goldenTask(t, e[1]); task != "cross-encoder" {
			continue
		}
		cases = append(cases, tc{"extra:" + e[0], e[0], e[1]})
	}
	if len(cases) == 0 {
		t.Skip("no cross-encoder fixture (tiny-bert-ce, tiny-xlmr-ce) and no cross-encoder golden in GANADA_PARITY_EXTRA")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := readCEGolden(t, c.golden)
			pairs := make([]Pair, len(g.Items))
			for i, it := range g.Items {
				pairs[i] = Pair{it.Text, it.TextPair}
			}
			batchings := [][2]int{{1, 1}, {5, 2}, {16, 1}, {64, 2}}
			if raceEnabled {
				batchings = [][2]int{{5, 2}}
			}
			for _, bw := range batchings {
				ce, err := LoadCrossEncoder(context.Background(), c.dir, WithBatchSize(bw[0]), WithWorkers(bw[1]))
				if err != nil {
					t.Fatal(err)
				}
				defer ce.Close()
				if g.NumLabels != 0 && ce.NumLabels() != g.NumLabels {
					t.Fatalf("NumLabels %d, golden %d", ce.NumLabels(), g.NumLabels)
				}
				// The pair encoding first.
				if bw[0] == 1 {
					bad := 0
					for i, it := range g.Items {
						enc, err := ce.Tokenizer().EncodePair(pyStrip(it.Text), pyStrip(it.TextPair), true)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(enc.IDs, it.InputIDs) || ce.types && !slices.Equal(enc.TypeIDs, it.TokenTypeIDs) {
							if bad++; bad <= 3 {
								t.Errorf("pair %d: ids %v types %v, golden %v %v", i, enc.IDs, enc.TypeIDs, it.InputIDs, it.TokenTypeIDs)
							}
						}
					}
					if bad > 0 {
						t.Errorf("%d of %d pair encodings differ from the golden", bad, len(g.Items))
					}
				}
				logits, err := ce.Logits(context.Background(), pairs)
				if err != nil {
					t.Fatal(err)
				}
				scores, err := ce.Predict(context.Background(), pairs)
				if err != nil {
					t.Fatal(err)
				}
				worstL, worstS, at := 0.0, 0.0, -1
				for i, it := range g.Items {
					if d := testutil.MaxAbsDiff(logits[i], it.logits); d > worstL {
						worstL, at = d, i
					}
					worstS = max(worstS, testutil.MaxAbsDiff(scores[i], it.score))
				}
				t.Logf("batch %d, workers %d: worst |logit - golden| %.2g (pair %d), |score - golden| %.2g", bw[0], bw[1], worstL, at, worstS)
				if worstL > 1e-4 || worstS > 1e-4 {
					t.Errorf("batch %d, workers %d: logits off by %.3g (pair %d), scores by %.3g; want ≤ 1e-4", bw[0], bw[1], worstL, at, worstS)
				}
				// Rerank gives Predict's scores of (query, passage) pairs.
				if ce.NumLabels() == 1 && bw[0] == 16 {
					q := g.Items[0].Text
					var ps []string
					var want []float32
					for _, it := range g.Items {
						if it.Text == q {
							ps = append(ps, it.TextPair)
							want = append(want, it.score[0])
						}
					}
					got, err := ce.Rerank(context.Background(), q, ps)
					if err != nil {
						t.Fatal(err)
					}
					if d := testutil.MaxAbsDiff(got, want); d > 1e-4 {
						t.Errorf("Rerank: off by %.3g", d)
					}
				}
			}
		})
	}
}

// TestCrossEncoderTwoLabels runs a two-label copy of tiny-bert-ce
// (num_labels > 1: identity activation, labels from id2label).
func TestCrossEncoderTwoLabels(t *testing.T) {
	src := ceFixture(t, "tiny-bert-ce")
	dir := copyDir(t, src)
	// Two labels: a second classifier row equal to the first, with the
	// bias plus 1, so that label 1 is the golden logit plus 1.
	rewriteTensors(t, filepath.Join(dir, "model.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
		switch name {
		case "classifier.weight":
			return []int{2, shape[1]}, append(slices.Clone(v), v...)
		case "classifier.bias":
			return []int{2}, []float32{v[0], v[0] + 1}
		}
		return shape, v
	})
	editConfig(t, dir, func(c map[string]any) {
		c["id2label"] = map[string]any{"0": "no", "1": "yes"}
		delete(c, "label2id")
	})
	ce, err := LoadCrossEncoder(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	if got := ce.Labels(); !slices.Equal(got, []string{"no", "yes"}) || ce.Activation() != "identity" {
		t.Fatalf("labels %v, activation %s; want [no yes], identity", got, ce.Activation())
	}
	one, err := LoadCrossEncoder(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	g := readCEGolden(t, filepath.Join(src, "goldens", "public.json"))
	pairs := []Pair{{g.Items[0].Text, g.Items[0].TextPair}, {g.Items[7].Text, g.Items[7].TextPair}}
	two, err := ce.Predict(context.Background(), pairs)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range two {
		want := float64(g.Items[[]int{0, 7}[i]].logits[0])
		if math.Abs(float64(p[0])-want) > 1e-4 || math.Abs(float64(p[1])-want-1) > 1e-4 {
			t.Errorf("pair %d: labels %v, want the golden logit %g and it plus 1", i, p, want)
		}
	}
	if _, err := ce.Rerank(context.Background(), "q", []string{"p"}); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("Rerank with two labels: %v, want ErrUnsupported", err)
	}
}

func TestCrossEncoderActivationConfig(t *testing.T) {
	src := ceFixture(t, "tiny-xlmr-ce")
	g := readCEGolden(t, filepath.Join(src, "goldens", "public.json"))
	pairs := []Pair{{g.Items[3].Text, g.Items[3].TextPair}}
	for _, c := range []struct {
		edit func(map[string]any)
		act  string
		want func(logit float64) float64
		err  error
	}{
		{func(c map[string]any) {
			c["sentence_transformers"] = map[string]any{"activation_fn": torchIdentity}
		}, "identity", func(x float64) float64 { return x }, nil},
		{func(c map[string]any) { c["sbert_ce_default_activation_function"] = torchTanh }, "tanh", math.Tanh, nil},
		{func(c map[string]any) {
			c["sentence_transformers"] = map[string]any{"activation_fn": "my_module.Custom"}
		}, "sigmoid", func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, nil},
		{func(c map[string]any) {
			c["sentence_transformers"] = map[string]any{"activation_fn": "torch.nn.modules.activation.GELU"}
		}, "", nil, errs.ErrUnsupported},
	} {
		dir := copyDir(t, src)
		editConfig(t, dir, c.edit)
		ce, err := LoadCrossEncoder(context.Background(), dir)
		if c.err != nil {
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), "config.json") {
				t.Errorf("%s: %v, want %v naming config.json", c.act, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if ce.Activation() != c.act {
			t.Errorf("activation %s, want %s", ce.Activation(), c.act)
		}
		got, err := ce.Predict(context.Background(), pairs)
		if err != nil {
			t.Fatal(err)
		}
		if want := c.want(float64(g.Items[3].logits[0])); math.Abs(float64(got[0][0])-want) > 1e-4 {
			t.Errorf("%s: %g, want %g", c.act, got[0][0], want)
		}
		ce.Close()
	}
}

func TestCrossEncoderBadFolders(t *testing.T) {
	src := ceFixture(t, "tiny-bert-ce")
	xsrc := ceFixture(t, "tiny-xlmr-ce")
	for _, c := range []struct {
		name  string
		from  string
		edit  func(dir string)
		err   error
		words []string
	}{
		{"no architectures", src, func(d string) { editConfig(t, d, func(c map[string]any) { delete(c, "architectures") }) },
			errs.ErrUnsupported, []string{"config.json", "architectures"}},
		{"plain BertModel", src, func(d string) {
			editConfig(t, d, func(c map[string]any) { c["architectures"] = []string{"BertModel"} })
		}, errs.ErrUnsupported, []string{"config.json", "BertModel"}},
		{"architecture of another family", src, func(d string) {
			editConfig(t, d, func(c map[string]any) { c["architectures"] = []string{"XLMRobertaForSequenceClassification"} })
		}, errs.ErrCorrupt, []string{"config.json", "model_type"}},
		{"id2label gap", src, func(d string) {
			editConfig(t, d, func(c map[string]any) { c["id2label"] = map[string]any{"0": "a", "2": "b"} })
		}, errs.ErrCorrupt, []string{"config.json", "id2label"}},
		{"labels but one classifier row", src, func(d string) {
			editConfig(t, d, func(c map[string]any) { c["id2label"] = map[string]any{"0": "a", "1": "b", "2": "c"} })
		}, errs.ErrCorrupt, []string{"model.safetensors", "classifier.weight", "[1 32]"}},
		{"num_labels 0", src, func(d string) {
			editConfig(t, d, func(c map[string]any) { delete(c, "id2label"); c["num_labels"] = 0 })
		}, errs.ErrCorrupt, []string{"config.json", "num_labels"}},
		{"no classifier", src, func(d string) {
			rewriteTensors(t, filepath.Join(d, "model.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if strings.HasPrefix(name, "classifier.") {
					return nil, nil
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"model.safetensors", "classifier.weight"}},
		{"no pooler", src, func(d string) {
			rewriteTensors(t, filepath.Join(d, "model.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if strings.Contains(name, "pooler") {
					return nil, nil
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"model.safetensors", "bert.pooler.dense.weight"}},
		{"NaN in out_proj", xsrc, func(d string) {
			rewriteTensors(t, filepath.Join(d, "model.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "classifier.out_proj.weight" {
					v = slices.Clone(v)
					v[3] = float32(math.NaN())
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"model.safetensors", "classifier.out_proj.weight", "non-finite"}},
		{"dense of the wrong shape", xsrc, func(d string) {
			rewriteTensors(t, filepath.Join(d, "model.safetensors"), func(name string, shape []int, v []float32) ([]int, []float32) {
				if name == "classifier.dense.weight" {
					return []int{shape[0] / 2, shape[1] * 2}, v
				}
				return shape, v
			})
		}, errs.ErrCorrupt, []string{"model.safetensors", "classifier.dense.weight", "shape"}},
		{"bad config JSON", xsrc, func(d string) {
			os.WriteFile(filepath.Join(d, "config.json"), []byte(`{"architectures": [`), 0o644)
		}, errs.ErrCorrupt, []string{"config.json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, c.from)
			c.edit(dir)
			ce, err := LoadCrossEncoder(context.Background(), dir)
			if err == nil {
				ce.Close()
				t.Fatal("loaded")
			}
			if !errors.Is(err, c.err) {
				t.Errorf("%v: want %v", err, c.err)
			}
			for _, w := range c.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v: does not say %q", err, w)
				}
			}
		})
	}
}

func TestCrossEncoderCallErrors(t *testing.T) {
	ce, err := LoadCrossEncoder(context.Background(), ceFixture(t, "tiny-xlmr-ce"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ce.Rerank(context.Background(), "q", nil); err != nil || len(got) != 0 {
		t.Errorf("no passages: %v, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ce.Rerank(ctx, "q", []string{"p"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	ce.Close()
	if _, err := ce.Rerank(context.Background(), "q", []string{"p"}); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if err := ce.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// fixtureDir returns the folder of a fixture model, in testdata/ or else
// in the shared fixtures, and whether it exists.
func fixtureDir(name string) (string, bool) {
	for _, dir := range []string{filepath.Join("testdata", name), filepath.Join(sharedModels, name)} {
		if _, err := os.Stat(dir); err == nil {
			return dir, true
		}
	}
	return "", false
}

// ceFixture returns the folder of a fixture model, skipping the test when
// it is absent.
func ceFixture(t testing.TB, name string) string {
	t.Helper()
	dir, ok := fixtureDir(name)
	if !ok {
		t.Skipf("fixture %s not found in testdata/ or %s", name, sharedModels)
	}
	return dir
}

// editConfig rewrites dir/config.json through edit.
func editConfig(t testing.TB, dir string, edit func(map[string]any)) {
	t.Helper()
	editJSON(t, filepath.Join(dir, "config.json"), edit)
}

// rewriteTensors rewrites an F32 safetensors file, passing each tensor
// through edit (a nil shape drops it).
func rewriteTensors(t testing.TB, path string, edit func(name string, shape []int, v []float32) ([]int, []float32)) {
	t.Helper()
	ts := readTensors(t, path)
	for name, x := range ts {
		if x.dtype != "F32" {
			t.Fatalf("%s: %s is %s", path, name, x.dtype)
		}
		v := make([]float32, len(x.data)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(x.data[4*i:]))
		}
		shape, v := edit(name, x.shape, v)
		if shape == nil {
			delete(ts, name)
			continue
		}
		var b []byte
		for _, f := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
		ts[name] = rawTensor{"F32", shape, b}
	}
	writeTensors(t, path, ts)
}
