// safetensors_test.go checks reading, dtype conversion, sharded indexes and
// the validation of corrupt files.

package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

type testTensor struct {
	name  string
	dtype DType
	shape []int
	data  []byte
}

// writeST writes a safetensors file the way the reference writer does:
// tensors in name order, header padded with spaces to a multiple of 8.
func writeST(t testing.TB, path string, tensors []testTensor, meta map[string]string) {
	t.Helper()
	sort.Slice(tensors, func(i, j int) bool { return tensors[i].name < tensors[j].name })
	hdr := map[string]any{}
	if meta != nil {
		hdr["__metadata__"] = meta
	}
	var data []byte
	for _, tt := range tensors {
		begin := len(data)
		data = append(data, tt.data...)
		hdr[tt.name] = map[string]any{"dtype": tt.dtype, "shape": tt.shape, "data_offsets": []int{begin, len(data)}}
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		t.Fatal(err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	out = append(out, js...)
	out = append(out, data...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func f32bytes(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func u16bytes(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func TestOpenAndConvert(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.safetensors")
	f64 := binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.1))
	f64 = binary.LittleEndian.AppendUint64(f64, math.Float64bits(-3))
	writeST(t, p, []testTensor{
		{"a.f32", F32, []int{2, 3}, f32bytes(1, 2, 3, -4, 5.5, float32(math.Inf(1)))},
		// 1, -2, 65504, 2^-24 (smallest subnormal), 2^-14 (smallest normal), +Inf, -0
		{"b.f16", F16, []int{7}, u16bytes(0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x8000)},
		// 1, -2, 3.140625, smallest bf16 subnormal 2^-133
		{"c.bf16", BF16, []int{2, 2}, u16bytes(0x3f80, 0xc000, 0x4049, 0x0001)},
		{"d.f64", F64, []int{2}, f64},
		{"e.i64", I64, []int{1}, make([]byte, 8)},
		{"z.scalar", F32, []int{}, f32bytes(7)},
	}, map[string]string{"format": "pt"})
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.Names(), ","); got != "a.f32,b.f16,c.bf16,d.f64,e.i64,z.scalar" {
		t.Fatalf("Names = %s", got)
	}
	if f.Metadata()["format"] != "pt" {
		t.Errorf("metadata = %v", f.Metadata())
	}
	info, err := f.Tensor("a.f32")
	if err != nil || info.DType != F32 || len(info.Shape) != 2 || info.Shape[0] != 2 || info.Shape[1] != 3 || info.Len() != 6 || info.File != p {
		t.Fatalf("Tensor = %+v, %v", info, err)
	}
	check := func(name string, want ...float32) {
		t.Helper()
		got, err := f.Float32s(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Errorf("%s[%d] = %g (%#x), want %g (%#x)", name, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
	check("a.f32", 1, 2, 3, -4, 5.5, float32(math.Inf(1)))
	check("b.f16", 1, -2, 65504, float32(math.Ldexp(1, -24)), float32(math.Ldexp(1, -14)), float32(math.Inf(1)), float32(math.Copysign(0, -1)))
	check("c.bf16", 1, -2, 3.140625, float32(math.Ldexp(1, -133)))
	check("d.f64", 0.1, -3)
	check("z.scalar", 7)
	// Errors wrap the errs vocabulary (and the standard library's
	// sentinels it wraps), naming the package, the file and the tensor.
	named := func(err error, what string) bool {
		s := err.Error()
		return strings.HasPrefix(s, "safetensors: "+p+": ") && strings.Contains(s, what)
	}
	if _, err := f.Float32s("e.i64"); !errors.Is(err, errs.ErrUnsupported) || !errors.Is(err, errors.ErrUnsupported) || !named(err, `"e.i64"`) || !strings.Contains(err.Error(), "I64") {
		t.Errorf("I64 as float32: %v", err)
	}
	for _, get := range []func(string) error{
		func(n string) error { _, err := f.Float32s(n); return err },
		func(n string) error { _, err := f.Bytes(n); return err },
		func(n string) error { _, err := f.Tensor(n); return err },
	} {
		if err := get("nope"); !errors.Is(err, errs.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) || !named(err, `"nope"`) {
			t.Errorf("missing tensor: %v", err)
		}
	}
	if b, err := f.Bytes("b.f16"); err != nil || len(b) != 14 {
		t.Errorf("Bytes = %d, %v", len(b), err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Float32s("a.f32"); !errors.Is(err, errs.ErrClosed) || !errors.Is(err, fs.ErrClosed) || !strings.HasPrefix(err.Error(), "safetensors: ") {
		t.Errorf("after Close: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestFloat16All compares every half-precision bit pattern with an
// independent float64 evaluation of the IEEE 754 binary16 formula.
func TestFloat16All(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		sign := 1.0
		if h>>15 == 1 {
			sign = -1
		}
		e := (h >> 10) & 0x1f
		m := float64(h & 0x3ff)
		var want float64
		switch {
		case e == 0x1f && m == 0:
			want = math.Inf(int(sign))
		case e == 0x1f:
			want = math.NaN()
		case e == 0:
			want = sign * m * math.Ldexp(1, -24)
		default:
			want = sign * (1 + m/1024) * math.Ldexp(1, e-15)
		}
		got := Float16ToFloat32(uint16(h))
		if math.IsNaN(want) {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("%#04x: got %g, want NaN", h, got)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != math.Signbit(want) {
			t.Fatalf("%#04x: got %g, want %g", h, got, want)
		}
	}
}

func TestUnalignedF32Copies(t *testing.T) {
	b := make([]byte, 13)
	copy(b[1:], f32bytes(1.5, -2.25, 3))
	got, err := toFloat32(b[1:], F32)
	if err != nil || len(got) != 3 || got[0] != 1.5 || got[1] != -2.25 || got[2] != 3 {
		t.Fatalf("unaligned = %v, %v", got, err)
	}
}

func TestSharded(t *testing.T) {
	dir := t.TempDir()
	writeST(t, filepath.Join(dir, "model-00001-of-00002.safetensors"), []testTensor{
		{"x", F32, []int{2}, f32bytes(1, 2)},
		{"y", F16, []int{1}, u16bytes(0x3c00)},
	}, nil)
	writeST(t, filepath.Join(dir, "model-00002-of-00002.safetensors"), []testTensor{
		{"z", BF16, []int{1}, u16bytes(0x4000)},
	}, map[string]string{"format": "pt"})
	idx := `{"metadata": {"total_size": 14}, "weight_map": {"x": "model-00001-of-00002.safetensors", "y": "model-00001-of-00002.safetensors", "z": "model-00002-of-00002.safetensors"}}`
	ip := filepath.Join(dir, "model.safetensors.index.json")
	if err := os.WriteFile(ip, []byte(idx), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(ip)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.Names(), ","); got != "x,y,z" {
		t.Fatalf("Names = %s", got)
	}
	z, err := f.Float32s("z")
	if err != nil || z[0] != 2 {
		t.Fatalf("z = %v, %v", z, err)
	}
	if info, _ := f.Tensor("z"); !strings.HasSuffix(info.File, "model-00002-of-00002.safetensors") {
		t.Errorf("z file = %s", info.File)
	}
	if f.Metadata()["total_size"] != "14" || f.Metadata()["format"] != "pt" {
		t.Errorf("metadata = %v", f.Metadata())
	}

	// An index pointing at a tensor its shard lacks, or at a missing shard.
	bad := map[string]string{
		"missing-tensor.json": `{"weight_map": {"w": "model-00001-of-00002.safetensors"}}`,
		"missing-shard.json":  `{"weight_map": {"x": "nope.safetensors"}}`,
		"escape.json":         `{"weight_map": {"x": "../model-00001-of-00002.safetensors"}}`,
		"empty.json":          `{}`,
		"garbage.json":        `{"weight_map": [`,
	}
	for name, body := range bad {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if f, err := Open(p); err == nil {
			f.Close()
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), name) && !strings.Contains(err.Error(), "nope.safetensors") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

func TestCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	writeST(t, good, []testTensor{{"w", F32, []int{2, 2}, f32bytes(1, 2, 3, 4)}}, nil)
	raw, _ := os.ReadFile(good)
	hdrLen := int(binary.LittleEndian.Uint64(raw))

	withHeader := func(js string, data []byte) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
		return append(append(b, js...), data...)
	}
	cases := map[string][]byte{
		"empty":          {},
		"short":          raw[:5],
		"truncated-data": raw[:len(raw)-1],
		"truncated-head": raw[:8+hdrLen/2],
		"huge-length":    append(binary.LittleEndian.AppendUint64(nil, 1<<62), raw[8:]...),
		"not-json":       withHeader("hello!!!", nil),
		"array":          withHeader(`[1,2,3]`, nil),
		"bad-dtype":      withHeader(`{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"shape-mismatch": withHeader(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"neg-shape":      withHeader(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"overflow-shape": withHeader(`{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}`, make([]byte, 4)),
		"out-of-range":   withHeader(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4)),
		"reversed":       withHeader(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, make([]byte, 4)),
		"missing-field":  withHeader(`{"w":{"dtype":"F32","shape":[1]}}`, make([]byte, 4)),
		"overlap":        withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)),
		"bad-metadata":   withHeader(`{"__metadata__":{"a":1}}`, nil),
		"duplicate":      withHeader(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)),
		"trailing":       withHeader(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}} {}`, make([]byte, 1)),
		"exponent":       withHeader(`{"w":{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}}`, make([]byte, 1)),
		"offsets-3":      withHeader(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, make([]byte, 2)),
		"huge-shape":     withHeader(`{"w":{"dtype":"U8","shape":[9223372036854775807,2],"data_offsets":[0,0]}}`, nil),
	}
	for name, b := range cases {
		p := filepath.Join(dir, name+".safetensors")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Open(p)
		if err == nil {
			f.Close()
			t.Errorf("%s: no error", name)
			continue
		}
		if !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: error %v does not wrap errs.ErrCorrupt", name, err)
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := Open(filepath.Join(dir, "absent.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	if _, err := Open(dir); err == nil {
		t.Errorf("directory: no error")
	}
}

// TestReadOnceFallback checks that the header parser and conversion work on
// a heap copy of a file exactly as on the mapped one.
func TestReadOnceFallback(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.safetensors")
	writeST(t, p, []testTensor{{"w", F32, []int{3}, f32bytes(1, 2, 3)}}, nil)
	b, _ := os.ReadFile(p)
	h, start, err := parseHeader(b)
	if err != nil || len(h.tensors) != 1 {
		t.Fatal(h, err)
	}
	tt := h.tensors[0]
	v, err := toFloat32(b[start:][tt.begin:tt.end], tt.DType)
	if err != nil || v[2] != 3 {
		t.Fatal(v, err)
	}
}

// FuzzHeader feeds arbitrary bytes to the header parser: it must return an
// error or a header whose byte ranges lie inside the file, never panic.
func FuzzHeader(f *testing.F) {
	seed := func(js string, n int) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
		return append(append(b, js...), make([]byte, n)...)
	}
	f.Add(seed(`{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}`, 16))
	f.Add(seed(`{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[],"data_offsets":[2,4]}}`, 4))
	f.Add(seed(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, 0))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add(seed(`{`, 0))
	// Seeds for the hand-written JSON reader (jsonscan.go): escapes,
	// duplicates, null metadata, unknown and nested fields, numbers that
	// are not plain integers, trailing bytes and commas, overlaps, a
	// 2^63-element claim, a long shape.
	f.Add(seed(`{"a\u00e9\"\n":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"__metadata__":null}`, 1))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2))
	f.Add(seed(`{"w":{"x":[{"y":"]}"}],"dtype":"U8","shape":[2],"data_offsets":[0,2],"z":null}}`, 2))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}}`, 1))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[01],"data_offsets":[0,1.0]}}`, 1))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[-0],"data_offsets":[0,0]}} x`, 0))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},}`, 1))
	f.Add(seed(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[1],"data_offsets":[7,8]}}`, 8))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[9223372036854775807,2],"data_offsets":[0,0]}}`, 0))
	f.Add(seed(`{"w":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}}`, 1))
	f.Add(seed(`{"__metadata__":{"a":"\ud800","b":1}}`, 0))
	f.Add(seed("{\"w\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]}}\n  ", 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, start, err := parseHeader(b)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap errs.ErrCorrupt: %v", err)
			}
			return
		}
		// What the reader accepts is JSON, with the entries encoding/json
		// finds.
		js := b[8:start]
		var raw map[string]struct {
			Shape []int `json:"shape"`
		}
		if err := json.Unmarshal(js, &raw); err != nil && !strings.Contains(err.Error(), "__metadata__") {
			t.Fatalf("accepted a header encoding/json rejects: %v", err)
		}
		delete(raw, "__metadata__")
		if len(raw) != len(h.tensors) {
			t.Fatalf("%d tensors, encoding/json finds %d", len(h.tensors), len(raw))
		}
		for _, tt := range h.tensors {
			if r, ok := raw[tt.Name]; !ok || fmt.Sprint(r.Shape) != fmt.Sprint(tt.Shape) {
				t.Fatalf("tensor %q shape %v, encoding/json: %v (found %v)", tt.Name, tt.Shape, r.Shape, ok)
			}
		}
		data := b[start:]
		for _, tt := range h.tensors {
			if tt.begin < 0 || tt.end > int64(len(data)) || tt.begin > tt.end {
				t.Fatalf("tensor %q range [%d,%d] outside %d bytes", tt.Name, tt.begin, tt.end, len(data))
			}
			if int64(tt.Len()*tt.DType.Size()) != tt.end-tt.begin {
				t.Fatalf("tensor %q size mismatch", tt.Name)
			}
			if _, err := toFloat32(data[tt.begin:tt.end], tt.DType); err != nil && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatal(err)
			}
			if tt.DType.Size() == 2 {
				if u := toUint16(data[tt.begin:tt.end]); len(u) != tt.Len() {
					t.Fatalf("tensor %q: %d 16-bit values, shape says %d", tt.Name, len(u), tt.Len())
				}
			}
		}
	})
}

