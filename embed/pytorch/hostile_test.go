// hostile_test.go checks Open on hostile input: the payload files gen.py
// wrote (os.system, eval, exec, getattr, class instances, the legacy
// formats), truncated and bit-flipped archives, and archives built here
// around hand-assembled pickles that declare huge sizes, offsets past
// their storage, overflowing strides and the like.

package pytorch

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

// TestHostileFiles opens each file of testdata/hostile and checks the
// sentinel and the words of the error.
func TestHostileFiles(t *testing.T) {
	cases := []struct {
		file  string
		want  error
		words []string
	}{
		{"os_system.pt", errs.ErrUnsupported, []string{"global", "system", "refused", "data.pkl"}},
		{"builtins_eval.pt", errs.ErrUnsupported, []string{`"__builtin__.eval"`}},
		{"builtins_exec_proto4.pt", errs.ErrUnsupported, []string{`"builtins.exec"`}},
		{"getattr.pt", errs.ErrUnsupported, []string{`"__builtin__.getattr"`}},
		{"instance.pt", errs.ErrUnsupported, []string{`"collections.Counter"`}},
		{"torch_load.pt", errs.ErrUnsupported, []string{`"torch.serialization.load"`}},
		{"legacy.pt", errs.ErrUnsupported, []string{"legacy", "before 1.6"}},
		{"legacy_tar.pt", errs.ErrUnsupported, []string{"legacy tar format"}},
		{"expanded.pt", errs.ErrUnsupported, []string{`tensor "expanded"`, "more elements than its storage"}},
	}
	for _, c := range cases {
		p := filepath.Join("testdata", "hostile", c.file)
		_, err := Open(context.Background(), p)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.file, err, c.want)
			continue
		}
		msg := err.Error()
		for _, w := range append(c.words, p) {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not say %q", c.file, msg, w)
			}
		}
	}
	if _, err := os.Stat("/tmp/pwned"); err == nil {
		t.Error("/tmp/pwned exists: has a payload run? (or an earlier test left it)")
	}
}

// TestTruncated opens every prefix of a checkpoint: each is refused as
// corrupt, none panics.
func TestTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "views.pt"))
	if err != nil {
		t.Fatal(err)
	}
	p := "views-truncated.pt"
	for n := 0; n < len(b); n++ {
		_, err := parseBytes(p, b[:n])
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), p) {
			t.Fatalf("%d of %d bytes: %v, want ErrCorrupt naming the file", n, len(b), err)
		}
	}
}

// TestBitFlips flips each byte of a checkpoint in turn: Open either fails
// with ErrCorrupt or ErrUnsupported, or succeeds (a flip in padding or in
// a header field the reader does not use), never panics.
func TestBitFlips(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "module.pt"))
	if err != nil {
		t.Fatal(err)
	}
	data := 0
	for i := 0; i < len(b); i++ {
		c := bytes.Clone(b)
		c[i] ^= 0x5a
		f, err := parseBytes("flipped.pt", c)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("flip at %d: %v", i, err)
			}
			if strings.Contains(err.Error(), "CRC-32") {
				data++
			}
			continue
		}
		readAll(t, f)
		f.Close()
	}
	if data == 0 {
		t.Error("no flip was caught by a record's CRC-32")
	}
}

// readAll reads every tensor of f, as the fuzzer does.
func readAll(t testing.TB, f *File) {
	for _, n := range f.Names() {
		ti, err := f.Tensor(n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.Bytes(n)
		if err != nil || len(b) != ti.Len()*ti.DType.Size() {
			t.Fatalf("%s: %d bytes, %v; want %d", n, len(b), err, ti.Len()*ti.DType.Size())
		}
		if _, err := f.Float32s(n); err != nil && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatal(err)
		}
	}
}

// pk assembles a pickle.
type pk struct{ bytes.Buffer }

func (p *pk) op(b ...byte) *pk { p.Write(b); return p }

func (p *pk) str(s string) *pk {
	p.WriteByte('X')
	p.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
	p.WriteString(s)
	return p
}

