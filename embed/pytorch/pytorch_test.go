// pytorch_test.go checks Open against PyTorch itself: the checkpoints in
// testdata were written by torch.save and expected.json holds what
// torch.load reads back from them (testdata/gen.py makes both), and the
// BGE-M3 head files of the shared fixtures are compared with their
// safetensors copies.

package pytorch

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

type expTensor struct {
	DType      string    `json:"dtype"`
	Shape      []int     `json:"shape"`
	Contiguous bool      `json:"contiguous"`
	Values     []float64 `json:"values"`
}

func readExpected(t *testing.T) map[string]map[string]expTensor {
	t.Helper()
	var exp map[string]map[string]expTensor
	if err := testutil.ReadJSON(filepath.Join("testdata", "expected.json"), &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp) == 0 {
		t.Fatal("expected.json is empty")
	}
	return exp
}

// elements decodes raw little-endian bytes of any dtype as float64.
func elements(b []byte, dt DType) []float64 {
	n := len(b) / dt.Size()
	out := make([]float64, n)
	for i := range out {
		p := b[i*dt.Size():]
		switch dt {
		case F32:
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(p)))
		case F64:
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(p))
		case F16:
			out[i] = float64(safetensors.Float16ToFloat32(binary.LittleEndian.Uint16(p)))
		case BF16:
			out[i] = float64(math.Float32frombits(uint32(binary.LittleEndian.Uint16(p)) << 16))
		case I64:
			out[i] = float64(int64(binary.LittleEndian.Uint64(p)))
		case I32:
			out[i] = float64(int32(binary.LittleEndian.Uint32(p)))
		case I16:
			out[i] = float64(int16(binary.LittleEndian.Uint16(p)))
		case I8:
			out[i] = float64(int8(p[0]))
		case U8, Bool:
			out[i] = float64(p[0])
		}
	}
	return out
}

