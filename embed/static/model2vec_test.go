// Tests for Model2Vec folders: tokenisation without special tokens, unknown
// tokens dropped, Model2Vec's character and token truncation, mapping and
// weights tensors, dtypes, normalisation, and malformed folders.

package static

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/ganada/ganada/errs"
)

type stTensor struct {
	dtype string
	shape []int
	data  []byte
}

// writeSafetensors writes a safetensors file: 8-byte header length, JSON
// header, data.
func writeSafetensors(t *testing.T, path string, tensors map[string]stTensor) {
	t.Helper()
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	hdr := map[string]any{}
	var data []byte
	for _, n := range names {
		tt := tensors[n]
		hdr[n] = map[string]any{"dtype": tt.dtype, "shape": tt.shape, "data_offsets": []int{len(data), len(data) + len(tt.data)}}
		data = append(data, tt.data...)
	}
	h, _ := json.Marshal(hdr)
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(append(out, h...), data...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func f32bytes(v []float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// m2vFolder writes a Model2Vec folder around testdata/m2v/tokenizer.json
// (10 tokens) with the given tensors and config.
func m2vFolder(t *testing.T, tensors map[string]stTensor, config string) string {
	t.Helper()
	dir := t.TempDir()
	tj, err := os.ReadFile("testdata/m2v/tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), tj, 0o644)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o644)
	writeSafetensors(t, filepath.Join(dir, "model.safetensors"), tensors)
	return dir
}

// m2vEmb is row i = (i, 1, -i) for 10 tokens.
func m2vEmb() ([]float32, [][]float64) {
	var flat []float32
	var ref [][]float64
	for i := 0; i < 10; i++ {
		flat = append(flat, float32(i), 1, float32(-i)/2)
		ref = append(ref, []float64{float64(i), 1, float64(-i) / 2})
	}
	return flat, ref
}

func meanRows(ref [][]float64, ids []int, w func(int) float64, norm bool) []float64 {
	v := make([]float64, len(ref[0]))
	for _, id := range ids {
		for j := range v {
			v[j] += w(id) * ref[id][j]
		}
	}
	var ss float64
	for j := range v {
		v[j] /= float64(len(ids))
		ss += v[j] * v[j]
	}
	if norm {
		for j := range v {
			v[j] /= math.Sqrt(ss)
		}
	}
	return v
}

func TestModel2Vec(t *testing.T) {
	flat, ref := m2vEmb()
	dir := m2vFolder(t, map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}, `{"normalize": true, "model_type": "model2vec"}`)
	m, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 3 || m.Len() != 10 || !m.Identity().Normalized || m.Words()[4] != "hello" {
		t.Fatalf("dim %d len %d %+v %v", m.Dim(), m.Len(), m.Identity(), m.Words())
	}
	// "Hello worlds, the zebra!" → hello world ##s [UNK](,) the [UNK](zebra) [UNK](!)
	// → ids 4 5 6 7 after dropping [UNK]; no [CLS]/[SEP].
	vecs, infos, err := m.EncodeDetailed(context.Background(), []string{"Hello worlds, the zebra!", "zebra", ""})
	if err != nil {
		t.Fatal(err)
	}
	one := func(int) float64 { return 1 }
	closeTo(t, "m2v", vecs[0], meanRows(ref, []int{4, 5, 6, 7}, one, true), 1e-6)
	if infos[0] != (TextInfo{Words: 7, Known: 4}) || infos[1].Known != 0 || infos[2].Known != 0 {
		t.Fatalf("infos %+v", infos)
	}
	for _, x := range vecs[1] {
		if x != 0 {
			t.Fatalf("unknown text: %v", vecs[1])
		}
	}
	if got := m.Tokens("the cats"); len(got) != 3 || got[0] != "the" || got[1] != "cat" || got[2] != "##s" {
		t.Fatalf("Tokens %q", got)
	}
	// Model2Vec's truncation: the text is cut to maxTokens × median token
	// length (median of 5,5,5,5,5,5,3,3,3,3 = 5) characters before
	// tokenizing, then to maxTokens ids: "hello worlds" with 2 tokens →
	// "hello worl" → hello [UNK] → just hello.
	m2, _ := m.With(WithMaxTokens(2))
	v2, _ := m2.Encode(context.Background(), []string{"hello worlds"})
	closeTo(t, "truncated", v2[0], meanRows(ref, []int{4}, one, true), 1e-6)
	m3, _ := m.With(WithMaxTokens(3), WithNormalize(false))
	v3, _ := m3.Encode(context.Background(), []string{"the cat sat the cat"}) // 15 chars: "the cat sat the"
	closeTo(t, "3 tokens", v3[0], meanRows(ref, []int{7, 8, 9}, one, false), 1e-6)
	// SIF is ignored for Model2Vec.
	ms, _ := m.With(WithSIF(0))
	vs, _ := ms.Encode(context.Background(), []string{"Hello worlds, the zebra!"})
	closeTo(t, "sif ignored", vs[0], meanRows(ref, []int{4, 5, 6, 7}, one, true), 1e-6)
}

func TestModel2VecMappingWeightsDTypes(t *testing.T) {
	// Vocabulary-quantised: 4 rows, tokens mapped onto them, weighted.
	rows := []float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}
	mapping := []int64{0, 0, 0, 0, 1, 2, 3, 1, 2, 3}
	weights := []float32{1, 1, 1, 1, 2, 0.5, 3, 1, 1, 4}
	var mb []byte
	for _, x := range mapping {
		mb = binary.LittleEndian.AppendUint64(mb, uint64(x))
	}
	dir := m2vFolder(t, map[string]stTensor{
		"embeddings": {"F32", []int{4, 3}, f32bytes(rows)},
		"mapping":    {"I64", []int{10}, mb},
		"weights":    {"F32", []int{10}, f32bytes(weights)},
	}, `{}`)
	m, err := LoadModel2Vec(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Identity().Normalized {
		t.Fatal("config without normalize should not normalise")
	}
	// hello(4)→row1·2, world(5)→row2·0.5, sat(9)→row3·4
	v, _ := m.Encode(context.Background(), []string{"hello world sat"})
	want := []float64{(0 + 0 + 4) / 3.0, (2 + 0 + 4) / 3.0, (0 + 0.5 + 4) / 3.0}
	closeTo(t, "mapped", v[0], want, 1e-6)
	if tv, _ := m.Vector("sat"); tv[0] != 4 || tv[1] != 4 {
		t.Fatalf("Vector(sat) = %v", tv)
	}
	// I8 and F16 embeddings.
	var i8 []byte
	for i := 0; i < 10; i++ {
		i8 = append(i8, byte(int8(i)), 0xff, byte(int8(-i)))
	}
	dir = m2vFolder(t, map[string]stTensor{"embeddings": {"I8", []int{10, 3}, i8}}, `{"normalize": false}`)
	m, err = LoadModel2Vec(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = m.Encode(context.Background(), []string{"cat sat"})
	closeTo(t, "int8", v[0], []float64{8.5, -1, -8.5}, 1e-6)
	var f16 []byte
	flat, ref := m2vEmb()
	for _, x := range flat {
		f16 = binary.LittleEndian.AppendUint16(f16, float32to16(x))
	}
	dir = m2vFolder(t, map[string]stTensor{"embeddings": {"F16", []int{10, 3}, f16}}, `{"normalize": true}`)
	m, err = LoadModel2Vec(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = m.Encode(context.Background(), []string{"cat sat"})
	closeTo(t, "f16", v[0], meanRows(ref, []int{8, 9}, func(int) float64 { return 1 }, true), 1e-6)
}

func TestModel2VecErrors(t *testing.T) {
	flat, _ := m2vEmb()
	cases := map[string]map[string]stTensor{
		"rows":     {"embeddings": {"F32", []int{9, 3}, f32bytes(flat[:27])}},
		"name":     {"emb": {"F32", []int{10, 3}, f32bytes(flat)}},
		"shape":    {"embeddings": {"F32", []int{30}, f32bytes(flat)}},
		"nan":      {"embeddings": {"F32", []int{10, 3}, f32bytes(append(append([]float32(nil), flat[:29]...), float32(math.NaN())))}},
		"mapping":  {"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}, "mapping": {"I32", []int{10}, make([]byte, 36)}},
		"mapRange": {"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}, "mapping": {"I32", []int{10}, append(make([]byte, 36), 10, 0, 0, 0)}},
		"weights":  {"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}, "weights": {"F32", []int{9}, f32bytes(flat[:9])}},
	}
	for name, ts := range cases {
		dir := m2vFolder(t, ts, `{}`)
		if _, err := LoadModel2Vec(context.Background(), dir); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	dir := m2vFolder(t, map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}, `{bad json`)
	if _, err := LoadModel2Vec(context.Background(), dir); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("bad config: %v", err)
	}
	if _, err := LoadModel2Vec(context.Background(), t.TempDir()); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("empty folder: %v", err)
	}
	var buf []byte
	if err := WriteCompact(context.Background(), nopWriter{&buf}, mustM2V(t), Int8); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("WriteCompact of Model2Vec: %v", err)
	}
}

type nopWriter struct{ b *[]byte }

func (w nopWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

func mustM2V(t *testing.T) *Model {
	flat, _ := m2vEmb()
	m, err := LoadModel2Vec(context.Background(), m2vFolder(t, map[string]stTensor{"embeddings": {"F32", []int{10, 3}, f32bytes(flat)}}, `{}`))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModel2VecSentenceTransformersLayout(t *testing.T) {
	flat, ref := m2vEmb()
	dir := t.TempDir()
	sub := filepath.Join(dir, "0_StaticEmbedding")
	os.MkdirAll(sub, 0o755)
	tj, _ := os.ReadFile("testdata/m2v/tokenizer.json")
	os.WriteFile(filepath.Join(sub, "tokenizer.json"), tj, 0o644)
	os.WriteFile(filepath.Join(dir, "config_sentence_transformers.json"), []byte(`{"__version__": {}}`), 0o644)
	writeSafetensors(t, filepath.Join(sub, "model.safetensors"), map[string]stTensor{"embedding.weight": {"F32", []int{10, 3}, f32bytes(flat)}})
	m, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := m.Encode(context.Background(), []string{"the cat"})
	closeTo(t, "st layout", v[0], meanRows(ref, []int{7, 8}, func(int) float64 { return 1 }, false), 1e-6)
}
