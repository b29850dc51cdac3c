// model_test.go checks Load and Encode end to end against the goldens:
// token ids, last hidden states and sentence embeddings, in several
// batchings.

package transformer

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/ganada/ganada/internal/testutil"
)

type parityConfig struct {
	model, set string
	opts       []Option
	// batchings to run: batch size and workers.
	batchings [][2]int
	tokens    bool // also compare EncodeTokens
}

func parityConfigs() []parityConfig {
	all := [][2]int{{1, 1}, {3, 2}, {16, 1}, {64, 2}}
	return []parityConfig{
		{model: "tiny-bert", set: "public", batchings: all, tokens: true},
		{model: "tiny-bert", set: "public-fp16", opts: []Option{WithWeightsFile("model.fp16.safetensors")}, batchings: all, tokens: true},
		{model: "tiny-xlmr", set: "public", batchings: all, tokens: true},
		{model: "tiny-mpnet", set: "public", batchings: all, tokens: true},
		{model: "tiny-distilbert", set: "public", batchings: all, tokens: true},
		{model: "tiny-modernbert", set: "public", batchings: all, tokens: true},
		{model: "tiny-qwen3", set: "public", batchings: all, tokens: true},
		// A few seconds per pass over the 64 texts.
		{model: "minilm-l6-shape", set: "public", batchings: [][2]int{{1, 1}, {5, 2}, {64, 2}}, tokens: true},
	}
}

func TestEncodeParity(t *testing.T) {
	for _, pc := range parityConfigs() {
		if raceEnabled && pc.model == "minilm-l6-shape" {
			// The race detector slows the forward pass tenfold: the
			// tiny models cover concurrency, this one runs without -race.
			continue
		} else if raceEnabled {
			pc.batchings = pc.batchings[len(pc.batchings)-2:]
		} else if puregoEnabled && pc.model == "minilm-l6-shape" {
			// The pure-Go kernels are several times slower: one batching.
			pc.batchings, pc.tokens = pc.batchings[1:2], false
		}
		t.Run(pc.model+"/"+pc.set, func(t *testing.T) {
			encodeParity(t, loadGolden(t, pc.model, pc.set), pc)
		})
	}
}

// encodeParity loads g's model with pc's options and compares token ids,
// sentence embeddings (at each of pc's batchings) and, with pc.tokens, the
// last hidden states with g.
func encodeParity(t *testing.T, g *golden, pc parityConfig) {
	ctx := context.Background()
	prompted := splitPrompted(g)
	m, err := Load(context.Background(), g.dir, pc.opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Dim() != g.HiddenSize || m.MaxSeqLength() != g.MaxSeqLength {
		t.Fatalf("Dim %d MaxSeqLength %d, golden %d %d", m.Dim(), m.MaxSeqLength(), g.HiddenSize, g.MaxSeqLength)
	}
	texts := make([]string, len(g.Items))
	for i, it := range g.Items {
		texts[i] = it.Text
		if got := m.prepare(it.Text); got != it.InputText {
			t.Errorf("item %d: prepared text %q, golden input_text %q", i, got, it.InputText)
		}
		enc, err := m.Tokenizer().Encode(m.prepare(it.Text), true)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(enc.IDs) != fmt.Sprint(it.InputIDs) {
			t.Errorf("item %d (%q): ids\n got %v\nwant %v", i, it.Text, enc.IDs, it.InputIDs)
		}
	}
	for _, bw := range pc.batchings {
		m.opts.batchSize, m.opts.workers = bw[0], bw[1]
		vecs, err := m.Encode(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		worstDiff, worstCos := 0.0, 1.0
		for i, it := range g.Items {
			want := g.sentence(&it)
			d, c := testutil.MaxAbsDiff(vecs[i], want), cosine(vecs[i], want)
			if d > 1e-5 || !(c >= 0.99999) {
				t.Errorf("batch %v: item %d (%q): sentence embedding max abs diff %.3g, cosine %.8f", bw, i, it.Text, d, c)
			}
			worstDiff, worstCos = math.Max(worstDiff, d), math.Min(worstCos, c)
		}
		t.Logf("batch size %d, %d workers: sentence embedding max abs diff %.3g, min cosine 1-%.2g", bw[0], bw[1], worstDiff, 1-worstCos)
	}
	if pc.tokens {
		m.opts.batchSize, m.opts.workers = 64, 1
		toks, err := m.EncodeTokens(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i, it := range g.Items {
			if len(toks[i]) != it.NumTokens {
				t.Fatalf("item %d: %d token vectors, want %d", i, len(toks[i]), it.NumTokens)
			}
			var flat []float32
			for _, r := range toks[i] {
				flat = append(flat, r...)
			}
			d := testutil.MaxAbsDiff(flat, it.hidden)
			if d > 1e-4 {
				t.Errorf("item %d: last_hidden_state max abs diff %.3g", i, d)
			}
			worst = math.Max(worst, d)
		}
		t.Logf("EncodeTokens: last_hidden_state max abs diff %.3g", worst)
	}
	checkPrompted(t, g, prompted, pc.opts)
}

// splitPrompted removes the items encoded with a named prompt from g and
// returns them by prompt name.
func splitPrompted(g *golden) map[string][]goldenItem {
	out := map[string][]goldenItem{}
	plain := g.Items[:0:0]
	for _, it := range g.Items {
		if it.PromptName != "" {
			out[it.PromptName] = append(out[it.PromptName], it)
		} else {
			plain = append(plain, it)
		}
	}
	g.Items = plain
	return out
}

// checkPrompted encodes the items of each prompt with the model's prompt
// of that name (EncodePrompted) and compares their input texts and
// sentence embeddings.
func checkPrompted(t *testing.T, g *golden, prompted map[string][]goldenItem, opts []Option) {
	for name, items := range prompted {
		m, err := Load(context.Background(), g.dir, opts...)
		if err != nil {
			t.Fatal(err)
		}
		prompt, ok := m.Prompts()[name]
		if !ok {
			t.Fatalf("the model has no prompt %q (has %v)", name, m.Prompts())
		}
		texts := make([]string, len(items))
		for i, it := range items {
			texts[i] = it.Text
			if got := m.prepare(prompt + it.Text); got != it.InputText {
				t.Errorf("prompt %q, item %d: prepared text %q, golden input_text %q", name, it.Index, got, it.InputText)
			}
		}
		vecs, err := m.EncodePrompted(context.Background(), prompt, texts)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		worst := 1.0
		for i, it := range items {
			want := g.sentence(&it)
			d, c := testutil.MaxAbsDiff(vecs[i], want), cosine(vecs[i], want)
			if d > 1e-5 || !(c >= 0.99999) {
				t.Errorf("prompt %q, item %d (%q): sentence embedding max abs diff %.3g, cosine %.8f", name, it.Index, it.Text, d, c)
			}
			worst = math.Min(worst, c)
		}
		t.Logf("prompt %q: %d items, min cosine 1-%.2g", name, len(items), 1-worst)
	}
}