// TestAgainstTorch opens every checkpoint gen.py wrote and compares names,
// dtypes, shapes, contiguity and every element with what torch.load read.
func TestAgainstTorch(t *testing.T) {
	ctx := context.Background()
	for file, want := range readExpected(t) {
		t.Run(file, func(t *testing.T) {
			f, err := Open(ctx, filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Version() != 3 {
				t.Errorf("Version() = %d, want 3 (torch 1.13 writes 3)", f.Version())
			}
			var names []string
			for n := range want {
				names = append(names, n)
			}
			sort.Strings(names)
			if got := f.Names(); !equal(got, names) {
				t.Fatalf("Names() = %v, want %v", got, names)
			}
			for _, name := range names {
				w := want[name]
				ti, err := f.Tensor(name)
				if err != nil {
					t.Fatal(err)
				}
				if string(ti.DType) != w.DType || !equal(ti.Shape, w.Shape) || ti.Contiguous() != w.Contiguous || ti.Len() != len(w.Values) {
					t.Fatalf("%s: %s %v contiguous=%v len %d, torch says %s %v contiguous=%v len %d",
						name, ti.DType, ti.Shape, ti.Contiguous(), ti.Len(), w.DType, w.Shape, w.Contiguous, len(w.Values))
				}
				b, err := f.Bytes(name)
				if err != nil {
					t.Fatal(err)
				}
				got := elements(b, ti.DType)
				for i := range got {
					if got[i] != w.Values[i] {
						t.Fatalf("%s[%d] = %v, torch reads %v", name, i, got[i], w.Values[i])
					}
				}
				fs, err := f.Float32s(name)
				switch ti.DType {
				case F32, F16, BF16, F64:
					if err != nil {
						t.Fatal(err)
					}
					for i := range fs {
						if fs[i] != float32(w.Values[i]) {
							t.Fatalf("%s: Float32s[%d] = %v, torch reads %v", name, i, fs[i], w.Values[i])
						}
					}
				default:
					if !errors.Is(err, errs.ErrUnsupported) {
						t.Fatalf("%s: Float32s of %s: %v, want ErrUnsupported", name, ti.DType, err)
					}
				}
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestViews checks the storage bookkeeping of views.pt: tensors sliced
// from one storage share its key at their offsets, tied weights are one
// storage, and strides are torch's.
func TestViews(t *testing.T) {
	f, err := Open(context.Background(), filepath.Join("testdata", "views.pt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	get := func(n string) Tensor {
		ti, err := f.Tensor(n)
		if err != nil {
			t.Fatal(err)
		}
		return ti
	}
	head, middle, tail, tr := get("head"), get("middle"), get("tail"), get("transposed")
	if head.Storage != middle.Storage || head.Storage != tail.Storage || head.Storage != tr.Storage {
		t.Errorf("slices of one tensor have storages %q %q %q %q", head.Storage, middle.Storage, tail.Storage, tr.Storage)
	}
	if head.Offset != 0 || middle.Offset != 10 || tail.Offset != 30 {
		t.Errorf("offsets %d %d %d, want 0 10 30", head.Offset, middle.Offset, tail.Offset)
	}
	if !equal(tr.Stride, []int64{1, 4}) {
		t.Errorf("transposed stride %v, want [1 4]", tr.Stride)
	}
	if a, b := get("tied.a"), get("tied.b"); a.Storage != b.Storage {
		t.Errorf("tied weights in storages %q and %q", a.Storage, b.Storage)
	}
	// A contiguous F32 tensor aliases the file; a view is gathered.
	h1, _ := f.Float32s("head")
	h2, _ := f.Float32s("head")
	if &h1[0] != &h2[0] {
		t.Error("contiguous F32 tensor copied, want it to alias the file")
	}
}

// TestBGEM3Heads reads the BGE-M3 head files FlagEmbedding saves with
// torch.save and compares them with the safetensors copies beside them.
func TestBGEM3Heads(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "models", "tiny-bge-m3")
	for _, head := range []string{"sparse_linear", "colbert_linear"} {
		pt := filepath.Join(dir, head+".pt")
		if _, err := os.Stat(pt); err != nil {
			t.Skipf("fixture %s absent: %v", pt, err)
		}
		f, err := Open(context.Background(), pt)
		if err != nil {
			t.Fatal(err)
		}
		st, err := safetensors.Open(filepath.Join(dir, head+".safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if !equal(f.Names(), st.Names()) || len(f.Names()) != 2 {
			t.Fatalf("%s: names %v, safetensors copy has %v", head, f.Names(), st.Names())
		}
		for _, n := range f.Names() {
			a, _ := f.Tensor(n)
			b, _ := st.Tensor(n)
			if a.DType != b.DType || !equal(a.Shape, b.Shape) {
				t.Fatalf("%s %s: %s %v, safetensors %s %v", head, n, a.DType, a.Shape, b.DType, b.Shape)
			}
			x, err := f.Float32s(n)
			if err != nil {
				t.Fatal(err)
			}
			y, err := st.Float32s(n)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(x, y) {
				t.Fatalf("%s %s differs from the safetensors copy", head, n)
			}
		}
		f.Close()
		st.Close()
	}
}

// TestWriteSafetensors converts every fixture and reads the result back
// with package safetensors: same names, dtypes, shapes and bytes.
func TestWriteSafetensors(t *testing.T) {
	ctx := context.Background()
	for file := range readExpected(t) {
		src := filepath.Join("testdata", file)
		dst := filepath.Join(t.TempDir(), "model.safetensors")
		if err := ConvertFile(ctx, src, dst); err != nil {
			t.Fatal(err)
		}
		f, err := Open(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		st, err := safetensors.Open(dst)
		if err != nil {
			t.Fatalf("%s: converted file: %v", file, err)
		}
		if !equal(f.Names(), st.Names()) {
			t.Fatalf("%s: names %v, converted %v", file, f.Names(), st.Names())
		}
		for _, n := range f.Names() {
			a, _ := f.Tensor(n)
			b, _ := st.Tensor(n)
			x, _ := f.Bytes(n)
			y, _ := st.Bytes(n)
			if a.DType != b.DType || !equal(a.Shape, b.Shape) || !bytes.Equal(x, y) {
				t.Fatalf("%s %s: %s %v, converted %s %v (bytes equal %v)", file, n, a.DType, a.Shape, b.DType, b.Shape, bytes.Equal(x, y))
			}
		}
		if m := st.Metadata(); m["format"] != "pt" {
			t.Errorf("metadata %v, want format pt", m)
		}
		f.Close()
		st.Close()
	}
	// A cancelled context stops the conversion and leaves no file.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	dst := filepath.Join(t.TempDir(), "x.safetensors")
	if err := ConvertFile(cctx, filepath.Join("testdata", "module.pt"), dst); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cancelled conversion left %s: %v", dst, err)
	}
}

// TestClosedAndNotFound checks the errors of a closed File and an absent
// tensor.
func TestClosedAndNotFound(t *testing.T) {
	f, err := Open(context.Background(), filepath.Join("testdata", "module.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Tensor("nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("absent tensor: %v", err)
	}
	if _, err := f.Float32s("nope"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("absent tensor: %v", err)
	}
	if f.Has("nope") || !f.Has("embeddings.weight") {
		t.Fatal("Has")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.Float32s("embeddings.weight"); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := f.Bytes("embeddings.weight"); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if err := f.WriteSafetensors(context.Background(), &bytes.Buffer{}); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// TestConcurrentReads reads tensors from many goroutines while one closes
// the file, beside a CPU burner: every read either succeeds with the
// right values or fails with ErrClosed (run with -race).
func TestConcurrentReads(t *testing.T) {
	stop := testutil.BurnCPU(t)
	defer stop()
	rounds := 200
	if testing.Short() {
		rounds = 40
	}
	for r := 0; r < rounds; r++ {
		f, err := Open(context.Background(), filepath.Join("testdata", "views.pt"))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Only gathered copies are read after the call: an
				// aliasing slice is invalid once Close has run.
				for _, n := range []string{"transposed", "permuted", "halfview"} {
					v, err := f.Float32s(n)
					if err != nil {
						if !errors.Is(err, errs.ErrClosed) {
							t.Error(err)
						}
						return
					}
					if n == "transposed" && v[1] != 4 { // base[:12].view(3, 4).t()[0][1]
						t.Errorf("transposed[0][1] = %v, want 4", v[1])
					}
				}
			}()
		}
		if r%2 == 0 {
			f.Close()
		}
		wg.Wait()
		f.Close()
	}
}
