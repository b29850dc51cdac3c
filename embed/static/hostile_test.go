// Tests on hostile input: Model2Vec tokenizers whose ids (padding,
// unknown token, added tokens) have no embedding row, headers declaring
// far more words than the file holds, files that are not regular (FIFOs,
// devices, directories), and vectors so large that a sentence vector
// overflows float32.

package static

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
)

// m2vTokenizerWith edits the tokenizer.json of the Model2Vec folder dir.
func m2vTokenizerWith(t *testing.T, dir string, edit func(tj map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tj map[string]any
	if err := json.Unmarshal(b, &tj); err != nil {
		t.Fatal(err)
	}
	edit(tj)
	b, _ = json.Marshal(tj)
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestModel2VecTokenizerIDs checks every id a Model2Vec tokenizer can
// produce against the embedding rows at load: a padding pad_id of 999999
// used to load and make Encode panic in matrix.addRow.
func TestModel2VecTokenizerIDs(t *testing.T) {
	flat, _ := m2vEmb()
	emb := map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}
	cases := map[string]struct {
		edit func(tj map[string]any)
		want string
	}{
		"pad_id 999999": {func(tj map[string]any) {
			tj["padding"] = map[string]any{"strategy": map[string]any{"Fixed": 8}, "direction": "Right", "pad_to_multiple_of": nil, "pad_id": 999999, "pad_type_id": 0, "pad_token": "[PAD]"}
		}, "pad_id 999999"},
		"added token beyond the rows": {func(tj map[string]any) {
			tj["added_tokens"] = append(tj["added_tokens"].([]any), map[string]any{
				"id": 10, "content": "[NEW]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})
		}, "token ids up to 10"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := m2vFolder(t, emb, `{}`)
			m2vTokenizerWith(t, dir, c.edit)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			m, err := LoadModel2Vec(context.Background(), dir)
			runtime.ReadMemStats(&m1)
			if err == nil {
				_, eerr := m.Encode(context.Background(), []string{"hello world"})
				t.Fatalf("loaded (Encode: %v)", eerr)
			}
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v: want errs.ErrCorrupt mentioning %q", err, c.want)
			}
			if a := m1.TotalAlloc - m0.TotalAlloc; a > 64<<20 {
				t.Errorf("refusing it allocated %d bytes", a)
			}
		})
	}
	// A pad_id inside the vocabulary is fine: padding pads with its row.
	dir := m2vFolder(t, emb, `{}`)
	m2vTokenizerWith(t, dir, cases["pad_id 999999"].edit)
	m2vTokenizerWith(t, dir, func(tj map[string]any) { tj["padding"].(map[string]any)["pad_id"] = 0 })
	m, err := LoadModel2Vec(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Encode(context.Background(), []string{"hello world"}); err != nil {
		t.Fatal(err)
	}
	// The encode-time check behind the load-time one.
	m.tok.n = 4
	if _, err := m.Encode(context.Background(), []string{"hello"}); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "text 0") {
		t.Errorf("id beyond the rows at Encode: %v", err)
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestHeaderCountBounded checks that the word count of a header is
// bounded by the input before anything is allocated for it: a 24-byte
// word2vec binary file claiming 2^63-1 words allocated 307 MB.
func TestHeaderCountBounded(t *testing.T) {
	dir := t.TempDir()
	inputs := map[string][]byte{
		"w2v.bin":   append([]byte("9223372036854775807 1\n"), 'a', ' '),
		"w2v-4.bin": append([]byte("4000000 1\n"), 'a', ' ', 0, 0, 0x80, 0x3f),
		"ft.vec":    []byte("9223372036854775807 1\na 1\n"),
		"ft-4.vec":  []byte("4000000 1\na 1\n"),
	}
	for name, b := range inputs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		readers := map[string]func() error{
			"Load": func() error { _, err := Load(context.Background(), p); return err },
		}
		if strings.HasSuffix(name, ".bin") {
			readers["ReadWord2VecBinary"] = func() error { _, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(b)); return err }
			readers["LoadWord2VecBinary"] = func() error { _, err := LoadWord2VecBinary(context.Background(), p); return err }
		} else {
			readers["ReadText"] = func() error { _, err := ReadText(context.Background(), bytes.NewReader(b)); return err }
			readers["LoadText"] = func() error { _, err := LoadText(context.Background(), p); return err }
		}
		for rn, read := range readers {
			var err error
			a := allocated(func() { err = read() })
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Errorf("%s %s: %v, want errs.ErrCorrupt (truncated)", rn, name, err)
			}
			if a > 1<<20 {
				t.Errorf("%s %s: a %d-byte input allocated %d bytes", rn, name, len(b), a)
			}
		}
	}
}

