// errors_test.go checks bad input: empty texts and slices, cancelled
// contexts, and broken model folders (missing, corrupt or truncated files,
// wrong shapes or dtypes, NaN weights, unsupported architectures).

package transformer

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// copyDir copies a fixture folder (without goldens) into a temp folder.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if strings.HasPrefix(rel, "goldens") {
			return nil
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

type rawTensor struct {
	dtype string
	shape []int
	data  []byte
}

// readTensors reads every tensor of a safetensors file as raw bytes.
func readTensors(t testing.TB, path string) map[string]rawTensor {
	t.Helper()
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]rawTensor{}
	for _, n := range f.Names() {
		info, _ := f.Tensor(n)
		b, _ := f.Bytes(n)
		out[n] = rawTensor{string(info.DType), info.Shape, append([]byte(nil), b...)}
	}
	return out
}

// writeTensors writes a safetensors file (names sorted, header padded to 8).
func writeTensors(t testing.TB, path string, ts map[string]rawTensor) {
	t.Helper()
	names := make([]string, 0, len(ts))
	for n := range ts {
		names = append(names, n)
	}
	sort.Strings(names)
	hdr := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var data []byte
	for _, n := range names {
		tt := ts[n]
		begin := len(data)
		data = append(data, tt.data...)
		hdr[n] = map[string]any{"dtype": tt.dtype, "shape": tt.shape, "data_offsets": []int{begin, len(data)}}
	}
	js, _ := json.Marshal(hdr)
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	out = append(append(out, js...), data...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	m, err := Load(context.Background(), filepath.Join("testdata", "tiny-bert"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()

	// Empty slice: empty result, no error.
	if v, err := m.Encode(ctx, nil); err != nil || v == nil || len(v) != 0 {
		t.Errorf("Encode(nil) = %v, %v", v, err)
	}
	if v, err := m.EncodeTokens(ctx, []string{}); err != nil || len(v) != 0 {
		t.Errorf("EncodeTokens(empty) = %v, %v", v, err)
	}
	// Empty and whitespace-only texts encode as [CLS] [SEP]: identical
	// vectors, two token rows, finite values.
	toks, err := m.EncodeTokens(ctx, []string{"", " \t\n\u3000\x1c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(toks[0]) != 2 || len(toks[1]) != 2 {
		t.Errorf("empty text: %d and %d token rows, want 2", len(toks[0]), len(toks[1]))
	}
	vecs, err := m.Encode(ctx, []string{"", "   ", "\xff\xfe invalid \xc3", "ok"})
	if err != nil {
		t.Fatal(err)
	}
	// Equal up to rounding: a row's products may round differently at
	// another position of a batch.
	if d := testutil.MaxAbsDiff(vecs[0], vecs[1]); d > 1e-6 {
		t.Errorf("empty and whitespace-only texts differ by %g", d)
	}
	for i, v := range vecs {
		if len(v) != m.Dim() {
			t.Fatalf("vector %d has %d dims", i, len(v))
		}
		var ss float64
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("vector %d not finite", i)
			}
			ss += float64(x) * float64(x)
		}
		if math.Abs(ss-1) > 1e-5 {
			t.Errorf("vector %d norm² %g, want 1 (Normalize module)", i, ss)
		}
	}
	// Invalid UTF-8 encodes like the same text with U+FFFD, as the
	// tokenizer documents.
	repl, err := m.Encode(ctx, []string{"\ufffd\ufffd invalid \ufffd"})
	if err != nil {
		t.Fatal(err)
	}
	if d := testutil.MaxAbsDiff(vecs[2], repl[0]); d > 1e-6 {
		t.Errorf("invalid UTF-8 differs from U+FFFD text by %g", d)
	}

	// A cancelled context returns ctx.Err().
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Encode(cctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// Cancelling from the progress callback stops between batches.
	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	texts := make([]string, 40)
	for i := range texts {
		texts[i] = strings.Repeat("word ", i+1)
	}
	batches := 0
	mc, err := Load(context.Background(), filepath.Join("testdata", "tiny-bert"), WithBatchSize(4), WithWorkers(1),
		WithProgress(func(done, total int) {
			batches++
			if done == 8 {
				cancel()
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	if _, err := mc.Encode(cctx, texts); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled mid-way: %v", err)
	}
	if batches > 3 {
		t.Errorf("%d batches ran after cancelling at the second", batches)
	}

	// After Close: errs.ErrClosed.
	m2, err := Load(context.Background(), filepath.Join("testdata", "tiny-xlmr"))
	if err != nil {
		t.Fatal(err)
	}
	m2.Close()
	if _, err := m2.Encode(ctx, []string{"a"}); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if err := m2.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestProgress(t *testing.T) {
	var calls [][2]int
	m, err := Load(context.Background(), filepath.Join("testdata", "tiny-bert"), WithBatchSize(3), WithWorkers(2),
		WithProgress(func(done, total int) { calls = append(calls, [2]int{done, total}) }))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Encode(context.Background(), make([]string, 10)); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 4 || calls[3] != [2]int{10, 10} {
		t.Fatalf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Errorf("progress not increasing: %v", calls)
		}
	}
}

func TestBrokenModels(t *testing.T) {
	base := filepath.Join("testdata", "tiny-bert")
	weights := func(t *testing.T, dir string, edit func(map[string]rawTensor)) {
		p := filepath.Join(dir, "model.safetensors")
		ts := readTensors(t, p)
		edit(ts)
		writeTensors(t, p, ts)
	}
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		is     error
		want   []string // substrings of the error
	}{
		{"no config", func(t *testing.T, d string) { os.Remove(filepath.Join(d, "config.json")) }, errs.ErrCorrupt, []string{"config.json"}},
		{"unknown model_type", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["model_type"] = "llama" })
		}, errs.ErrUnsupported, []string{`"llama"`, "config.json"}},
		{"unknown activation", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["hidden_act"] = "swiglu" })
		}, errs.ErrUnsupported, []string{"swiglu"}},
		{"relative positions", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["position_embedding_type"] = "relative_key" })
		}, errs.ErrUnsupported, []string{"relative_key"}},
		{"config/weights mismatch", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["intermediate_size"] = 65 })
		}, errs.ErrCorrupt, []string{"encoder.layer.0.intermediate.dense.weight", "model.safetensors", "[64 32]"}},
		{"corrupt config", func(t *testing.T, d string) { os.WriteFile(filepath.Join(d, "config.json"), []byte("{"), 0o644) }, errs.ErrCorrupt, []string{"config.json"}},
		{"no weights", func(t *testing.T, d string) { os.Remove(filepath.Join(d, "model.safetensors")) }, errs.ErrCorrupt, []string{"model.safetensors"}},
		{"pytorch only", func(t *testing.T, d string) {
			os.Rename(filepath.Join(d, "model.safetensors"), filepath.Join(d, "pytorch_model.bin"))
		}, errs.ErrCorrupt, []string{"pytorch_model.bin", "zip"}},
		{"truncated weights", func(t *testing.T, d string) {
			p := filepath.Join(d, "model.safetensors")
			st, _ := os.Stat(p)
			os.Truncate(p, st.Size()-100)
		}, errs.ErrCorrupt, []string{"model.safetensors"}},
		{"garbage weights", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "model.safetensors"), []byte("not a safetensors file at all"), 0o644)
		}, errs.ErrCorrupt, []string{"model.safetensors"}},
		{"NaN weight", func(t *testing.T, d string) {
			weights(t, d, func(ts map[string]rawTensor) {
				b := ts["encoder.layer.1.output.dense.weight"].data
				binary.LittleEndian.PutUint32(b[40:], math.Float32bits(float32(math.NaN())))
			})
		}, errs.ErrCorrupt, []string{"encoder.layer.1.output.dense.weight", "model.safetensors", "NaN"}},
		{"Inf weight", func(t *testing.T, d string) {
			weights(t, d, func(ts map[string]rawTensor) {
				b := ts["embeddings.LayerNorm.bias"].data
				binary.LittleEndian.PutUint32(b, math.Float32bits(float32(math.Inf(-1))))
			})
		}, errs.ErrCorrupt, []string{"embeddings.LayerNorm.bias"}},
		{"missing tensor", func(t *testing.T, d string) {
			weights(t, d, func(ts map[string]rawTensor) { delete(ts, "encoder.layer.1.attention.self.key.bias") })
		}, errs.ErrCorrupt, []string{"encoder.layer.1.attention.self.key.bias"}},
		{"wrong shape", func(t *testing.T, d string) {
			weights(t, d, func(ts map[string]rawTensor) {
				x := ts["encoder.layer.0.attention.self.query.weight"]
				x.shape = []int{16, 64}
				ts["encoder.layer.0.attention.self.query.weight"] = x
			})
		}, errs.ErrCorrupt, []string{"encoder.layer.0.attention.self.query.weight", "[16 64]", "[32 32]"}},
		{"integer dtype", func(t *testing.T, d string) {
			weights(t, d, func(ts map[string]rawTensor) {
				y := ts["encoder.layer.0.output.LayerNorm.weight"]
				y.dtype = "I32"
				ts["encoder.layer.0.output.LayerNorm.weight"] = y
			})
		}, errs.ErrUnsupported, []string{"encoder.layer.0.output.LayerNorm.weight", "I32"}},
		{"extra layer", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["num_hidden_layers"] = 1 })
		}, errs.ErrCorrupt, []string{"num_hidden_layers"}},
		{"no tokenizer", func(t *testing.T, d string) { os.Remove(filepath.Join(d, "tokenizer.json")) }, errs.ErrCorrupt, []string{"tokenizer.json"}},
		{"tokenizer too big for vocab", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["vocab_size"] = 1000 })
			weights(t, d, func(ts map[string]rawTensor) {
				x := ts["embeddings.word_embeddings.weight"]
				x.shape = []int{1000, 32}
				x.data = x.data[:1000*32*4]
				ts["embeddings.word_embeddings.weight"] = x
			})
		}, errs.ErrCorrupt, []string{"vocab_size"}},
		{"max_seq_length too long", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "sentence_bert_config.json"), []byte(`{"max_seq_length": 513}`), 0o644)
		}, errs.ErrCorrupt, []string{"513"}},
		{"unknown module", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "modules.json"), []byte(`[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_LSTM","type":"sentence_transformers.models.LSTM"}]`), 0o644)
		}, errs.ErrUnsupported, []string{"LSTM"}},
		{"negative layer_norm_eps", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["layer_norm_eps"] = -1e-12 })
		}, errs.ErrCorrupt, []string{"layer_norm_eps", "-1e-12", "config.json"}},
		{"zero layer_norm_eps", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["layer_norm_eps"] = 0 })
		}, errs.ErrCorrupt, []string{"layer_norm_eps"}},
		{"layer_norm_eps 0 in float32", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["layer_norm_eps"] = 1e-50 })
		}, errs.ErrCorrupt, []string{"layer_norm_eps"}},
		{"layer_norm_eps Inf in float32", func(t *testing.T, d string) {
			editJSON(t, filepath.Join(d, "config.json"), func(c map[string]any) { c["layer_norm_eps"] = 1e39 })
		}, errs.ErrCorrupt, []string{"layer_norm_eps"}},
		{"layer_norm_eps NaN (as Python writes it)", func(t *testing.T, d string) {
			replaceInFile(t, filepath.Join(d, "config.json"), `"layer_norm_eps": 1e-12`, `"layer_norm_eps": NaN`)
		}, errs.ErrCorrupt, []string{"config.json"}},
		{"layer_norm_eps beyond float64", func(t *testing.T, d string) {
			replaceInFile(t, filepath.Join(d, "config.json"), `"layer_norm_eps": 1e-12`, `"layer_norm_eps": 1e999`)
		}, errs.ErrCorrupt, []string{"layer_norm_eps", "config.json"}},
		{"corrupt pooling config", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "1_Pooling", "config.json"), []byte("{"), 0o644)
		}, errs.ErrCorrupt, []string{filepath.Join("1_Pooling", "config.json")}},
		{"corrupt modules.json", func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "modules.json"), []byte(`[{`), 0o644)
		}, errs.ErrCorrupt, []string{"modules.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, base)
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
			// "transformer: FILE: what: <kind>", each file named once.
			if msg := err.Error(); !strings.HasPrefix(msg, "transformer: ") || strings.Count(msg, dir) > 1 {
				t.Errorf("error %q does not start with \"transformer: \" or names a file twice", msg)
			}
			if cfg := filepath.Join(dir, "config.json"); strings.Contains(err.Error(), cfg) && !errors.Is(err, fs.ErrNotExist) &&
				(!strings.HasPrefix(err.Error(), "transformer: "+cfg+": ") || !strings.HasSuffix(err.Error(), ": "+tc.is.Error())) {
				t.Errorf("error %q: want %q", err, "transformer: "+cfg+": ...: "+tc.is.Error())
			}
		})
	}
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("absent folder: no error")
	}
}

// replaceInFile replaces old, which must occur, by new in the file.
func replaceInFile(t testing.TB, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editJSON(t testing.TB, path string, edit func(map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