func (p *pk) int(n int64) *pk {
	if n >= 0 && n < 256 {
		return p.op('K', byte(n))
	}
	if n >= -1<<31 && n < 1<<31 {
		p.WriteByte('J')
		p.Write(binary.LittleEndian.AppendUint32(nil, uint32(int32(n))))
		return p
	}
	p.op(0x8a, 8)
	p.Write(binary.LittleEndian.AppendUint64(nil, uint64(n)))
	return p
}

func (p *pk) global(mod, name string) *pk {
	p.WriteByte('c')
	p.WriteString(mod + "\n" + name + "\n")
	return p
}

func (p *pk) tuple(ns ...int64) *pk {
	p.op('(')
	for _, n := range ns {
		p.int(n)
	}
	return p.op('t')
}

// tensorPickle is a state dict {"w": tensor} whose tensor has the given
// storage (class, key, numel) and view (offset, size, stride).
func tensorPickle(class, key string, numel, offset int64, size, stride []int64) []byte {
	var p pk
	p.op(0x80, 2).op('}').str("w")
	p.global("torch._utils", "_rebuild_tensor_v2").op('(')
	p.op('(').str("storage").global("torch", class).str(key).str("cpu").int(numel).op('t', 'Q')
	p.int(offset).tuple(size...).tuple(stride...).op(0x89).global("collections", "OrderedDict").op(')', 'R').op('t', 'R')
	p.op('s', '.')
	return p.Bytes()
}

