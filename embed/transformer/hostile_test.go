// hostile_test.go loads hostile model folders: config.json ids and sizes
// that do not match the weights, tokenizers producing ids beyond the
// embeddings, broken sentence-transformers module configs, files that are
// not regular (FIFOs, devices, directories) or are huge, and weights so
// large that the forward pass overflows. Every one must fail with a
// wrapped error naming the file and field, at load or (for overflow) at
// Encode, never panic or block.

package transformer

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

// loadWithin calls Load(context.Background(), dir) and fails the test if it takes longer than a
// minute (a FIFO would block it for ever).
func loadWithin(t *testing.T, dir string, opts ...Option) (*Model, error) {
	t.Helper()
	type result struct {
		m   *Model
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := Load(context.Background(), dir, opts...)
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-time.After(time.Minute):
		t.Fatalf("Load(context.Background(), %s) blocks", dir)
		return nil, nil
	}
}

// hostileCase is a broken model folder and the error it must give.
type hostileCase struct {
	name   string
	base   string // testdata folder
	break_ func(t *testing.T, dir string)
	is     error
	want   []string // substrings of the error
}

func runHostile(t *testing.T, cases []hostileCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("testdata", tc.base))
			tc.break_(t, dir)
			m, err := loadWithin(t, dir)
			if err == nil {
				// It must at least encode cleanly.
				_, eerr := m.Encode(context.Background(), []string{"hello world", ""})
				m.Close()
				t.Fatalf("no error at load (Encode: %v)", eerr)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "transformer: ") {
				t.Errorf("error %q does not start with \"transformer: \"", err)
			}
		})
	}
}

func setConfig(key string, v any) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		editJSON(t, filepath.Join(dir, "config.json"), func(c map[string]any) {
			if v == nil {
				delete(c, key)
			} else {
				c[key] = v
			}
		})
	}
}

// TestConfigIDsAndSizes checks every id and size of config.json against
// the weights: a pad_token_id of -5 used to load and make every Encode of
// an XLM-R model panic (slice bounds out of range in embedPart).
func TestConfigIDsAndSizes(t *testing.T) {
	cfg := "config.json"
	runHostile(t, []hostileCase{
		{"xlmr pad_token_id -5", "tiny-xlmr", setConfig("pad_token_id", -5), errs.ErrCorrupt, []string{cfg, "pad_token_id", "-5"}},
		{"xlmr pad_token_id vocab_size", "tiny-xlmr", setConfig("pad_token_id", 8002), errs.ErrCorrupt, []string{cfg, "pad_token_id", "8002"}},
		{"xlmr pad_token_id beyond positions", "tiny-xlmr", setConfig("pad_token_id", 600), errs.ErrCorrupt, []string{cfg, "max_position_embeddings", "600"}},
		{"bert pad_token_id -1", "tiny-bert", setConfig("pad_token_id", -1), errs.ErrCorrupt, []string{cfg, "pad_token_id"}},
		{"hidden_size 0", "tiny-bert", setConfig("hidden_size", 0), errs.ErrCorrupt, []string{cfg, "hidden_size 0"}},
		{"hidden_size 2^40", "tiny-bert", setConfig("hidden_size", 1<<40), errs.ErrCorrupt, []string{"model.safetensors", "[32 32]", "config.json implies [1099511627776 1099511627776]"}},
		{"hidden_size not a multiple of heads", "tiny-bert", setConfig("hidden_size", 30), errs.ErrCorrupt, []string{cfg, "num_attention_heads"}},
		{"num_attention_heads 0", "tiny-bert", setConfig("num_attention_heads", 0), errs.ErrCorrupt, []string{cfg, "num_attention_heads 0"}},
		{"num_attention_heads -4", "tiny-bert", setConfig("num_attention_heads", -4), errs.ErrCorrupt, []string{cfg, "num_attention_heads -4"}},
		{"intermediate_size 0", "tiny-bert", setConfig("intermediate_size", 0), errs.ErrCorrupt, []string{cfg, "intermediate_size"}},
		{"intermediate_size 2^40", "tiny-bert", setConfig("intermediate_size", 1<<40), errs.ErrCorrupt, []string{"intermediate.dense.weight"}},
		{"num_hidden_layers 2^30", "tiny-bert", setConfig("num_hidden_layers", 1<<30), errs.ErrCorrupt, []string{"encoder.layer.2."}},
		{"num_hidden_layers 0", "tiny-bert", setConfig("num_hidden_layers", 0), errs.ErrCorrupt, []string{cfg, "num_hidden_layers"}},
		{"vocab_size beyond the table", "tiny-bert", setConfig("vocab_size", 40000), errs.ErrCorrupt, []string{"embeddings.word_embeddings.weight", "[40000 32]"}},
		{"vocab_size -1", "tiny-bert", setConfig("vocab_size", -1), errs.ErrCorrupt, []string{cfg, "vocab_size"}},
		{"max_position_embeddings beyond the table", "tiny-bert", setConfig("max_position_embeddings", 4096), errs.ErrCorrupt, []string{"position_embeddings", "[4096 32]"}},
		{"max_position_embeddings 0", "tiny-bert", setConfig("max_position_embeddings", 0), errs.ErrCorrupt, []string{cfg, "max_position_embeddings"}},
		{"xlmr max_position_embeddings 2", "tiny-xlmr", setConfig("max_position_embeddings", 2), errs.ErrCorrupt, []string{cfg, "max_position_embeddings 2"}},
		{"type_vocab_size 0", "tiny-bert", setConfig("type_vocab_size", 0), errs.ErrCorrupt, []string{cfg, "type_vocab_size 0"}},
		{"type_vocab_size beyond the table", "tiny-bert", setConfig("type_vocab_size", 3), errs.ErrCorrupt, []string{"token_type_embeddings", "[3 32]"}},
		{"sizes beyond int64", "tiny-bert", func(t *testing.T, d string) {
			replaceInFile(t, filepath.Join(d, "config.json"), `"hidden_size": 32`, `"hidden_size": 1e30`)
		}, errs.ErrCorrupt, []string{cfg}},
	})
}

