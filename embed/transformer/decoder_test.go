// decoder_test.go checks the Qwen2, Mistral and Gemma3 text families
// against goldens of Hugging Face transformers' own Qwen2Model,
// MistralModel and Gemma3TextModel (internal/goldens/decoders/gen.py) on
// seeded tiny checkpoints in testdata: last hidden states from the
// goldens' token ids, and sentence embeddings through each model's
// sentence-transformers modules (last-token or mean pooling, Gemma's two
// Dense layers, Normalize). The tests from token ids run on a fresh clone
// (the model folders get a stand-in tokenizer.json, unused); the end-to-end
// test from texts needs tiny-qwen3's tokenizer from ../shared and skips
// without it.

package transformer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// decoderFixtures are the testdata models gen.py makes.
var decoderFixtures = []string{"tiny-qwen2", "tiny-mistral", "tiny-gemma3"}

// standInTokenizer is a one-word WordLevel tokenizer.json: Load needs a
// tokenizer, and tests from token ids never call it.
const standInTokenizer = `{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,` +
	`"pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,` +
	`"model":{"type":"WordLevel","vocab":{"<unk>":0,"a":1},"unk_token":"<unk>"}}`

// copyModel copies the model folder src to a temporary folder (copyDir),
// adding the files extra maps names to contents of.
func copyModel(t *testing.T, src string, extra map[string][]byte) string {
	t.Helper()
	dst := copyDir(t, src)
	for name, b := range extra {
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// sentenceFromIDs returns the sentence embeddings of token id sequences
// through the model's modules (what Encode returns for texts with these
// ids).
func sentenceFromIDs(t *testing.T, m *Model, ids [][]int) [][]float32 {
	t.Helper()
	out := make([][]float32, len(ids))
	err := m.run(context.Background(), promptSpec{}, nil, ids, func(r *runner, idx []int, x []float32) error {
		vecs, width, err := m.sentenceVectors(r, r.seqs, x)
		if err != nil {
			return err
		}
		for i, j := range idx {
			out[j] = append([]float32(nil), vecs[i*width:(i+1)*width]...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDecoderFamiliesFromIDs(t *testing.T) {
	for _, name := range decoderFixtures {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name, "public")
			dir := copyModel(t, g.dir, map[string][]byte{"tokenizer.json": []byte(standInTokenizer)})
			m, err := Load(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Dim() != g.HiddenSize {
				t.Fatalf("Dim %d, golden %d", m.Dim(), g.HiddenSize)
			}
			ids := make([][]int, len(g.Items))
			for i, it := range g.Items {
				ids[i] = it.InputIDs
			}
			for _, bw := range [][2]int{{1, 1}, {16, 2}, {64, 2}} {
				m.opts.batchSize, m.opts.workers = bw[0], bw[1]
				toks, err := m.EncodeTokenIDs(context.Background(), ids)
				if err != nil {
					t.Fatal(err)
				}
				vecs := sentenceFromIDs(t, m, ids)
				worstH, worstD, worstCos := 0.0, 0.0, 1.0
				for i, it := range g.Items {
					var flat []float32
					for _, r := range toks[i] {
						flat = append(flat, r...)
					}
					if d := testutil.MaxAbsDiff(flat, it.hidden); d > 1e-4 {
						t.Errorf("batch %v: item %d: last_hidden_state max abs diff %.3g", bw, i, d)
					} else {
						worstH = math.Max(worstH, d)
					}
					want := g.sentence(&it)
					d, c := testutil.MaxAbsDiff(vecs[i], want), cosine(vecs[i], want)
					if !(c >= 0.99999) {
						t.Errorf("batch %v: item %d: sentence embedding cosine %.8f (max abs diff %.3g)", bw, i, c, d)
					}
					worstD, worstCos = math.Max(worstD, d), math.Min(worstCos, c)
				}
				t.Logf("batch size %d, %d workers: last_hidden_state max abs diff %.3g; sentence embedding max abs diff %.3g, min cosine 1-%.2g",
					bw[0], bw[1], worstH, worstD, 1-worstCos)
			}
		})
	}
}

// TestDecoderFamiliesSplits runs the goldens' ids through the encoder with
// each way of splitting the work, including attention blocks of 8 query
// rows, so that causal windows and sliding windows cross block edges.
func TestDecoderFamiliesSplits(t *testing.T) {
	for _, name := range decoderFixtures {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name, "public")
			e := loadEncoder(t, g.dir, "model.safetensors")
			var seqs []sequence
			for _, it := range g.Items {
				seqs = append(seqs, sequence{ids: it.InputIDs})
			}
			h := e.cfg.HiddenSize
			for _, cfg := range [][3]int{{1, 32, defaultAttnBudget}, {2, 1 << 30, defaultAttnBudget}, {2, 1, 1}} {
				r := newRunner(e, cfg[0])
				r.spanRows, r.attnBudget = cfg[1], cfg[2]
				x, err := e.forward(r, seqs)
				if err != nil {
					r.close()
					t.Fatal(err)
				}
				worst, row := 0.0, 0
				for _, it := range g.Items {
					worst = math.Max(worst, testutil.MaxAbsDiff(x[row*h:(row+it.NumTokens)*h], it.hidden))
					row += it.NumTokens
				}
				r.close()
				if worst > 1e-4 {
					t.Errorf("workers %d, span rows %d, attention budget %d: last_hidden_state max abs diff %.3g", cfg[0], cfg[1], cfg[2], worst)
				}
			}
		})
	}
}

// TestDecoderFamiliesEndToEnd encodes the goldens' texts with tiny-qwen3's
// tokenizer (the one whose ids the goldens hold), as Load and Encode run
// for a user.
func TestDecoderFamiliesEndToEnd(t *testing.T) {
	tokDir := filepath.Join(sharedModels, "tiny-qwen3")
	files := map[string][]byte{}
	for _, f := range []string{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"} {
		b, err := os.ReadFile(filepath.Join(tokDir, f))
		if err != nil {
			t.Skipf("tiny-qwen3's tokenizer not found (%v)", err)
		}
		files[f] = b
	}
	for _, name := range decoderFixtures {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name, "public")
			g.dir = copyModel(t, g.dir, files)
			encodeParity(t, g, parityConfig{batchings: [][2]int{{1, 1}, {3, 2}, {16, 1}, {64, 2}}, tokens: true})
		})
	}
}