// archive builds a zip archive of stored records, as torch.save does.
func archive(t testing.TB, records map[string][]byte, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(records) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(records[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// parseBytes decodes a whole checkpoint held in memory, as Open does the
// file it maps.
func parseBytes(path string, b []byte) (*File, error) {
	s := &shard{path: path, whole: b}
	if err := s.parse(context.Background()); err != nil {
		return nil, err
	}
	return &File{path: path, shards: []*shard{s}, tensors: s.tensors, version: s.version}, nil
}

func openBytes(t testing.TB, b []byte) (*File, error) {
	p := filepath.Join(t.TempDir(), "x.pt")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return Open(context.Background(), p)
}

// TestCrafted checks archives around hand-assembled pickles.
func TestCrafted(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	ok := tensorPickle("FloatStorage", "0", 6, 0, []int64{2, 3}, []int64{3, 1})
	deep := func(n int) []byte {
		var p pk
		p.op(0x80, 2)
		for i := 0; i < n; i++ {
			p.op('}').str("k")
		}
		p.op('}')
		for i := 0; i < n; i++ {
			p.op('s')
		}
		return p.op('.').Bytes()
	}
	cases := []struct {
		name    string
		records map[string][]byte
		method  uint16
		want    error
		words   string
	}{
		{"valid", map[string][]byte{"a/data.pkl": ok, "a/data/0": f32(6)}, zip.Store, nil, ""},
		// The records newer torch versions add beside data.pkl.
		{"torch 2 layout", map[string][]byte{"archive/data.pkl": ok, "archive/data/0": f32(6), "archive/byteorder": []byte("little"),
			"archive/version": []byte("3\n"), "archive/.data/version": []byte("3\n"), "archive/.data/serialization_id": []byte("1234567890"),
			"archive/.format_version": []byte("1"), "archive/.storage_alignment": []byte("64")}, zip.Store, nil, ""},
		{"huge numel", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 1<<62, 0, []int64{2, 3}, []int64{3, 1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "declares 4611686018427387904"},
		{"numel past record", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 7, 0, []int64{2, 3}, []int64{3, 1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "has 24 bytes"},
		{"huge size", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 0, []int64{1 << 40, 1 << 40}, []int64{0, 0}), "a/data/0": f32(6)}, zip.Store, errs.ErrUnsupported, "more elements than its storage"},
		{"size product overflows", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 0, []int64{3, 1 << 62, 1 << 62}, []int64{0, 0, 0}), "a/data/0": f32(6)}, zip.Store, errs.ErrUnsupported, "more elements"},
		{"offset past storage", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 5, []int64{2}, []int64{1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, `tensor "w"`},
		{"huge offset", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 1<<62, []int64{1}, []int64{1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "reach"},
		{"huge stride", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 0, []int64{2, 3}, []int64{1 << 62, 1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "reach past"},
		{"empty view past storage", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 9, []int64{0}, []int64{1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "beyond storage"},
		{"negative size", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 0, []int64{-2, 3}, []int64{3, 1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "size[0] is -2"},
		{"size and stride lengths", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "0", 6, 0, []int64{6}, []int64{3, 1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "differ in length"},
		{"missing record", map[string][]byte{"a/data.pkl": ok}, zip.Store, errs.ErrCorrupt, "no record a/data/0"},
		{"key with a path", map[string][]byte{"a/data.pkl": tensorPickle("FloatStorage", "../0", 6, 0, []int64{6}, []int64{1}), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "plain key"},
		{"complex storage", map[string][]byte{"a/data.pkl": tensorPickle("ComplexFloatStorage", "0", 6, 0, []int64{6}, []int64{1}), "a/data/0": f32(6)}, zip.Store, errs.ErrUnsupported, "torch.ComplexFloatStorage"},
		{"compressed", map[string][]byte{"a/data.pkl": ok, "a/data/0": f32(6)}, zip.Deflate, errs.ErrUnsupported, "compressed"},
		{"no data.pkl", map[string][]byte{"a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "without a <name>/data.pkl"},
		{"two data.pkl", map[string][]byte{"a/data.pkl": ok, "b/data.pkl": ok, "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "two data.pkl"},
		{"torchscript", map[string][]byte{"a/data.pkl": ok, "a/constants.pkl": ok, "a/data/0": f32(6)}, zip.Store, errs.ErrUnsupported, "TorchScript"},
		{"big endian", map[string][]byte{"a/data.pkl": ok, "a/data/0": f32(6), "a/byteorder": []byte("big")}, zip.Store, errs.ErrUnsupported, "big-endian"},
		{"bad byteorder", map[string][]byte{"a/data.pkl": ok, "a/data/0": f32(6), "a/byteorder": []byte("middle")}, zip.Store, errs.ErrCorrupt, "byteorder"},
		{"bad version", map[string][]byte{"a/data.pkl": ok, "a/data/0": f32(6), "a/version": []byte("x")}, zip.Store, errs.ErrCorrupt, "a/version"},
		{"not a dict", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, ']', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "not a state dict"},
		{"no STOP", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, '}').Bytes()}, zip.Store, errs.ErrCorrupt, "without STOP"},
		{"unknown opcode", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, 0xff).Bytes()}, zip.Store, errs.ErrCorrupt, "unknown opcode 0xff"},
		{"INST", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, '(').op([]byte("ios\nsystem\n")...).Bytes()}, zip.Store, errs.ErrUnsupported, "opcode INST"},
		{"NEWOBJ", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, ')', ')', 0x81).Bytes()}, zip.Store, errs.ErrUnsupported, "opcode NEWOBJ"},
		{"REDUCE of a storage class", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "not callable"},
		{"REDUCE of a string", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2).str("os.system").op(')', 'R', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "REDUCE calls"},
		{"BUILD on a list", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, ']', '}', 'b', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "BUILD of list"},
		{"memo never stored", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, 'j', 0xff, 0xff, 0xff, 0xff, '.').Bytes()}, zip.Store, errs.ErrCorrupt, "memo key 4294967295"},
		{"huge string", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, 'X', 0xff, 0xff, 0xff, 0x7f).Bytes()}, zip.Store, errs.ErrCorrupt, "truncated"},
		{"wide LONG1", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, 0x8a, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, '.').Bytes()}, zip.Store, errs.ErrUnsupported, "integer of 9 bytes"},
		{"protocol 1", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 1, '}', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "protocol 1"},
		{"stack underflow", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, 's').Bytes()}, zip.Store, errs.ErrCorrupt, "underflow"},
		{"pop through a mark", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, '}', '(', 'u', 'u', '.').Bytes()}, zip.Store, errs.ErrCorrupt, "no MARK"},
		{"list key", map[string][]byte{"a/data.pkl": (&pk{}).op(0x80, 2, '}', ']', 'K', 1, 's', '.').Bytes()}, zip.Store, errs.ErrUnsupported, "dict key of type list"},
		{"pickle too large", map[string][]byte{"a/data.pkl": make([]byte, MaxPickleSize+1)}, zip.Store, errs.ErrCorrupt, "more than the 4194304"},
		{"shared dicts", map[string][]byte{"a/data.pkl": func() []byte {
			// d0 = {}; d1 = {"a": d0, "b": d0}; d2 = {"a": d1, "b": d1}; ...
			// 2^30 paths to d0 from d30.
			var p pk
			p.op(0x80, 2, '}', 'q', 0, '0')
			for i := 1; i <= 30; i++ {
				p.op('}', '(').str("a").op('h', byte(i-1)).str("b").op('h', byte(i-1)).op('u', 'q', byte(i))
				if i < 30 {
					p.op('0')
				}
			}
			p.op('.')
			return p.Bytes()
		}()}, zip.Store, errs.ErrCorrupt, "more paths"},
		{"deep nesting", map[string][]byte{"a/data.pkl": deep(100)}, zip.Store, errs.ErrCorrupt, "nested deeper"},
		{"storage retyped", map[string][]byte{"a/data.pkl": func() []byte {
			var p pk
			p.op(0x80, 2, '(')
			p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(6).op('t', 'Q')
			p.op('(').str("storage").global("torch", "HalfStorage").str("0").str("cpu").int(12).op('t', 'Q')
			return p.op('t', '.').Bytes()
		}(), "a/data/0": f32(6)}, zip.Store, errs.ErrCorrupt, "named as F32[6] and as F16[12]"},
		{"hooks not empty", map[string][]byte{"a/data.pkl": func() []byte {
			var p pk
			p.op(0x80, 2).op('}').str("w")
			p.global("torch._utils", "_rebuild_tensor_v2").op('(')
			p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(6).op('t', 'Q')
			p.int(0).tuple(6).tuple(1).op(0x89).op('}').str("h").str("x").op('s').op('t', 'R', 's', '.')
			return p.Bytes()
		}(), "a/data/0": f32(6)}, zip.Store, errs.ErrUnsupported, "backward_hooks"},
	}
	for _, c := range cases {
		f, err := openBytes(t, archive(t, c.records, c.method))
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else {
				readAll(t, f)
				f.Close()
			}
			continue
		}
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.words) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.want, c.words)
		}
	}
}

