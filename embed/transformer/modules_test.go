// modules_test.go checks the sentence-transformers features around the
// encoder against independent references: prompts, Dense, no modules.json,
// sharded and prefixed checkpoints, normalisation and truncation options,
// RoBERTa position ids, concurrent use.

package transformer

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func goldenTexts(g *golden) []string {
	texts := make([]string, len(g.Items))
	for i, it := range g.Items {
		texts[i] = it.Text
	}
	return texts
}

func mustLoad(t testing.TB, dir string, opts ...Option) *Model {
	t.Helper()
	m, err := Load(context.Background(), dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func mustEncode(t testing.TB, m *Model, texts []string) [][]float32 {
	t.Helper()
	v, err := m.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// meanRows averages token rows [from, len) in float64 and L2-normalises.
func meanNormalized(rows [][]float32, from int) []float32 {
	acc := make([]float64, len(rows[0]))
	for _, r := range rows[from:] {
		for j, x := range r {
			acc[j] += float64(x)
		}
	}
	var ss float64
	for j := range acc {
		acc[j] /= float64(len(rows) - from)
		ss += acc[j] * acc[j]
	}
	out := make([]float32, len(acc))
	for j := range acc {
		out[j] = float32(acc[j] / math.Sqrt(ss))
	}
	return out
}

func TestPrompts(t *testing.T) {
	plain := mustLoad(t, filepath.Join("testdata", "tiny-bert")) // no prompts
	texts := []string{"How do I reset my password?", "  spaced  ", ""}
	prefixed := func(prefix string) [][]float32 {
		var in []string
		for _, s := range texts {
			in = append(in, prefix+s)
		}
		return mustEncode(t, plain, in)
	}
	type call func(context.Context, []string) ([][]float32, error)

	// Which prompt each call applies, as sentence-transformers chooses:
	// encode the default, encode_query "query" else the default,
	// encode_document "document", "passage" or "corpus" else the default.
	for _, tc := range []struct {
		config            string
		def, query, docum string
	}{
		{`{"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "query"}`, "query: ", "query: ", "passage: "},
		{`{"prompts": {"query": "q: ", "corpus": "c: ", "passage": "p: "}}`, "", "q: ", "p: "},
		{`{"prompts": {"document": "d: ", "passage": "p: ", "x": "x: "}, "default_prompt_name": "x"}`, "x: ", "x: ", "d: "},
		{`{"prompts": {"corpus": "c: "}}`, "", "", "c: "},
		{`{"prompts": {}, "default_prompt_name": null}`, "", "", ""},
	} {
		dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
		os.WriteFile(filepath.Join(dir, "config_sentence_transformers.json"), []byte(tc.config), 0o644)
		m := mustLoad(t, dir)
		id := m.Identity()
		if m.Prompt() != tc.def || id.Prompt != tc.def || id.QueryPrompt != tc.query || id.DocumentPrompt != tc.docum {
			t.Errorf("%s: prompt %q, identity %+v; want %q, %q, %q", tc.config, m.Prompt(), id, tc.def, tc.query, tc.docum)
		}
		for _, c := range []struct {
			name   string
			f      call
			prefix string
		}{
			{"Encode", m.Encode, tc.def},
			{"EncodeQueries", m.EncodeQueries, tc.query},
			{"EncodeDocuments", m.EncodeDocuments, tc.docum},
			{"EncodePrompted", func(ctx context.Context, s []string) ([][]float32, error) {
				return m.EncodePrompted(ctx, "search_query: ", s)
			}, "search_query: "},
		} {
			got, err := c.f(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			want := prefixed(c.prefix)
			for i := range texts {
				if d := testutil.MaxAbsDiff(got[i], want[i]); d > 1e-6 {
					t.Errorf("%s: %s of %q differs from encoding %q+text by %g", tc.config, c.name, texts[i], c.prefix, d)
				}
			}
		}
		m.Close()
	}

	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	os.WriteFile(filepath.Join(dir, "config_sentence_transformers.json"),
		[]byte(`{"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "nope"}`), 0o644)
	if _, err := Load(context.Background(), dir); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("default_prompt_name not among the prompts: %v, want errs.ErrCorrupt", err)
	}

	// include_prompt false: mean over the text's tokens only, the prompt's
	// tokens ([CLS] query :) excluded, as sentence-transformers does.
	os.WriteFile(filepath.Join(dir, "config_sentence_transformers.json"),
		[]byte(`{"prompts": {"query": "query: ", "passage": "passage: "}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), []byte(`{"word_embedding_dimension": 32,
		"pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false,
		"pooling_mode_mean_sqrt_len_tokens": false, "pooling_mode_weightedmean_tokens": false,
		"pooling_mode_lasttoken": false, "include_prompt": false}`), 0o644)
	m := mustLoad(t, dir)
	if m.queryPrompt.tokens != 3 {
		t.Errorf("prompt length %d, want 3 ([CLS] query :)", m.queryPrompt.tokens)
	}
	toks, err := plain.EncodeTokens(context.Background(), []string{"query: " + texts[0], "query: " + texts[1]})
	if err != nil {
		t.Fatal(err)
	}
	viaQueries, err := m.EncodeQueries(context.Background(), texts[:2])
	if err != nil {
		t.Fatal(err)
	}
	viaPrompted, err := m.EncodePrompted(context.Background(), "query: ", texts[:2])
	if err != nil {
		t.Fatal(err)
	}
	for i := range viaQueries {
		want := meanNormalized(toks[i], 3)
		if d := testutil.MaxAbsDiff(viaQueries[i], want); d > 1e-6 {
			t.Errorf("include_prompt false, EncodeQueries, text %d: diff %g", i, d)
		}
		if d := testutil.MaxAbsDiff(viaPrompted[i], want); d > 1e-6 {
			t.Errorf("include_prompt false, EncodePrompted, text %d: diff %g", i, d)
		}
	}
}

func TestDenseModule(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	dir := copyDir(t, g.dir)
	// Transformer → Pooling → Dense(32→48, tanh) → Normalize.
	os.WriteFile(filepath.Join(dir, "modules.json"), []byte(`[
		{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
		{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
		{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"},
		{"idx":3,"name":"3","path":"3_Normalize","type":"sentence_transformers.models.Normalize"}]`), 0o644)
	os.MkdirAll(filepath.Join(dir, "2_Dense"), 0o755)
	os.WriteFile(filepath.Join(dir, "2_Dense", "config.json"),
		[]byte(`{"in_features": 32, "out_features": 48, "bias": true, "activation_function": "torch.nn.modules.activation.Tanh"}`), 0o644)
	r := rand.New(rand.NewSource(7))
	w := make([]float64, 48*32)
	b := make([]float64, 48)
	f32 := func(v []float64) []byte {
		var out []byte
		for _, x := range v {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(x)))
		}
		return out
	}
	for i := range w {
		w[i] = float64(float32(r.NormFloat64() / math.Sqrt(32)))
	}
	for i := range b {
		b[i] = float64(float32(r.NormFloat64() * 0.1))
	}
	writeTensors(t, filepath.Join(dir, "2_Dense", "model.safetensors"), map[string]rawTensor{
		"linear.weight": {"F32", []int{48, 32}, f32(w)},
		"linear.bias":   {"F32", []int{48}, f32(b)},
	})
	m := mustLoad(t, dir)
	if m.Dim() != 48 {
		t.Fatalf("Dim %d, want 48", m.Dim())
	}
	got := mustEncode(t, m, goldenTexts(g))
	worst := 0.0
	for i, it := range g.Items {
		// float64 reference from the golden pooled vector.
		want := make([]float32, 48)
		var ss float64
		y := make([]float64, 48)
		for o := range y {
			s := b[o]
			for k := 0; k < 32; k++ {
				s += w[o*32+k] * float64(it.pooled[k])
			}
			y[o] = math.Tanh(s)
			ss += y[o] * y[o]
		}
		for o := range y {
			want[o] = float32(y[o] / math.Sqrt(ss))
		}
		d := testutil.MaxAbsDiff(got[i], want)
		worst = math.Max(worst, d)
		if d > 1e-5 {
			t.Errorf("item %d: Dense output diff %g", i, d)
		}
	}
	t.Logf("Dense: max abs diff %.3g", worst)

	// A Dense module with only PyTorch weights is refused with advice.
	os.Rename(filepath.Join(dir, "2_Dense", "model.safetensors"), filepath.Join(dir, "2_Dense", "pytorch_model.bin"))
	_, err := Load(context.Background(), dir)
	if !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "2_Dense") || !strings.Contains(err.Error(), "convert it to model.safetensors") {
		t.Errorf("Dense with pytorch_model.bin: %v", err)
	}
}

func TestPlainHFFolder(t *testing.T) {
	// No modules.json / sentence_bert_config.json: mean pooling, no
	// Normalize, max length from the model and tokenizer (512).
	g := loadGolden(t, "tiny-bert", "public")
	dir := copyDir(t, g.dir)
	for _, f := range []string{"modules.json", "sentence_bert_config.json", "1_Pooling/config.json", "1_Pooling"} {
		os.Remove(filepath.Join(dir, f))
	}
	m := mustLoad(t, dir, WithMaxSeqLength(128))
	got := mustEncode(t, m, goldenTexts(g))
	for i, it := range g.Items {
		if d := testutil.MaxAbsDiff(got[i], it.pooled); d > 1e-5 {
			t.Errorf("item %d: diff from golden pooled %g", i, d)
		}
	}
	if m2 := mustLoad(t, dir); m2.MaxSeqLength() != 512 {
		t.Errorf("default max length %d, want 512", m2.MaxSeqLength())
	}
}

func TestShardedPrefixedWeights(t *testing.T) {
	g := loadGolden(t, "tiny-xlmr", "public")
	dir := copyDir(t, g.dir)
	ts := readTensors(t, filepath.Join(dir, "model.safetensors"))
	os.Remove(filepath.Join(dir, "model.safetensors"))
	shards := [2]map[string]rawTensor{{}, {}}
	index := `{"metadata": {"total_size": 0}, "weight_map": {`
	i := 0
	for name, tt := range ts {
		s := i % 2
		shards[s]["roberta."+name] = tt
		if i > 0 {
			index += ","
		}
		index += fmt.Sprintf("%q: \"model-0000%d-of-00002.safetensors\"", "roberta."+name, s+1)
		i++
	}
	index += "}}"
	for s := range shards {
		writeTensors(t, filepath.Join(dir, fmt.Sprintf("model-0000%d-of-00002.safetensors", s+1)), shards[s])
	}
	os.WriteFile(filepath.Join(dir, "model.safetensors.index.json"), []byte(index), 0o644)
	m := mustLoad(t, dir)
	toks, err := m.EncodeTokens(context.Background(), goldenTexts(g)[:8])
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range g.Items[:8] {
		var flat []float32
		for _, r := range toks[i] {
			flat = append(flat, r...)
		}
		if d := testutil.MaxAbsDiff(flat, it.hidden); d > 1e-4 {
			t.Errorf("item %d: diff %g", i, d)
		}
	}
	// A missing shard names itself and the index.
	os.Remove(filepath.Join(dir, "model-00002-of-00002.safetensors"))
	indexPath := filepath.Join(dir, "model.safetensors.index.json")
	_, err = Load(context.Background(), dir)
	if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "model-00002-of-00002.safetensors") || !strings.Contains(err.Error(), indexPath) {
		t.Errorf("missing shard: %v", err)
	}
	// A shard name that leaves the folder is a bad model, named with the
	// index.
	for _, bad := range []string{"../model-00001-of-00002.safetensors", "/etc/passwd", "sub/x.safetensors", ".."} {
		b, _ := json.Marshal(map[string]any{"weight_map": map[string]string{"roberta.embeddings.word_embeddings.weight": bad}})
		os.WriteFile(indexPath, b, 0o644)
		_, err := Load(context.Background(), dir)
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), indexPath) || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("shard %q: %v", bad, err)
		}
	}
}

func TestNormalizeAndTruncate(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	texts := goldenTexts(g)[:10]
	raw := mustEncode(t, mustLoad(t, g.dir, WithNormalize(false)), texts)
	for i, it := range g.Items[:10] {
		if d := testutil.MaxAbsDiff(raw[i], it.pooled); d > 1e-5 {
			t.Errorf("WithNormalize(false): item %d differs from pooled by %g", i, d)
		}
	}
	m := mustLoad(t, g.dir, WithTruncateDim(8))
	if m.Dim() != 8 || !m.Identity().Normalized || m.Identity().Dim != 8 {
		t.Fatalf("Dim %d, identity %+v", m.Dim(), m.Identity())
	}
	tr := mustEncode(t, m, texts)
	for i, it := range g.Items[:10] {
		want := append([]float32(nil), it.normalized[:8]...)
		normalize(want)
		if d := testutil.MaxAbsDiff(tr[i], want); d > 1e-5 {
			t.Errorf("truncate 8: item %d diff %g", i, d)
		}
	}
	// tiny-xlmr has no Normalize module: WithNormalize(true) adds it.
	gx := loadGolden(t, "tiny-xlmr", "public")
	mx := mustLoad(t, gx.dir, WithNormalize(true))
	if !mx.Identity().Normalized {
		t.Error("WithNormalize(true) not reflected in Identity")
	}
	nx := mustEncode(t, mx, goldenTexts(gx)[:10])
	for i, it := range gx.Items[:10] {
		if d := testutil.MaxAbsDiff(nx[i], it.normalized); d > 1e-5 {
			t.Errorf("xlmr normalized item %d diff %g", i, d)
		}
	}
	if _, err := Load(context.Background(), g.dir, WithTruncateDim(33)); err == nil {
		t.Error("truncate beyond Dim: no error")
	}
	if _, err := Load(context.Background(), g.dir, WithMaxSeqLength(600)); err == nil {
		t.Error("max length beyond positions: no error")
	}
	short := mustLoad(t, g.dir, WithMaxSeqLength(5))
	toks, err := short.EncodeTokens(context.Background(), []string{"one two three four five six seven"})
	if err != nil || len(toks[0]) != 5 {
		t.Errorf("WithMaxSeqLength(5): %d tokens, %v", len(toks[0]), err)
	}
}

func TestRobertaPositions(t *testing.T) {
	c := &config{fam: familyOf("roberta"), pad: 1}
	ids := []int{0, 5, 1, 7, 8, 2}
	// transformers: mask = ids != pad; cumsum(mask) * mask + pad.
	var want []int
	sum := 0
	for _, id := range ids {
		mask := 0
		if id != c.pad {
			mask = 1
		}
		sum += mask
		want = append(want, sum*mask+c.pad)
	}
	if got := positions(nil, ids, c); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("positions %v, want %v", got, want)
	}
	if got := positions(nil, ids, &config{fam: familyOf("bert")}); fmt.Sprint(got) != "[0 1 2 3 4 5]" {
		t.Errorf("BERT positions %v", got)
	}
}

func TestStrip(t *testing.T) {
	for in, want := range map[string]string{
		"  a b  ":                     "a b",
		"\x1c\x1d\x1e\x1fx\u0085":     "x",
		"\u3000\u00a0y\u2029":         "y",
		"\u200bz\u200b":               "\u200bz\u200b", // zero-width space is not whitespace
		"\ufeffw":                     "\ufeffw",
		"\t\n\v\f\r":                  "",
		"\u180ev":                     "\u180ev", // Mongolian vowel separator: not space since Unicode 6.3
		"\u1680\u2000\u200a q \u205f": "q",
	} {
		if got := pyStrip(in); got != want {
			t.Errorf("pyStrip(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentEncode(t *testing.T) {
	g := loadGolden(t, "tiny-xlmr", "public")
	m := mustLoad(t, g.dir, WithBatchSize(5), WithWorkers(2))
	texts := goldenTexts(g)
	want := mustEncode(t, m, texts)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sub := texts[w*4 : w*4+20]
			got, err := m.Encode(context.Background(), sub)
			if err != nil {
				errs <- err
				return
			}
			for i := range sub {
				if d := testutil.MaxAbsDiff(got[i], want[w*4+i]); d > 1e-6 {
					errs <- fmt.Errorf("goroutine %d text %d: diff %g", w, i, d)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCLSPooling(t *testing.T) {
	// bge-style: CLS pooling then Normalize; the golden's first token row.
	g := loadGolden(t, "tiny-bert", "public")
	dir := copyDir(t, g.dir)
	os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"),
		[]byte(`{"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}`), 0o644)
	got := mustEncode(t, mustLoad(t, dir), goldenTexts(g))
	for i, it := range g.Items {
		want := append([]float32(nil), it.hidden[:32]...)
		normalize(want)
		if d := testutil.MaxAbsDiff(got[i], want); d > 1e-5 {
			t.Errorf("item %d: CLS diff %g", i, d)
		}
	}
}

func TestDoLowerCase(t *testing.T) {
	// tiny-xlmr's Unigram tokenizer is cased: do_lower_case must lower the
	// text before it, as sentence-transformers' Transformer.tokenize does.
	dir := copyDir(t, filepath.Join("testdata", "tiny-xlmr"))
	cased := mustLoad(t, dir)
	os.WriteFile(filepath.Join(dir, "sentence_bert_config.json"), []byte(`{"max_seq_length": 128, "do_lower_case": true}`), 0o644)
	lower := mustLoad(t, dir)
	got := mustEncode(t, lower, []string{"HELLO World ÉCOLE"})
	want := mustEncode(t, cased, []string{"hello world école"})
	upper := mustEncode(t, cased, []string{"HELLO World ÉCOLE"})
	if d := testutil.MaxAbsDiff(got[0], want[0]); d > 1e-6 {
		t.Errorf("do_lower_case: differs from the lower-cased text by %g", d)
	}
	if testutil.MaxAbsDiff(upper[0], want[0]) < 1e-3 {
		t.Error("test is vacuous: the tokenizer already ignores case")
	}
}

func TestActivations(t *testing.T) {
	// Reference values: x·Φ(x) and the tanh approximation, from their
	// definitions evaluated in float64.
	x := []float32{-3, -1, -0.5, 0, 0.5, 1, 3}
	for _, tc := range []struct {
		name string
		f    func(float64) float64
	}{
		{"gelu", func(v float64) float64 { return v * 0.5 * math.Erfc(-v/math.Sqrt2) }},
		{"gelu_new", func(v float64) float64 {
			return 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*math.Pow(v, 3))))
		}},
		{"gelu_pytorch_tanh", func(v float64) float64 {
			return 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*math.Pow(v, 3))))
		}},
		{"relu", func(v float64) float64 { return math.Max(v, 0) }},
	} {
		act, ok := activationByName(tc.name)
		if !ok {
			t.Fatalf("%s not supported", tc.name)
		}
		got := append([]float32(nil), x...)
		act(got)
		for i, v := range x {
			if d := math.Abs(float64(got[i]) - tc.f(float64(v))); d > 1e-6 {
				t.Errorf("%s(%g) = %g, want %g", tc.name, v, got[i], tc.f(float64(v)))
			}
		}
	}
	// erf GELU and tanh GELU differ by ~1e-4 near |x| = 2: the test above
	// would notice a swap.
	g, _ := activationByName("gelu")
	n, _ := activationByName("gelu_new")
	a, b := []float32{2}, []float32{2}
	g(a)
	n(b)
	if math.Abs(float64(a[0]-b[0])) < 1e-5 {
		t.Error("gelu and gelu_new indistinguishable at 2")
	}
	if _, ok := activationByName("mish"); ok {
		t.Error("mish accepted")
	}
	// SiLU (Qwen3's hidden_act): x·σ(x), 2/(1+e⁻²) at 2.
	s, _ := activationByName("silu")
	x = []float32{2, -3}
	s(x)
	if math.Abs(float64(x[0])-2/(1+math.Exp(-2))) > 1e-6 || math.Abs(float64(x[1])+3/(1+math.Exp(3))) > 1e-6 {
		t.Errorf("silu(2, -3) = %v", x)
	}
}

func TestIdentityLocal(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "tiny-xlmr"))
	a := mustLoad(t, dir).Identity()
	b := mustLoad(t, dir).Identity()
	if a != b || len(a.Revision) != len("sha256:")+64 || a.Model != dir || a.Dim != 32 || a.Normalized || a.Prompt != "" {
		t.Fatalf("identities %+v / %+v", a, b)
	}
	// Changing a weight changes the revision.
	p := filepath.Join(dir, "model.safetensors")
	ts := readTensors(t, p)
	ts["embeddings.LayerNorm.bias"].data[0] ^= 1
	writeTensors(t, p, ts)
	if c := mustLoad(t, dir).Identity(); c.Revision == a.Revision {
		t.Error("revision unchanged after editing the weights")
	}
}

// TestIdentityInvalidUTF8Folder checks that a folder name that is not
// UTF-8 gives a valid UTF-8 Identity().Model (which ganada.Collection
// requires), with the bad byte replaced.
func TestIdentityInvalidUTF8Folder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "model-\xff")
	if err := os.Rename(copyDir(t, filepath.Join("testdata", "tiny-bert")), dir); err != nil {
		t.Skipf("this file system refuses a non-UTF-8 name: %v", err)
	}
	id := mustLoad(t, dir).Identity()
	if !utf8.ValidString(id.Model) || id.Model != strings.ToValidUTF8(dir, "\uFFFD") {
		t.Errorf("Identity().Model %q, want %q", id.Model, strings.ToValidUTF8(dir, "\uFFFD"))
	}
}