// TestConfigTypeVocabAbsent checks that a config.json without
// type_vocab_size takes the token type table's rows.
func TestConfigTypeVocabAbsent(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	texts := []string{"a first text", "and a second one"}
	want := mustEncode(t, mustLoad(t, dir), texts)
	setConfig("type_vocab_size", nil)(t, dir)
	m := mustLoad(t, dir)
	if m.enc.cfg.TypeVocabSize != 2 {
		t.Errorf("TypeVocabSize = %d, want the table's 2 rows", m.enc.cfg.TypeVocabSize)
	}
	got := mustEncode(t, m, texts)
	for i := range got {
		if d := testutil.MaxAbsDiff(got[i], want[i]); d != 0 {
			t.Errorf("text %d: diff %g", i, d)
		}
	}
}

// editTokenizer edits the tokenizer.json of dir as JSON.
func editTokenizer(edit func(tj map[string]any)) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) { editJSON(t, filepath.Join(dir, "tokenizer.json"), edit) }
}

// TestTokenizerIDsAtLoad checks the ids a tokenizer can produce against
// the embedding tables at load: its added tokens, and the special tokens
// and type ids its post-processor adds.
func TestTokenizerIDsAtLoad(t *testing.T) {
	specials := func(key string, v any) func(t *testing.T, dir string) {
		return editTokenizer(func(tj map[string]any) {
			pp := tj["post_processor"].(map[string]any)
			switch key {
			case "ids":
				pp["special_tokens"].(map[string]any)["[CLS]"].(map[string]any)["ids"] = v
			case "type_id":
				single := pp["single"].([]any)
				single[0].(map[string]any)["SpecialToken"].(map[string]any)["type_id"] = v
			}
		})
	}
	runHostile(t, []hostileCase{
		{"post-processor id beyond vocab", "tiny-bert", specials("ids", []int{999999}), errs.ErrCorrupt, []string{"tokenizer.json", "999999"}},
		{"post-processor type id beyond types", "tiny-bert", specials("type_id", 7), errs.ErrCorrupt, []string{"tokenizer.json", "type id 7"}},
		{"added token beyond vocab", "tiny-bert", editTokenizer(func(tj map[string]any) {
			tj["added_tokens"] = append(tj["added_tokens"].([]any), map[string]any{
				"id": 40000, "content": "[NEW]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})
		}), errs.ErrCorrupt, []string{"tokenizer.json", "vocab_size is 30522"}},
	})
}

// writeDense adds a Dense module with the given config (and, if w is not
// nil, weights [out, in]) after the Pooling module of dir.
func writeDense(t *testing.T, dir, config string, out, in int) {
	t.Helper()
	os.WriteFile(filepath.Join(dir, "modules.json"), []byte(`[
		{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
		{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
		{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}]`), 0o644)
	os.MkdirAll(filepath.Join(dir, "2_Dense"), 0o755)
	os.WriteFile(filepath.Join(dir, "2_Dense", "config.json"), []byte(config), 0o644)
	if out > 0 && in > 0 {
		writeTensors(t, filepath.Join(dir, "2_Dense", "model.safetensors"), map[string]rawTensor{
			"linear.weight": {"F32", []int{out, in}, make([]byte, 4*out*in)},
			"linear.bias":   {"F32", []int{out}, make([]byte, 4*out)},
		})
	}
}

// TestModuleConfigs checks the sentence-transformers module files:
// Pooling dimension and modes, Dense features against its weights and
// activation, max_seq_length, module paths.
func TestModuleConfigs(t *testing.T) {
	pooling := func(body string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "1_Pooling", "config.json"), []byte(body), 0o644)
		}
	}
	dense := func(config string, out, in int) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { writeDense(t, dir, config, out, in) }
	}
	stc := func(body string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "sentence_bert_config.json"), []byte(body), 0o644)
		}
	}
	modulePath := func(p string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			b, _ := json.Marshal([]map[string]any{
				{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
				{"idx": 1, "name": "1", "path": p, "type": "sentence_transformers.models.Pooling"}})
			os.WriteFile(filepath.Join(dir, "modules.json"), b, 0o644)
		}
	}
	pc := filepath.Join("1_Pooling", "config.json")
	cases := []hostileCase{
		{"pooling all modes false", "tiny-bert", pooling(`{"word_embedding_dimension": 32, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}`), errs.ErrCorrupt, []string{pc, "no pooling mode"}},
		{"pooling dimension", "tiny-bert", pooling(`{"word_embedding_dimension": 768, "pooling_mode_mean_tokens": true}`), errs.ErrCorrupt, []string{pc, "768"}},
		{"pooling negative dimension", "tiny-bert", pooling(`{"word_embedding_dimension": -32, "pooling_mode_mean_tokens": true}`), errs.ErrCorrupt, []string{pc}},
		{"pooling unknown mode", "tiny-bert", pooling(`{"pooling_mode": "median"}`), errs.ErrCorrupt, []string{pc, "median"}},
		{"dense huge out_features", "tiny-bert", dense(`{"in_features": 32, "out_features": 1099511627776, "activation_function": "torch.nn.modules.activation.Tanh"}`, 48, 32), errs.ErrCorrupt, []string{"linear.weight", "[1099511627776 32]"}},
		{"dense out_features 0", "tiny-bert", dense(`{"in_features": 32, "out_features": 0}`, 48, 32), errs.ErrCorrupt, []string{"2_Dense", "0"}},
		{"dense in_features", "tiny-bert", dense(`{"in_features": 33, "out_features": 48}`, 48, 33), errs.ErrCorrupt, []string{"2_Dense", "33", "32"}},
		{"dense weights of another shape", "tiny-bert", dense(`{"in_features": 32, "out_features": 48}`, 47, 32), errs.ErrCorrupt, []string{"linear.weight", "[47 32]", "[48 32]"}},
		{"dense activation", "tiny-bert", dense(`{"in_features": 32, "out_features": 48, "activation_function": "torch.nn.modules.activation.Softmax"}`, 48, 32), errs.ErrUnsupported, []string{"Softmax"}},
		{"dense bias not bool", "tiny-bert", dense(`{"in_features": 32, "out_features": 48, "bias": "yes"}`, 48, 32), errs.ErrCorrupt, []string{filepath.Join("2_Dense", "config.json")}},
		{"dense no weights", "tiny-bert", dense(`{"in_features": 32, "out_features": 48}`, 0, 0), errs.ErrCorrupt, []string{"2_Dense", "model.safetensors"}},
		{"max_seq_length -1", "tiny-bert", stc(`{"max_seq_length": -1}`), errs.ErrCorrupt, []string{"sentence_bert_config.json", "max_seq_length -1"}},
		{"max_seq_length 0", "tiny-bert", stc(`{"max_seq_length": 0}`), errs.ErrCorrupt, []string{"sentence_bert_config.json", "max_seq_length 0"}},
		{"max_seq_length 2^62", "tiny-bert", stc(`{"max_seq_length": 4611686018427387904}`), errs.ErrCorrupt, []string{"sentence_bert_config.json", "4611686018427387904"}},
		{"max_seq_length 1e30", "tiny-bert", stc(`{"max_seq_length": 1e30}`), errs.ErrCorrupt, []string{"sentence_bert_config.json"}},
	}
	for _, p := range []string{"../1_Pooling", "/etc", "1_Pooling/../../x", `..\1_Pooling`, "C:1_Pooling", "1_Pooling\x00", ".."} {
		cases = append(cases, hostileCase{"module path " + p, "tiny-bert", modulePath(p), errs.ErrCorrupt, []string{"modules.json"}})
	}
	runHostile(t, cases)
	// Negative or too large WithMaxSeqLength.
	for _, n := range []int{-1, 513} {
		if m, err := Load(context.Background(), filepath.Join("testdata", "tiny-bert"), WithMaxSeqLength(n)); err == nil {
			m.Close()
			t.Errorf("WithMaxSeqLength(%d): no error", n)
		}
	}
}