// TestNotRegular checks that a directory is refused as corrupt before it
// is opened (FIFOs are refused the same way by internal/fileio).
func TestNotRegular(t *testing.T) {
	if _, err := Open(context.Background(), t.TempDir()); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("directory: %v", err)
	}
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "absent.pt")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("absent file: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, filepath.Join("testdata", "module.pt")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// TestPickleAllocation checks that decoding allocates in proportion to the
// pickle: pickles built to cost the most memory per byte (memo entries,
// marks, empty containers, dict items; one byte each) allocate at most
// 150 times their length (a Go interface value on the stack takes 16
// bytes, a dict 48 more).
func TestPickleAllocation(t *testing.T) {
	n := 1 << 20
	if testing.Short() {
		n = 1 << 18
	}
	build := func(head []byte, item func(i int) []byte, tail []byte) []byte {
		b := append([]byte{0x80, 2}, head...)
		for i := 0; len(b) < n; i++ {
			b = append(b, item(i)...)
		}
		return append(b, tail...)
	}
	cases := map[string][]byte{
		"memo": build([]byte{'N'}, func(i int) []byte {
			return binary.LittleEndian.AppendUint32([]byte{'r'}, uint32(i))
		}, []byte{'.'}),
		"marks":  build(nil, func(int) []byte { return []byte{'('} }, []byte{'N', '.'}),
		"dicts":  build([]byte{']', '('}, func(int) []byte { return []byte{'}'} }, []byte{'e', '.'}),
		"tuples": build([]byte{']', '('}, func(int) []byte { return []byte{')'} }, []byte{'e', '.'}),
		"items": build([]byte{'}', '('}, func(i int) []byte {
			return append(binary.LittleEndian.AppendUint32([]byte{'J'}, uint32(i)), 'N')
		}, []byte{'u', '.'}),
	}
	for name, b := range cases {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		_, _, err := unpickle(b)
		runtime.ReadMemStats(&m1)
		if err != nil && !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatalf("%s: %v", name, err)
		}
		ratio := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(len(b))
		t.Logf("%s: %d bytes, allocated %.1f× (%v)", name, len(b), ratio, err)
		if ratio > 150 {
			t.Errorf("%s: allocated %.1f times the pickle's %d bytes", name, ratio, len(b))
		}
	}
}

