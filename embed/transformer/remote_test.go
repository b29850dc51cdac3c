// remote_test.go checks the remote-code encoder families (NomicBERT, GTE
// "new", JinaBERT)
// against goldens made by their own reference modeling code
// (internal/goldens/encoders/gen.py): the forward pass from the goldens'
// token ids at several batchings, and Load + Encode end to end with the
// tokenizer the ids came from (tiny-xlmr's), put beside the model in a
// temporary folder. A golden set may need another config.json (the
// model folder's config_<set>.json), which the temporary folder then
// holds as its config.json.

package transformer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// remoteCases are the remote-code families' goldens: model folder, golden
// set, and the config file the set was made with.
var remoteCases = []struct{ model, set, config, task string }{
	{"tiny-nomic", "public", "config.json", ""},
	{"tiny-nomic", "scaled", "config_scaled.json", ""},
	{"tiny-gte", "public", "config.json", ""},
	{"tiny-jina", "public", "config.json", ""},
	{"tiny-jina3", "public", "config.json", ""},
	{"tiny-jina3", "retrieval.query", "config.json", "retrieval.query"},
	{"tiny-jina3", "text-matching", "config.json", "text-matching"},
}

// remoteFolder returns a temporary copy of model's folder (goldens left
// out) with config as its config.json and tiny-xlmr's tokenizer files.
func remoteFolder(t testing.TB, model, config string) string {
	t.Helper()
	src := filepath.Join("testdata", model)
	dir := copyDir(t, src)
	cp := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp(filepath.Join(src, config), "config.json")
	for _, n := range []string{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"} {
		cp(filepath.Join("testdata", "tiny-xlmr", n), n)
	}
	return dir
}

func TestRemoteForwardParity(t *testing.T) {
	for _, rc := range remoteCases {
		t.Run(rc.model+"/"+rc.set, func(t *testing.T) {
			g := loadGolden(t, rc.model, rc.set)
			c, err := readConfig(filepath.Join(g.dir, rc.config))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.selectTask(rc.task); err != nil {
				t.Fatal(err)
			}
			w, f, err := readWeights(filepath.Join(g.dir, g.WeightsFile), c, false)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e := newEncoder(c, w)
			const never = 1 << 30
			batchings := [][4]int{{1, 1, 32, defaultAttnBudget}, {3, 2, 32, defaultAttnBudget}, {16, 1, 32, defaultAttnBudget},
				{64, 2, 32, defaultAttnBudget}, {64, 2, never, defaultAttnBudget}, {64, 3, 1, 1}, {16, 2, never, 1}}
			if raceEnabled {
				batchings = [][4]int{{3, 2, 1, defaultAttnBudget}, {16, 2, never, 1}}
			}
			for _, bw := range batchings {
				r := newRunner(e, bw[1])
				r.spanRows, r.attnBudget = bw[2], bw[3]
				worst := 0.0
				for start := 0; start < len(g.Items); start += bw[0] {
					items := g.Items[start:min(start+bw[0], len(g.Items))]
					var seqs []sequence
					for _, it := range items {
						seqs = append(seqs, sequence{ids: it.InputIDs})
					}
					x, err := e.forward(r, seqs)
					if err != nil {
						t.Fatal(err)
					}
					row := 0
					for _, it := range items {
						n := len(it.InputIDs)
						d := testutil.MaxAbsDiff(x[row*g.HiddenSize:(row+n)*g.HiddenSize], it.hidden)
						if d > 1e-4 {
							t.Errorf("batching %v: item %d (%d tokens): last_hidden_state max abs diff %.3g", bw, it.Index, n, d)
						}
						worst = max(worst, d)
						row += n
					}
				}
				r.close()
				t.Logf("batching %v: last_hidden_state max abs diff %.3g", bw, worst)
			}
		})
	}
}