// TestHostileFiles checks files that are not regular or are huge: a
// config.json of 100 MB, a directory named config.json, a FIFO or
// /dev/zero in place of a model file, a shard index naming a missing
// file, weights with overlapping data or an unsupported dtype.
func TestHostileFiles(t *testing.T) {
	replace := func(name string, make func(t *testing.T, p string)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			os.RemoveAll(p)
			make(t, p)
		}
	}
	mkdir := func(t *testing.T, p string) { os.Mkdir(p, 0o755) }
	zero := func(t *testing.T, p string) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero")
		}
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Skip(err)
		}
	}
	fifo := func(t *testing.T, p string) {
		if err := makeFIFO(p); err != nil {
			t.Skip(err)
		}
	}
	cases := []hostileCase{
		{"config.json of 100 MB", "tiny-bert", func(t *testing.T, d string) {
			p := filepath.Join(d, "config.json")
			if err := os.Truncate(p, 100<<20); err != nil {
				t.Fatal(err)
			}
		}, errs.ErrCorrupt, []string{"config.json", "104857600 bytes"}},
		{"tokenizer_config.json of 100 MB", "tiny-bert", func(t *testing.T, d string) {
			os.Truncate(filepath.Join(d, "tokenizer_config.json"), 100<<20)
		}, errs.ErrCorrupt, []string{"tokenizer_config.json", "104857600 bytes"}},
		{"config.json a directory", "tiny-bert", replace("config.json", mkdir), errs.ErrCorrupt, []string{"config.json"}},
		{"model.safetensors a directory", "tiny-bert", replace("model.safetensors", mkdir), errs.ErrCorrupt, []string{"model.safetensors"}},
		{"shard index a directory", "tiny-bert", func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "model.safetensors"))
			os.Mkdir(filepath.Join(d, "model.safetensors.index.json"), 0o755)
		}, errs.ErrCorrupt, []string{"model.safetensors"}},
		{"shard index naming a missing file", "tiny-bert", func(t *testing.T, d string) {
			os.Rename(filepath.Join(d, "model.safetensors"), filepath.Join(d, "model-00001-of-00001.safetensors"))
			os.WriteFile(filepath.Join(d, "model.safetensors.index.json"), []byte(`{"weight_map": {"embeddings.word_embeddings.weight": "model-00001-of-00002.safetensors"}}`), 0o644)
		}, errs.ErrCorrupt, []string{"model-00001-of-00002.safetensors", "model.safetensors.index.json"}},
		{"overlapping tensors", "tiny-bert", func(t *testing.T, d string) {
			p := filepath.Join(d, "model.safetensors")
			b, _ := os.ReadFile(p)
			n := binary.LittleEndian.Uint64(b)
			var hdr map[string]any
			json.Unmarshal(b[8:8+n], &hdr)
			// The word embeddings' data also as the position table's.
			hdr["embeddings.position_embeddings.weight"].(map[string]any)["data_offsets"] = hdr["embeddings.word_embeddings.weight"].(map[string]any)["data_offsets"]
			hdr["embeddings.position_embeddings.weight"].(map[string]any)["shape"] = []int{30522, 32}
			js, _ := json.Marshal(hdr)
			out := append(binary.LittleEndian.AppendUint64(nil, uint64(len(js))), js...)
			os.WriteFile(p, append(out, b[8+n:]...), 0o644)
		}, errs.ErrCorrupt, []string{"model.safetensors", "overlaps"}},
		{"unsupported dtype", "tiny-bert", func(t *testing.T, d string) {
			p := filepath.Join(d, "model.safetensors")
			ts := readTensors(t, p)
			x := ts["encoder.layer.0.attention.self.query.weight"]
			x.dtype = "F8_E4M3"
			x.data = x.data[:len(x.data)/4]
			ts["encoder.layer.0.attention.self.query.weight"] = x
			writeTensors(t, p, ts)
		}, errs.ErrUnsupported, []string{"encoder.layer.0.attention.self.query.weight", "F8_E4M3"}},
		{"unknown dtype", "tiny-bert", func(t *testing.T, d string) {
			p := filepath.Join(d, "model.safetensors")
			ts := readTensors(t, p)
			x := ts["pooler.dense.bias"]
			x.dtype = "C64"
			ts["pooler.dense.bias"] = x
			writeTensors(t, p, ts)
		}, errs.ErrCorrupt, []string{"pooler.dense.bias", "C64"}},
	}
	for _, name := range []string{"config.json", "tokenizer.json", "model.safetensors", "modules.json", "sentence_bert_config.json", filepath.Join("1_Pooling", "config.json")} {
		cases = append(cases,
			hostileCase{name + " a FIFO", "tiny-bert", replace(name, fifo), errs.ErrCorrupt, []string{filepath.Base(name)}},
			hostileCase{name + " /dev/zero", "tiny-bert", replace(name, zero), errs.ErrCorrupt, []string{filepath.Base(name)}})
	}
	runHostile(t, cases)
}