// ExampleOpen lists a checkpoint's tensors and reads one as float32.
func ExampleOpen() {
	ctx := context.Background()
	f, err := Open(ctx, filepath.Join("testdata", "module_f16.pt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	for _, name := range f.Names()[:3] {
		t, _ := f.Tensor(name)
		fmt.Println(name, t.DType, t.Shape)
	}
	w, _ := f.Float32s("layer.0.norm.weight") // LayerNorm weights start at 1
	fmt.Println(w)
	// Output:
	// embeddings.weight F16 [5 4]
	// layer.0.norm.bias F16 [3]
	// layer.0.norm.weight F16 [3]
	// [1 1 1]
}

// TestIndex checks IndexShards and bad index files.
func TestIndex(t *testing.T) {
	idx := filepath.Join("testdata", "sharded", "pytorch_model.bin.index.json")
	shards, err := IndexShards(idx)
	if err != nil || !equal(shards, []string{"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"}) {
		t.Fatalf("IndexShards = %v, %v", shards, err)
	}
	f, err := Open(context.Background(), idx)
	if err != nil {
		t.Fatal(err)
	}
	if ti, _ := f.Tensor("layer.1.query.weight"); filepath.Base(ti.File) != shards[1] {
		t.Errorf("layer.1.query.weight from %s, want %s", ti.File, shards[1])
	}
	f.Close()

	dir := t.TempDir()
	for _, s := range shards {
		b, err := os.ReadFile(filepath.Join("testdata", "sharded", s))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, s), b, 0o644)
	}
	cases := []struct {
		name, json string
		want       error
		words      string
	}{
		{"wrong shard", `{"weight_map": {"layer.1.query.weight": "pytorch_model-00001-of-00002.bin"}}`, errs.ErrCorrupt, "does not hold it"},
		{"outside", `{"weight_map": {"x": "../pytorch_model-00001-of-00002.bin"}}`, errs.ErrCorrupt, "not a file in the same folder"},
		{"no map", `{"metadata": {}}`, errs.ErrCorrupt, "no weight_map"},
		{"bad json", `{"weight_map": [`, errs.ErrCorrupt, "index.json"},
		{"missing shard", `{"weight_map": {"x": "absent.bin"}}`, os.ErrNotExist, "absent.bin"},
		{"hostile shard", `{"weight_map": {"w": "evil.bin"}}`, errs.ErrUnsupported, "system"},
	}
	b, _ := os.ReadFile(filepath.Join("testdata", "hostile", "os_system.pt"))
	os.WriteFile(filepath.Join(dir, "evil.bin"), b, 0o644)
	for _, c := range cases {
		p := filepath.Join(dir, "pytorch_model.bin.index.json")
		os.WriteFile(p, []byte(c.json), 0o644)
		_, err := Open(context.Background(), p)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.words) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.want, c.words)
		}
	}
}