// FuzzIndex feeds arbitrary bytes to the index parser: it must return an
// error wrapping errs.ErrCorrupt, or the weight map encoding/json reads, with
// shard names inside the folder.
func FuzzIndex(f *testing.F) {
	f.Add([]byte(`{"metadata": {"total_size": 14}, "weight_map": {"x": "a.safetensors", "y": "a.safetensors", "z": "b.safetensors"}}`))
	f.Add([]byte(`{"weight_map": {"x": "a", "x": "b"}, "other": [1, {"a": null}]}`))
	f.Add([]byte(`{"weight_map": {"x": "../a"}}`))
	f.Add([]byte(`{"weight_map": {"x\u0000": "a\/b"}, "metadata": null}`))
	f.Add([]byte(`{"weight_map": {}}`))
	f.Add([]byte(`{"metadata": "x", "weight_map": {"x": "a"}}`))
	f.Add([]byte(`{"weight_map": {"x": 1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := parseIndex(b)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap errs.ErrCorrupt: %v", err)
			}
			return
		}
		var raw struct {
			WeightMap map[string]string `json:"weight_map"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("accepted an index encoding/json rejects: %v", err)
		}
		if len(raw.WeightMap) != len(idx.entries) {
			t.Fatalf("%d entries, encoding/json finds %d", len(idx.entries), len(raw.WeightMap))
		}
		for i, e := range idx.entries {
			if i > 0 && idx.entries[i-1].name >= e.name {
				t.Fatalf("entries not sorted: %q, %q", idx.entries[i-1].name, e.name)
			}
			if raw.WeightMap[e.name] != idx.shards[e.shard] {
				t.Fatalf("%q in %q, encoding/json: %q", e.name, idx.shards[e.shard], raw.WeightMap[e.name])
			}
		}
		inUse := map[int32]bool{}
		for _, e := range idx.entries {
			inUse[e.shard] = true
		}
		if len(inUse) != len(idx.shards) {
			t.Fatalf("shards %q, %d in use", idx.shards, len(inUse))
		}
		for _, s := range idx.shards {
			if s == "" || strings.ContainsAny(s, `/\`) || strings.Contains(s, "..") {
				t.Fatalf("shard name %q accepted", s)
			}
		}
	})
}

// TestUint16s reads BF16 and F16 tensors as raw values (aliasing the file
// when aligned, copied when not), and refuses other dtypes.
func TestUint16s(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.safetensors")
	writeST(t, path, []testTensor{
		{"b", BF16, []int{3}, u16bytes(0x3f80, 0xc000, 0x7f80)},
		{"h", F16, []int{2}, u16bytes(0x3c00, 0x8001)},
		{"f", F32, []int{1}, f32bytes(1)},
	}, nil)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Uint16s("b")
	if err != nil || fmt.Sprint(b) != fmt.Sprint([]uint16{0x3f80, 0xc000, 0x7f80}) {
		t.Fatalf("Uint16s(b) = %#x, %v", b, err)
	}
	if h, err := f.Uint16s("h"); err != nil || len(h) != 2 || h[0] != 0x3c00 || h[1] != 0x8001 {
		t.Fatalf("Uint16s(h) = %#x, %v", h, err)
	}
	if _, err := f.Uint16s("f"); !errors.Is(err, errs.ErrUnsupported) || !strings.Contains(err.Error(), `"f"`) {
		t.Fatalf("Uint16s(F32) = %v, want ErrUnsupported naming the tensor", err)
	}
	if _, err := f.Uint16s("nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Uint16s(missing) = %v", err)
	}
	f.Close()
	if _, err := f.Uint16s("b"); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("Uint16s after Close = %v", err)
	}
	raw := make([]byte, 7)
	copy(raw[1:], u16bytes(1, 2, 0xffff))
	if got := toUint16(raw[1:]); fmt.Sprint(got) != "[1 2 65535]" {
		t.Fatalf("unaligned toUint16 = %v", got)
	}
}