// TestReadFileNotRegular checks the package's own file reader, which the
// checks of the hub's local folders (a stat before the open) leave only a
// window to: a FIFO is refused without blocking, /dev/zero without
// reading for ever, and a regular file beyond the limit before it is read.
func TestReadFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifoPath := filepath.Join(dir, "fifo.json")
	paths := []string{dir}
	if makeFIFO(fifoPath) == nil {
		paths = append(paths, fifoPath)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() { _, err := readFile(p, maxConfigBytes); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("readFile(%s) = %v", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("readFile(%s) blocks", p)
		}
	}
	big := filepath.Join(dir, "big.json")
	os.WriteFile(big, []byte("{}"), 0o644)
	os.Truncate(big, maxConfigBytes+1)
	if _, err := readFile(big, maxConfigBytes); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), big) {
		t.Errorf("readFile(big) = %v", err)
	}
	if _, err := readFile(filepath.Join(dir, "absent"), 10); !errors.Is(err, errs.ErrCorrupt) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readFile(absent) = %v", err)
	}
}

// TestNonFiniteOutput checks that weights which are finite but so large
// that the forward pass overflows float32 (3e38) give an error naming the
// input, not NaN vectors.
func TestNonFiniteOutput(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "tiny-bert"))
	p := filepath.Join(dir, "model.safetensors")
	ts := readTensors(t, p)
	x := ts["encoder.layer.1.output.dense.weight"]
	for i := 0; i < len(x.data); i += 4 {
		binary.LittleEndian.PutUint32(x.data[i:], math.Float32bits(3e38))
	}
	writeTensors(t, p, ts)
	m := mustLoad(t, dir)
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, errs.ErrNonFinite) || !strings.Contains(err.Error(), "input ") {
			t.Errorf("%s: %v, want errs.ErrNonFinite naming the input", what, err)
		}
	}
	_, err := m.Encode(ctx, []string{"hello", "world"})
	check("Encode", err)
	_, err = m.EncodeTokens(ctx, []string{"hello"})
	check("EncodeTokens", err)
	_, err = m.EncodeTokenIDs(ctx, [][]int{{101, 7592, 102}})
	check("EncodeTokenIDs", err)
	_, err = m.EncodeQueries(ctx, []string{"hello"})
	check("EncodeQueries", err)
	_, err = m.EncodePrompted(ctx, "query: ", []string{"hello"})
	check("EncodePrompted", err)
}