// TestNotRegularFiles checks that the loaders refuse what is not a
// regular file without blocking (a FIFO blocks its opener until a writer
// comes) or reading for ever (/dev/zero).
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	var specials []string
	if p := filepath.Join(dir, "fifo.vec"); makeFIFO(p) == nil {
		specials = append(specials, p)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		specials = append(specials, "/dev/zero")
	}
	loaders := map[string]func(string) error{
		"Load":               func(p string) error { _, err := Load(context.Background(), p); return err },
		"LoadText":           func(p string) error { _, err := LoadText(context.Background(), p); return err },
		"LoadWord2VecBinary": func(p string) error { _, err := LoadWord2VecBinary(context.Background(), p); return err },
		"LoadCompact":        func(p string) error { _, err := LoadCompact(context.Background(), p); return err },
	}
	within := func(what string, f func() error) error {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- f() }()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s blocks", what)
			return nil
		}
	}
	for _, p := range specials {
		for name, load := range loaders {
			err := within(name+" "+p, func() error { return load(p) })
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s(%s) = %v", name, p, err)
			}
		}
	}
	// A Model2Vec folder with one of its files a FIFO, /dev/zero or a
	// directory.
	flat, _ := m2vEmb()
	for _, file := range []string{"config.json", "tokenizer.json", "model.safetensors"} {
		for _, kind := range []string{"fifo", "zero", "dir"} {
			d := m2vFolder(t, map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}, `{}`)
			p := filepath.Join(d, file)
			os.Remove(p)
			var err error
			switch kind {
			case "fifo":
				err = makeFIFO(p)
			case "zero":
				err = os.Symlink("/dev/zero", p)
				if _, serr := os.Stat("/dev/zero"); serr != nil {
					err = serr
				}
			case "dir":
				err = os.Mkdir(p, 0o755)
			}
			if err != nil {
				continue
			}
			err = within("LoadModel2Vec "+file+" "+kind, func() error { _, err := LoadModel2Vec(context.Background(), d); return err })
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), file) {
				t.Errorf("%s as a %s: %v", file, kind, err)
			}
		}
	}
	// A config.json too large for one.
	d := m2vFolder(t, map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}, `{}`)
	os.Truncate(filepath.Join(d, "config.json"), 100<<20)
	if _, err := LoadModel2Vec(context.Background(), d); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "104857600 bytes") {
		t.Errorf("config.json of 100 MB: %v", err)
	}
}

// TestNonFiniteSentence checks that finite vectors whose sentence vector
// overflows float32 give an error naming the text, not Inf or NaN: here
// common component removal lifts a component of 3.3e38 by a fifth.
func TestNonFiniteSentence(t *testing.T) {
	m, err := New([]string{"big", "small"}, []float32{3.3e38, 3.3e38, 1, 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	th := 112.5 * math.Pi / 180
	m, err = m.With(WithCommonComponents([]float32{float32(math.Cos(th)), float32(math.Sin(th))}))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := m.Encode(context.Background(), []string{"small"}); err != nil || !finite32(v[0][0]) {
		t.Fatalf("small: %v %v", v, err)
	}
	_, err = m.Encode(context.Background(), []string{"small", "big"})
	if !errors.Is(err, errs.ErrNonFinite) || !strings.Contains(err.Error(), "text 1") {
		t.Errorf("Encode = %v, want errs.ErrNonFinite naming text 1", err)
	}
	// A Model2Vec weight that overflows with its token's vector is refused
	// at load (Vector would return Inf).
	flat, _ := m2vEmb()
	w := make([]float32, 10)
	for i := range w {
		w[i] = 1
	}
	w[9] = 3e38
	dir := m2vFolder(t, map[string]stTensor{
		"embeddings": {"F32", []int{10, 3}, f32bytes(flat)},
		"weights":    {"F32", []int{10}, f32bytes(w)},
	}, `{}`)
	if _, err := LoadModel2Vec(context.Background(), dir); !errors.Is(err, errs.ErrNonFinite) || !strings.Contains(err.Error(), "token 9") {
		t.Errorf("weight 3e38: %v", err)
	}
}