func TestRemoteEncodeParity(t *testing.T) {
	all := [][2]int{{1, 1}, {3, 2}, {16, 1}, {64, 2}}
	if raceEnabled {
		all = all[2:]
	}
	for _, rc := range remoteCases {
		t.Run(rc.model+"/"+rc.set, func(t *testing.T) {
			g := loadGolden(t, rc.model, rc.set)
			g.dir = remoteFolder(t, rc.model, rc.config)
			var opts []Option
			if rc.task != "" {
				opts = append(opts, WithTask(rc.task))
			}
			if rc.task == "retrieval.query" {
				t.Skip("its instruction prompt changes the texts: TestJinaV3Task checks it")
			}
			encodeParity(t, g, parityConfig{model: rc.model, set: rc.set, opts: opts, batchings: all, tokens: true})
		})
	}
}

// TestNomicPrompts checks that EncodeQueries and EncodeDocuments of a
// nomic model use its search_query: and search_document: prompts.
func TestNomicPrompts(t *testing.T) {
	ctx := context.Background()
	m, err := Load(ctx, remoteFolder(t, "tiny-nomic", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	texts := []string{"What is the capital of Korea?", "Seoul is the capital of South Korea."}
	for _, c := range []struct {
		prompt string
		fn     func(context.Context, []string) ([][]float32, error)
	}{{"search_query: ", m.EncodeQueries}, {"search_document: ", m.EncodeDocuments}} {
		got, err := c.fn(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		want, err := m.Encode(ctx, []string{c.prompt + texts[0], c.prompt + texts[1]})
		if err != nil {
			t.Fatal(err)
		}
		for i := range texts {
			if d := testutil.MaxAbsDiff(got[i], want[i]); d != 0 {
				t.Errorf("prompt %q, text %d: differs from Encode of the prompted text by %g", c.prompt, i, d)
			}
		}
	}
	if id := m.Identity(); id.QueryPrompt != "search_query: " || id.DocumentPrompt != "search_document: " {
		t.Errorf("Identity prompts %q, %q", id.QueryPrompt, id.DocumentPrompt)
	}
}

// TestBrokenRemoteModels loads broken copies of the remote-code fixtures:
// each error wraps the right sentinel and names the file and the tensor or
// key.
func TestBrokenRemoteModels(t *testing.T) {
	weights := func(edit func(map[string]rawTensor)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, "model.safetensors")
			ts := readTensors(t, p)
			edit(ts)
			writeTensors(t, p, ts)
		}
	}
	task := []Option{WithTask("text-matching")}
	cases := []struct {
		model, name string
		break_      func(t *testing.T, dir string)
		is          error
		want        []string
		opts        []Option
	}{
		{"tiny-nomic", "no gate", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.layers.1.mlp.fc12.weight") }),
			errs.ErrCorrupt, []string{"encoder.layers.1.mlp.fc12.weight", "model.safetensors"}, nil},
		{"tiny-nomic", "no emb_ln bias", weights(func(ts map[string]rawTensor) { delete(ts, "emb_ln.bias") }),
			errs.ErrCorrupt, []string{"emb_ln.bias"}, nil},
		{"tiny-nomic", "vocabulary not padded", setConfig("pad_vocab_size_multiple", 1),
			errs.ErrCorrupt, []string{"embeddings.word_embeddings.weight", "[8064 48]", "[8002 48]"}, nil},
		{"tiny-nomic", "n_inner", setConfig("n_inner", 512),
			errs.ErrCorrupt, []string{"encoder.layers.0.mlp.fc12.weight", "[256 48]", "[512 48]"}, nil},
		{"tiny-nomic", "plain gelu", setConfig("activation_function", "gelu"),
			errs.ErrUnsupported, []string{"activation_function", "config.json"}, nil},
		{"tiny-nomic", "prenorm", setConfig("prenorm", true),
			errs.ErrUnsupported, []string{"prenorm", "config.json"}, nil},
		{"tiny-nomic", "qkv bias absent", setConfig("qkv_proj_bias", nil),
			errs.ErrUnsupported, []string{"qkv_proj_bias", "config.json"}, nil},
		{"tiny-nomic", "partial rotary", setConfig("rotary_emb_fraction", 0.5),
			errs.ErrUnsupported, []string{"rotary_emb_fraction", "config.json"}, nil},
		{"tiny-nomic", "interleaved rotary", setConfig("rotary_emb_interleaved", true),
			errs.ErrUnsupported, []string{"rotary_emb_interleaved"}, nil},
		{"tiny-nomic", "rotary base", setConfig("rotary_emb_base", -1),
			errs.ErrCorrupt, []string{"rotary_emb_base"}, nil},
		{"tiny-nomic", "scaling factor", setConfig("rotary_scaling_factor", 0.5),
			errs.ErrCorrupt, []string{"rotary_scaling_factor"}, nil},
		{"tiny-gte", "no up_gate_proj", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.layer.1.mlp.up_gate_proj.weight") }),
			errs.ErrCorrupt, []string{"encoder.layer.1.mlp.up_gate_proj.weight", "model.safetensors"}, nil},
		{"tiny-gte", "token types", setConfig("type_vocab_size", 1),
			errs.ErrCorrupt, []string{"embeddings.token_type_embeddings.weight"}, nil},
		{"tiny-gte", "absolute positions", setConfig("position_embedding_type", "absolute"),
			errs.ErrUnsupported, []string{"position_embedding_type", "config.json"}, nil},
		{"tiny-gte", "rms norm", setConfig("layer_norm_type", "rms_norm"),
			errs.ErrUnsupported, []string{"layer_norm_type"}, nil},
		{"tiny-gte", "mixed ntk", setConfig("rope_scaling", map[string]any{"type": "ntk", "factor": 2, "mixed_b": 0.5}),
			errs.ErrUnsupported, []string{"mixed_b"}, nil},
		{"tiny-gte", "linear scaling", setConfig("rope_scaling", map[string]any{"type": "linear", "factor": 2}),
			errs.ErrUnsupported, []string{"rope_scaling"}, nil},
		{"tiny-gte", "logn", setConfig("logn_attention_scale", true),
			errs.ErrUnsupported, []string{"logn_attention_scale"}, nil},
		{"tiny-jina", "no gated_layers", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.layer.0.mlp.gated_layers.weight") }),
			errs.ErrCorrupt, []string{"encoder.layer.0.mlp.gated_layers.weight", "model.safetensors"}, nil},
		{"tiny-jina", "no mlp layernorm", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.layer.1.mlp.layernorm.bias") }),
			errs.ErrCorrupt, []string{"encoder.layer.1.mlp.layernorm.bias"}, nil},
		{"tiny-jina", "plain MLP", setConfig("feed_forward_type", "original"),
			errs.ErrUnsupported, []string{"feed_forward_type", "config.json"}, nil},
		{"tiny-jina", "scaled alibi", setConfig("alibi_scaling", 2),
			errs.ErrUnsupported, []string{"alibi_scaling"}, nil},
		{"tiny-jina", "qk post-norm", setConfig("auto_map", map[string]any{"AutoModel": "jinaai/jina-bert-v2-qk-post-norm--modeling_bert.JinaBertModel"}),
			errs.ErrUnsupported, []string{"qk-post-norm"}, nil},
		// Without ALiBi the folder reads as a plain BERT, whose tensors it lacks.
		{"tiny-jina", "absolute positions", setConfig("position_embedding_type", "absolute"),
			errs.ErrCorrupt, []string{"encoder.layer.0.intermediate.dense.weight"}, nil},
		{"tiny-jina3", "no fc1", weights(func(ts map[string]rawTensor) {
			delete(ts, "roberta.encoder.layers.1.mlp.fc1.parametrizations.weight.original")
		}),
			errs.ErrCorrupt, []string{"roberta.encoder.layers.1.mlp.fc1.parametrizations.weight.original", "model.safetensors"}, nil},
		{"tiny-jina3", "no lora_B", weights(func(ts map[string]rawTensor) {
			delete(ts, "roberta.encoder.layers.0.mixer.Wqkv.parametrizations.weight.0.lora_B")
		}),
			errs.ErrCorrupt, []string{"roberta.encoder.layers.0.mixer.Wqkv.parametrizations.weight.0.lora_B"}, task},
		{"tiny-jina3", "lora rank", setConfig("lora_rank", 8),
			errs.ErrCorrupt, []string{"roberta.encoder.layers.0.mixer.Wqkv.parametrizations.weight.0.lora_A", "[5 4 32]", "[5 8 32]"}, task},
		{"tiny-jina3", "huge rank", setConfig("lora_rank", 1<<20),
			errs.ErrCorrupt, []string{"lora_rank", "config.json"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.model+"/"+tc.name, func(t *testing.T) {
			dir := remoteFolder(t, tc.model, "config.json")
			tc.break_(t, dir)
			m, err := Load(context.Background(), dir, tc.opts...)
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

// TestALiBiSlopes checks alibiSlopes against the slopes of the ALiBi
// paper's reference code (ofirpress/attention_with_linear_biases, which
// JinaBERT's _get_alibi_head_slopes follows): 2^-1..2^-8 for 8 heads, and
// for 6 heads those of 4 heads followed by every other one of 8 heads'.
func TestALiBiSlopes(t *testing.T) {
	for n, want := range map[int][]float64{
		8: {0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625},
		6: {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125},
		1: {0.00390625},
	} {
		got := alibiSlopes(n)
		for i := range want {
			if got[i] != -float32(want[i]) {
				t.Errorf("%d heads: slope %d is %g, want %g", n, i, -got[i], want[i])
			}
		}
	}
}

// TestJinaV3Task checks WithTask on tiny-jina3: with "retrieval.query" the
// adapters are merged (EncodePrompted with no prompt gives the golden's
// vectors, made by the reference with that task's adapter_mask) and
// Encode, EncodeQueries and EncodeDocuments put the task's instruction
// before the texts; unknown tasks, and WithTask on a model without
// adapters, are invalid options.
func TestJinaV3Task(t *testing.T) {
	ctx := context.Background()
	g := loadGolden(t, "tiny-jina3", "retrieval.query")
	dir := remoteFolder(t, "tiny-jina3", "config.json")
	m, err := Load(ctx, dir, WithTask("retrieval.query"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const instr = "Represent the query for retrieving evidence documents: "
	if m.Prompt() != instr {
		t.Errorf("Prompt %q, want the task instruction", m.Prompt())
	}
	var texts []string
	for _, it := range g.Items {
		texts = append(texts, it.Text)
	}
	plain, err := m.EncodePrompted(ctx, "", texts)
	if err != nil {
		t.Fatal(err)
	}
	worst := 1.0
	for i, it := range g.Items {
		if c := cosine(plain[i], g.sentence(&it)); !(c >= 0.99999) {
			t.Errorf("item %d: cosine %.8f to the retrieval.query golden", i, c)
		} else {
			worst = min(worst, c)
		}
	}
	t.Logf("retrieval.query adapters: min cosine 1-%.2g", 1-worst)
	want, err := m.EncodePrompted(ctx, instr, texts[:4])
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []func(context.Context, []string) ([][]float32, error){m.Encode, m.EncodeQueries, m.EncodeDocuments} {
		got, err := fn(ctx, texts[:4])
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if d := testutil.MaxAbsDiff(got[i], want[i]); d != 0 {
				t.Errorf("text %d: differs from the instruction-prompted encoding by %g", i, d)
			}
		}
	}
	if id := m.Identity(); !strings.Contains(id.Model, "(task retrieval.query)") || id.Prompt != instr {
		t.Errorf("Identity %+v", id)
	}
	for _, bad := range []struct {
		model, task string
	}{{"tiny-jina3", "retrieval.document"}, {"tiny-nomic", "retrieval.query"}} {
		m, err := Load(ctx, remoteFolder(t, bad.model, "config.json"), WithTask(bad.task))
		if err == nil {
			m.Close()
			t.Errorf("%s WithTask(%q): no error", bad.model, bad.task)
		} else if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), bad.task) {
			t.Errorf("%s WithTask(%q): %v", bad.model, bad.task, err)
		}
	}
	if _, err := Load(ctx, dir, WithTask("")); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("WithTask(\"\"): %v", err)
	}
}
