// bf16_test.go checks 16-bit weights: BF16 and F16 checkpoints kept in the
// mapped file compute exactly what their float32 conversion computes (every
// family's fixture), the torch-made testdata/tiny-bert/model.bf16.safetensors
// (gen_bf16.py) against the float32 goldens of transformers, WithBF16 on a
// float32 model, gemm.RoundBF16 against torch's rounding, int8 from a BF16
// file, the heap a kept model does not use, and the memory guard.

package transformer

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
)

// halfCopy writes a copy of the model folder dir into a temporary folder
// with model.safetensors converted to dt (BF16 with gemm.RoundBF16, or
// F16), the other files symlinked, and returns the folder.
func halfCopy(t testing.TB, dir, weights string, dt safetensors.DType) string {
	t.Helper()
	out := t.TempDir()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".safetensors") || e.Name() == "model.onnx" {
			continue
		}
		abs, _ := filepath.Abs(filepath.Join(dir, e.Name()))
		if err := os.Symlink(abs, filepath.Join(out, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	f, err := safetensors.Open(filepath.Join(dir, weights))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.Names()
	sort.Strings(names)
	hdr := map[string]any{}
	var data []byte
	for _, name := range names {
		tt, _ := f.Tensor(name)
		v, err := f.Float32s(name)
		if err != nil {
			t.Fatal(err)
		}
		begin := len(data)
		for _, x := range v {
			var h uint16
			if dt == safetensors.BF16 {
				h = gemm.RoundBF16(x)
			} else {
				h = f32ToF16(x)
			}
			data = binary.LittleEndian.AppendUint16(data, h)
		}
		hdr[name] = map[string]any{"dtype": dt, "shape": tt.Shape, "data_offsets": []int{begin, len(data)}}
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	b = append(append(b, js...), data...)
	if err := os.WriteFile(filepath.Join(out, "model.safetensors"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// f32ToF16 rounds x to half precision by way of float64 (normal range; the
// fixtures' weights are far from its limits), ties to even.
func f32ToF16(x float32) uint16 {
	if x == 0 {
		return 0
	}
	sign := uint16(0)
	if x < 0 {
		sign, x = 0x8000, -x
	}
	frac, exp := math.Frexp(float64(x)) // x = frac·2^exp, frac in [0.5, 1)
	e := exp - 1 + 15
	if e <= 0 {
		return sign // subnormal halves: not needed here
	}
	m := math.RoundToEven((frac*2 - 1) * 1024)
	if m == 1024 {
		m, e = 0, e+1
	}
	return sign | uint16(e)<<10 | uint16(m)
}

// forwardAll runs the goldens' token ids through the encoder read with mode
// from the weights file at path, and returns the token states.
func forwardAll(t *testing.T, g *golden, path string, mode loadMode) ([]float32, *encoder) {
	t.Helper()
	c, err := readConfig(filepath.Join(g.dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, f, err := readWeights(path, g.dir, c, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	e := newEncoder(c, w)
	r := newRunner(e, 2)
	defer r.close()
	var all []float32
	for start := 0; start < len(g.Items); start += 16 {
		var seqs []sequence
		for _, it := range g.Items[start:min(start+16, len(g.Items))] {
			seqs = append(seqs, sequence{ids: it.InputIDs, typeIDs: it.TokenTypeIDs})
		}
		x, err := e.forward(r, seqs)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range seqs {
			n += len(s.ids)
		}
		all = append(all, x[:n*c.HiddenSize]...)
	}
	return all, e
}

// TestHalfKeptMatchesFloat32 loads each family's fixture converted to BF16
// and to F16, once kept in the file and once converted to float32 at load
// (WithFloat32Weights' mode), and requires bit-identical token states, and
// the layers held as the mode says.
func TestHalfKeptMatchesFloat32(t *testing.T) {
	models := append([]string{"tiny-bert", "tiny-xlmr", "tiny-mpnet", "tiny-distilbert", "tiny-modernbert", "tiny-qwen3"}, decoderFixtures...)
	for _, model := range models {
		for _, dt := range []safetensors.DType{safetensors.BF16, safetensors.F16} {
			t.Run(model+"/"+string(dt), func(t *testing.T) {
				g := loadGolden(t, model, "public")
				dir := halfCopy(t, g.dir, g.WeightsFile, dt)
				path := filepath.Join(dir, "model.safetensors")
				kept, ek := forwardAll(t, g, path, loadMode{})
				conv, ec := forwardAll(t, g, path, loadMode{float32: true})
				if p := ek.w.layers[0].qkv.packed; !p.Half() || p.F16() != (dt == safetensors.F16) {
					t.Fatalf("kept layers are not held as %s", dt)
				}
				if ec.w.layers[0].qkv.packed.Half() || ec.w.word.h != nil {
					t.Fatal("float32 mode kept 16-bit weights")
				}
				if ek.w.word.h == nil || ek.w.word.dt != dt {
					t.Fatal("kept mode converted the word embeddings")
				}
				for i := range kept {
					if math.Float32bits(kept[i]) != math.Float32bits(conv[i]) {
						t.Fatalf("token state element %d: kept %s gives %v, converted to float32 %v", i, dt, kept[i], conv[i])
					}
				}
				// And both are the model rounded to 16 bits: close to float32.
				worst := 1.0
				h, row := g.HiddenSize, 0
				for _, it := range g.Items {
					for tk := range it.InputIDs {
						worst = math.Min(worst, cosine(kept[(row+tk)*h:(row+tk+1)*h], it.hidden[tk*h:(tk+1)*h]))
					}
					row += len(it.InputIDs)
				}
				if !(worst >= 0.999) {
					t.Errorf("%s token states: min cosine %.6f to the float32 goldens", dt, worst)
				}
				t.Logf("%s: bit-identical kept vs converted; token states min cosine %.6f to float32", dt, worst)
			})
		}
	}
}

// TestBF16Parity encodes with the torch-made bf16 checkpoint (kept) and
// with WithBF16 on the float32 one, against the float32 goldens of
// transformers: sentence embeddings within cosine 0.9999.
func TestBF16Parity(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	texts := goldenTexts(g)
	for _, tc := range []struct {
		name string
		opts []Option
		typ  string
	}{
		{"bf16 file", []Option{WithWeightsFile("model.bf16.safetensors")}, "bf16"},
		{"bf16 file, WithFloat32Weights", []Option{WithWeightsFile("model.bf16.safetensors"), WithFloat32Weights()}, "float32"},
		{"f16 file", []Option{WithWeightsFile("model.fp16.safetensors")}, "f16"},
		{"float32 file, WithBF16", []Option{WithBF16()}, "bf16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mustLoad(t, g.dir, tc.opts...)
			if m.WeightType() != tc.typ {
				t.Fatalf("WeightType() = %q, want %q", m.WeightType(), tc.typ)
			}
			vecs := mustEncode(t, m, texts)
			worst, exact := 1.0, true
			for i := range g.Items {
				want := g.sentence(&g.Items[i])
				worst = math.Min(worst, cosine(vecs[i], want))
				for j := range want {
					exact = exact && vecs[i][j] == want[j]
				}
			}
			if !(worst >= 0.9999) || exact {
				t.Errorf("sentence embeddings: min cosine %.7f to float32 (want ≥ 0.9999, and not identical: 16-bit weights in use)", worst)
			}
			t.Logf("sentence embeddings: min cosine %.7f to the float32 goldens", worst)
		})
	}
}

// TestBF16ParityQwen3 is TestBF16Parity's WithBF16 case for the decoder
// fixture (last-token pooling, grouped-query attention), when present.
func TestBF16ParityQwen3(t *testing.T) {
	g := loadGolden(t, "tiny-qwen3", "public")
	m := mustLoad(t, g.dir, WithBF16())
	vecs := mustEncode(t, m, goldenTexts(g)[:64]) // items 64– use the query prompt
	worst := 1.0
	for i := range vecs {
		worst = math.Min(worst, cosine(vecs[i], g.sentence(&g.Items[i])))
	}
	if m.WeightType() != "bf16" || !(worst >= 0.9999) {
		t.Errorf("WithBF16 on tiny-qwen3: %s weights, min cosine %.7f to the float32 goldens", m.WeightType(), worst)
	}
	t.Logf("WithBF16 on tiny-qwen3: min cosine %.7f", worst)
}

// TestRoundBF16MatchesTorch compares gemm.RoundBF16 of every float32
// weight of tiny-bert with torch's own bf16 conversion of it (gen_bf16.py).
func TestRoundBF16MatchesTorch(t *testing.T) {
	f32, err := safetensors.Open("testdata/tiny-bert/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	defer f32.Close()
	bf, err := safetensors.Open("testdata/tiny-bert/model.bf16.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	defer bf.Close()
	n := 0
	for _, name := range f32.Names() {
		v, err := f32.Float32s(name)
		if err != nil {
			t.Fatal(err)
		}
		h, err := bf.Uint16s(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range v {
			if got := gemm.RoundBF16(x); got != h[i] {
				t.Fatalf("%s[%d] = %v: RoundBF16 %#04x, torch %#04x", name, i, x, got, h[i])
			}
		}
		n += len(v)
	}
	t.Logf("%d weights rounded as torch rounds them", n)
}

// TestInt8FromBF16 quantises the layers of a BF16 checkpoint (the int8
// path's portable code where AVX-512 VNNI is absent), for a gated family
// too: token states within cosine 0.99 of the float32 goldens.
func TestInt8FromBF16(t *testing.T) {
	for _, model := range []string{"tiny-bert", "tiny-qwen3"} {
		t.Run(model, func(t *testing.T) {
			g := loadGolden(t, model, "public")
			dir := halfCopy(t, g.dir, g.WeightsFile, safetensors.BF16)
			x, e := forwardAll(t, g, filepath.Join(dir, "model.safetensors"), loadMode{int8: true})
			if e.w.layers[0].qkv.q == nil {
				t.Fatal("layers not quantised")
			}
			worst, h, row := 1.0, g.HiddenSize, 0
			for _, it := range g.Items {
				for tk := range it.InputIDs {
					worst = math.Min(worst, cosine(x[(row+tk)*h:(row+tk+1)*h], it.hidden[tk*h:(tk+1)*h]))
				}
				row += len(it.InputIDs)
			}
			if !(worst >= 0.99) {
				t.Errorf("int8 from bf16: min token cosine %.6f", worst)
			}
		})
	}
}

// heapAfter returns the live heap bytes after f, with f's result kept.
func heapAfter(f func() any) (uint64, any) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	keep := f()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc - min(before, ms.HeapAlloc), keep
}

// TestBF16KeptHeap checks that a kept bf16 model puts no copy of its
// layers or word embeddings on the Go heap: the float32 conversion of the
// same file adds at least 90% of their float32 bytes more (the tokenizer
// and the rest are the same in both).
func TestBF16KeptHeap(t *testing.T) {
	dir := modelDir(t, "tiny-bert")
	load := func(opts ...Option) func() any {
		return func() any {
			return mustLoad(t, dir, append([]Option{WithWeightsFile("model.bf16.safetensors")}, opts...)...)
		}
	}
	kept, m1 := heapAfter(load())
	conv, m2 := heapAfter(load(WithFloat32Weights()))
	runtime.KeepAlive(m1)
	runtime.KeepAlive(m2)
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(filepath.Join(dir, "model.bf16.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	cl, ce, _, _ := residentBytes(f, c, loadMode{float32: true})
	f.Close()
	t.Logf("heap: kept bf16 %d bytes, converted to float32 %d bytes; float32 weights %.0f bytes", kept, conv, cl+ce)
	if float64(conv)-float64(kept) < 0.9*(cl+ce) {
		t.Errorf("the float32 model holds %d heap bytes, the kept bf16 one %d: want the float32 weights' %.0f bytes more", conv, kept, cl+ce)
	}
}

// TestMemoryGuard injects small available memory: Load fails with
// errs.ErrUnsupported naming the model and the figures, before reading the
// weights; with the float32 conversion a limit that fits the kept bf16
// model fails, and the kept model loads.
func TestMemoryGuard(t *testing.T) {
	dir := modelDir(t, "tiny-bert")
	old := availableMemory
	t.Cleanup(func() { availableMemory = old })
	var limit int64
	availableMemory = func() (int64, string, bool) { return limit, "test limit", true }
	bf := WithWeightsFile("model.bf16.safetensors")

	limit = 1000
	_, err := Load(context.Background(), dir, bf)
	if !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), "tiny-bert") || !strings.Contains(err.Error(), "available (test limit)") {
		t.Fatalf("Load under a 1000-byte limit: %v", err)
	}
	if !strings.Contains(err.Error(), "16-bit, kept in the file") {
		t.Fatalf("the error does not say how the weights are held: %v", err)
	}
	t.Log(err)

	// Limits between the kept and the float32 figures.
	c, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(filepath.Join(dir, "model.bf16.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	kl, ke, keep, ok := residentBytes(f, c, loadMode{})
	cl, ce, _, _ := residentBytes(f, c, loadMode{float32: true})
	ql, qe, _, _ := residentBytes(f, c, loadMode{int8: true})
	f.Close()
	if !keep || !ok || kl*2 != cl || ke >= ce || ql*2 != kl || qe != ke {
		t.Fatalf("resident figures: kept %v+%v, float32 %v+%v, int8 %v+%v", kl, ke, cl, ce, ql, qe)
	}
	limit = int64(kl+ke) + 1
	if _, err := Load(context.Background(), dir, bf, WithFloat32Weights()); !errors.Is(err, errs.ErrUnsupported) {
		t.Fatalf("float32 conversion under the kept model's figure: %v", err)
	}
	m := mustLoad(t, dir, bf)
	if m.WeightType() != "bf16" {
		t.Fatalf("WeightType() = %q", m.WeightType())
	}
}

func TestSystemMemory(t *testing.T) {
	if _, err := os.Stat("/proc/meminfo"); err != nil {
		t.Skip("no /proc/meminfo")
	}
	n, src, ok := systemMemory()
	if !ok || n <= 0 || src == "" {
		t.Fatalf("systemMemory() = %d, %q, %v", n, src, ok)
	}
	t.Logf("available: %.2f GB (%s)", float64(n)/1e9, src)
	dir := t.TempDir()
	p := filepath.Join(dir, "stat")
	os.WriteFile(p, []byte("anon 5\ninactive_file 123\nfoo\n"), 0o644)
	if v, ok := readKV(p, "inactive_file"); !ok || v != 123 {
		t.Fatalf("readKV = %d, %v", v, ok)
	}
	if _, ok := readKV(p, "missing"); ok {
		t.Fatal("readKV found a missing key")
	}
	os.WriteFile(p, []byte("max\n"), 0o644)
	if _, ok := readNumber(p); ok {
		t.Fatal(`readNumber("max") is a number`)
	}
	os.WriteFile(p, []byte("4096\n"), 0o644)
	if v, ok := readNumber(p); !ok || v != 4096 {
		t.Fatalf("readNumber = %d, %v", v, ok)
	}
}

func TestWeightOptionsConflict(t *testing.T) {
	_, err := Load(context.Background(), modelDir(t, "tiny-bert"), WithBF16(), WithFloat32Weights())
	if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "WithBF16") {
		t.Fatalf("WithBF16 + WithFloat32Weights: %v", err)
	}
}

// FuzzMemoryFiles feeds arbitrary bytes to the parsers of /proc/meminfo and
// the cgroup files: a number ≥ 0 or not found, never a panic.
func FuzzMemoryFiles(f *testing.F) {
	f.Add([]byte("MemTotal: 100 kB\nMemAvailable: 42 kB\n"), "MemAvailable:")
	f.Add([]byte("max\n"), "")
	f.Add([]byte("9223372036854771712\n"), "")
	f.Add([]byte("inactive_file -5\n"), "inactive_file")
	f.Fuzz(func(t *testing.T, b []byte, key string) {
		p := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if n, ok := readKV(p, key); ok && n < 0 {
			t.Fatalf("readKV = %d", n)
		}
		if n, ok := readNumber(p); ok && n < 0 {
			t.Fatalf("readNumber = %d", n)
		}
	})
}

// TestBF16KeptConcurrent encodes with one kept bf16 model from several
// goroutines at once (run with -race): every call gets the serial result.
func TestBF16KeptConcurrent(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	m := mustLoad(t, g.dir, WithWeightsFile("model.bf16.safetensors"), WithWorkers(2), WithBatchSize(8))
	texts := goldenTexts(g)
	want := mustEncode(t, m, texts)
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	errc := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			for r := 0; r < rounds; r++ {
				got, err := m.Encode(context.Background(), texts)
				if err != nil {
					errc <- err
					return
				}
				for i := range got {
					for j := range got[i] {
						if got[i][j] != want[i][j] {
							errc <- errors.New("a concurrent call's vectors differ from the serial ones")
							return
						}
					}
				}
			}
			errc <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}

// TestHalfNonFinite puts an infinity or a NaN into a kept matrix and into
// the kept word embeddings of BF16 and F16 copies: Load fails with
// errs.ErrCorrupt naming the tensor.
func TestHalfNonFinite(t *testing.T) {
	g := loadGolden(t, "tiny-bert", "public")
	for _, dt := range []safetensors.DType{safetensors.BF16, safetensors.F16} {
		for _, tc := range []struct {
			tensor string
			bits   map[safetensors.DType]uint16
		}{
			{"encoder.layer.1.intermediate.dense.weight", map[safetensors.DType]uint16{safetensors.BF16: 0x7fc0, safetensors.F16: 0x7e00}}, // NaN
			{"embeddings.word_embeddings.weight", map[safetensors.DType]uint16{safetensors.BF16: 0xff80, safetensors.F16: 0xfc00}},         // -Inf
		} {
			dir := halfCopy(t, g.dir, g.WeightsFile, dt)
			path := filepath.Join(dir, "model.safetensors")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			n := binary.LittleEndian.Uint64(b)
			var hdr map[string]struct {
				Offsets []int `json:"data_offsets"`
			}
			if err := json.Unmarshal(b[8:8+n], &hdr); err != nil {
				t.Fatal(err)
			}
			name := tc.tensor
			if _, ok := hdr[name]; !ok {
				name = "bert." + name
			}
			e, ok := hdr[name]
			if !ok {
				t.Fatalf("no tensor %s in %v", tc.tensor, path)
			}
			binary.LittleEndian.PutUint16(b[8+int(n)+e.Offsets[0]+6:], tc.bits[dt]) // element 3
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = Load(context.Background(), dir)
			if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), tc.tensor) || !strings.Contains(err.Error(), "element 3") {
				t.Errorf("%s with a non-finite value in %s: %v", dt, tc.tensor, err)
			}
		}
	}
}