// TestBrokenDecoderModels checks that configs and checkpoints the decoder
// families cannot run are refused at Load, naming the field or tensor.
func TestBrokenDecoderModels(t *testing.T) {
	drop := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, "model.safetensors")
			ts := readTensors(t, p)
			delete(ts, name)
			writeTensors(t, p, ts)
		}
	}
	cases := []struct {
		model, name string
		break_      func(t *testing.T, dir string)
		is          error
		want        []string
	}{
		{"tiny-qwen2", "no q bias", drop("layers.0.self_attn.q_proj.bias"),
			errs.ErrCorrupt, []string{"layers.0.self_attn.q_proj.bias", "model.safetensors"}},
		{"tiny-qwen2", "sliding window on", setConfig("use_sliding_window", true),
			errs.ErrUnsupported, []string{"use_sliding_window", "config.json"}},
		{"tiny-qwen2", "rope scaling", setConfig("rope_scaling", map[string]any{"type": "yarn", "factor": 4}),
			errs.ErrUnsupported, []string{"rope_scaling", "yarn"}},
		{"tiny-qwen3", "sliding window on", setConfig("use_sliding_window", true),
			errs.ErrUnsupported, []string{"use_sliding_window", "qwen3"}},
		{"tiny-qwen3", "rope scaling", setConfig("rope_scaling", map[string]any{"rope_type": "yarn", "factor": 4}),
			errs.ErrUnsupported, []string{"rope_scaling"}},
		{"tiny-qwen2", "bidirectional", setConfig("is_causal", false),
			errs.ErrUnsupported, []string{"is_causal false"}},
		{"tiny-mistral", "zero window", setConfig("sliding_window", 0),
			errs.ErrCorrupt, []string{"sliding_window 0", "config.json"}},
		{"tiny-mistral", "huge window", setConfig("sliding_window", 1<<40),
			errs.ErrCorrupt, []string{"sliding_window"}},
		{"tiny-gemma3", "causal", setConfig("use_bidirectional_attention", false),
			errs.ErrUnsupported, []string{"use_bidirectional_attention"}},
		{"tiny-gemma3", "layer_types length", setConfig("layer_types", []string{"full_attention"}),
			errs.ErrCorrupt, []string{"layer_types", "2 layers"}},
		{"tiny-gemma3", "layer type", setConfig("layer_types", []string{"chunked_attention", "full_attention"}),
			errs.ErrUnsupported, []string{"chunked_attention"}},
		{"tiny-gemma3", "soft-capping", setConfig("attn_logit_softcapping", 50.0),
			errs.ErrUnsupported, []string{"attn_logit_softcapping"}},
		{"tiny-gemma3", "query_pre_attn_scalar", setConfig("query_pre_attn_scalar", 0),
			errs.ErrCorrupt, []string{"query_pre_attn_scalar"}},
		{"tiny-gemma3", "local theta", setConfig("rope_local_base_freq", -1),
			errs.ErrCorrupt, []string{"rope_local_base_freq"}},
		{"tiny-gemma3", "no post-feedforward norm", drop("layers.1.post_feedforward_layernorm.weight"),
			errs.ErrCorrupt, []string{"layers.1.post_feedforward_layernorm.weight"}},
	}
	for _, tc := range cases {
		t.Run(tc.model+"/"+tc.name, func(t *testing.T) {
			dir := copyModel(t, modelDir(t, tc.model), map[string][]byte{"tokenizer.json": []byte(standInTokenizer)})
			tc.break_(t, dir)
			m, err := Load(context.Background(), dir)
			if err == nil {
				m.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestGemmaLayerTypesFromPattern checks the layer types a Gemma3 config
// without layer_types gets from sliding_window_pattern (every pattern-th
// layer global), as Gemma3TextConfig makes them.
func TestGemmaLayerTypesFromPattern(t *testing.T) {
	dir := copyModel(t, modelDir(t, "tiny-gemma3"), nil)
	setConfig("layer_types", nil)(t, dir)
	setConfig("sliding_window_pattern", 2)(t, dir)
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.localLayers) != 2 || !c.localLayers[0] || c.localLayers[1] {
		t.Errorf("sliding_window_pattern 2: local layers %v, want [true false]", c.localLayers)
	}
	if c.window != 4 || c.localTheta != 1e4 || c.globalTheta != 1e6 {
		t.Errorf("window %d, thetas %g / %g; want 4 (sliding_window 8, bidirectional), 1e4, 1e6", c.window, c.localTheta, c.globalTheta)
	}
}

// TestDecoderFamiliesInt8 runs the decoder families with int8 weights
// (packed as WithInt8 packs them; on processors without AVX-512 VNNI, where
// WithInt8 keeps float32, the products run on gemm's portable int8 code):
// every text's mean of its last hidden states within cosine 0.999 of the
// float32 reference's.
func TestDecoderFamiliesInt8(t *testing.T) {
	for _, name := range decoderFixtures {
		t.Run(name, func(t *testing.T) {
			g := loadGolden(t, name, "public")
			c, err := readConfig(filepath.Join(g.dir, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			w, f, err := readWeights(filepath.Join(g.dir, "model.safetensors"), c, true)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e := newEncoder(c, w)
			var seqs []sequence
			for _, it := range g.Items {
				seqs = append(seqs, sequence{ids: it.InputIDs})
			}
			r := newRunner(e, 2)
			defer r.close()
			x, err := e.forward(r, seqs)
			if err != nil {
				t.Fatal(err)
			}
			h, row, worst := c.HiddenSize, 0, 1.0
			mean := func(rows []float32) []float32 {
				m := make([]float32, h)
				for i, v := range rows {
					m[i%h] += v
				}
				return m
			}
			for _, it := range g.Items {
				got := mean(x[row*h : (row+it.NumTokens)*h])
				worst = math.Min(worst, cosine(got, mean(it.hidden)))
				row += it.NumTokens
			}
			if !(worst >= 0.999) {
				t.Errorf("int8: min cosine %.6f to the float32 reference, want ≥ 0.999", worst)
			}
			t.Logf("int8: mean hidden state min cosine 1-%.2g", 1-worst)
		})
	}
}

// TestDecoderRopeParameters checks config.json files in the form
// transformers v5 saves (rope_parameters instead of rope_theta and
// rope_local_base_freq): the same hidden states as the goldens, whose
// thetas differ from the families' defaults.
func TestDecoderRopeParameters(t *testing.T) {
	cases := []struct {
		model  string
		drop   []string
		params any
	}{
		{"tiny-qwen2", []string{"rope_theta", "rope_scaling"}, map[string]any{"rope_type": "default", "rope_theta": 1e6}},
		{"tiny-mistral", []string{"rope_theta"}, map[string]any{"rope_type": "default", "rope_theta": 1e4}},
		{"tiny-gemma3", []string{"rope_theta", "rope_local_base_freq", "rope_scaling"}, map[string]any{
			"full_attention":    map[string]any{"rope_type": "default", "rope_theta": 1e6},
			"sliding_attention": map[string]any{"rope_type": "default", "rope_theta": 1e4},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.model, func(t *testing.T) {
			g := loadGolden(t, tc.model, "public")
			dir := copyModel(t, g.dir, nil)
			for _, k := range tc.drop {
				setConfig(k, nil)(t, dir)
			}
			setConfig("rope_parameters", tc.params)(t, dir)
			e := loadEncoder(t, dir, "model.safetensors")
			var seqs []sequence
			for _, it := range g.Items[:16] {
				seqs = append(seqs, sequence{ids: it.InputIDs})
			}
			r := newRunner(e, 1)
			defer r.close()
			x, err := e.forward(r, seqs)
			if err != nil {
				t.Fatal(err)
			}
			h, row, worst := e.cfg.HiddenSize, 0, 0.0
			for _, it := range g.Items[:16] {
				worst = math.Max(worst, testutil.MaxAbsDiff(x[row*h:(row+it.NumTokens)*h], it.hidden))
				row += it.NumTokens
			}
			if worst > 1e-4 {
				t.Errorf("rope_parameters %v: last_hidden_state max abs diff %.3g", tc.params, worst)
			}
		})
	}
	dir := copyModel(t, modelDir(t, "tiny-qwen2"), nil)
	setConfig("rope_parameters", map[string]any{"rope_type": "yarn", "rope_theta": 1e6, "factor": 4})(t, dir)
	if _, err := readConfig(filepath.Join(dir, "config.json")); !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "yarn") {
		t.Errorf("rope_parameters with rope_type yarn: error %v, want ErrUnsupported naming it", err)
	}
}
