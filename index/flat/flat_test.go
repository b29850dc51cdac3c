// This file tests the exact index against a float64 brute force, its
// parallel scan against its serial one, deletes, filters, bad input,
// persistence (round trip, damage, FuzzReadFrom) and concurrent use.

package flat

import (
	"bytes"
	"context"
	"errors"
	"github.com/ganada/ganada/errs"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/synth"
	"github.com/ganada/ganada/internal/testutil"
)

func build(t testing.TB, n, dim int, metric index.Metric, opts ...Option) (*Index, [][]float32, [][]float32) {
	t.Helper()
	all := synth.Clustered(n+20, dim, 10, uint64(n))
	r := rand.New(rand.NewPCG(1, 2))
	for _, v := range all { // vary norms so Dot and L2 differ from cosine
		s := float32(0.5 + r.Float64())
		for i := range v {
			v[i] *= s
		}
	}
	x, err := New(dim, metric, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := x.AddBatch(ctx, ids, all[:n]); err != nil {
		t.Fatal(err)
	}
	return x, all[:n], all[n:]
}

func TestExactAgainstFloat64(t *testing.T) {
	for _, metric := range []index.Metric{index.Cosine, index.Dot, index.L2} {
		x, base, queries := build(t, 3000, 40, metric)
		score := synth.Dot64
		if metric == index.L2 {
			score = synth.NegL2
		}
		ref := base
		if metric == index.Cosine {
			ref = make([][]float32, len(base))
			for i, v := range base {
				ref[i] = testutil.Unit(v)
			}
		}
		for _, q := range queries {
			qq := q
			if metric == index.Cosine {
				qq = testutil.Unit(q)
			}
			truth := synth.Truth(ref, [][]float32{qq}, 10, score, nil)[0]
			rs, err := x.Search(ctx, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			for j, r := range rs {
				want := score(qq, ref[truth[j]])
				if math.Abs(float64(r.Score)-want) > 1e-4*math.Max(1, math.Abs(want)) {
					t.Fatalf("%v: rank %d score %v, float64 reference %v", metric, j, r.Score, want)
				}
				if r.ID != uint64(truth[j]) && math.Abs(score(qq, ref[r.ID])-want) > 1e-5 {
					t.Fatalf("%v: rank %d id %d, want %d", metric, j, r.ID, truth[j])
				}
			}
		}
	}
}

func TestParallelMatchesSerial(t *testing.T) {
	x, _, queries := build(t, 5000, 24, index.Dot, WithWorkers(1))
	var buf bytes.Buffer
	x.WriteTo(&buf)
	y, _ := New(1, index.L2, WithWorkers(3))
	if _, err := y.ReadFrom(&buf); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		a, _ := x.Search(ctx, q, 15)
		b, _ := y.Search(ctx, q, 15)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("parallel differs:\n%v\n%v", a, b)
		}
	}
}

// TestParallelFilter checks that a filter called from every worker of a
// parallel scan (as index.WithFilter documents) gives the serial answer.
func TestParallelFilter(t *testing.T) {
	x, _, queries := build(t, 4000, 16, index.Cosine, WithWorkers(1))
	var buf bytes.Buffer
	x.WriteTo(&buf)
	y, _ := New(1, index.L2, WithWorkers(4))
	if _, err := y.ReadFrom(&buf); err != nil {
		t.Fatal(err)
	}
	allow := func(id uint64) bool { return id%3 != 0 }
	for _, q := range queries {
		a, _ := x.Search(ctx, q, 50, index.WithFilter(allow))
		b, _ := y.Search(ctx, q, 50, index.WithFilter(allow))
		if len(a) != 50 || !reflect.DeepEqual(a, b) {
			t.Fatalf("parallel filtered search differs:\n%v\n%v", a, b)
		}
	}
}

func TestDeleteAndFilter(t *testing.T) {
	x, base, _ := build(t, 500, 8, index.L2)
	for i := 0; i < 500; i += 2 {
		if err := x.Delete(ctx, uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if x.Len() != 250 || x.Contains(0) || !x.Contains(1) {
		t.Fatalf("after deletes: Len %d", x.Len())
	}
	for i := 1; i < 500; i += 2 { // every survivor is still found by its vector
		rs, _ := x.Search(ctx, base[i], 1)
		if rs[0].ID != uint64(i) || rs[0].Score != 0 {
			t.Fatalf("id %d: %v", i, rs)
		}
		v, err := x.Vector(uint64(i))
		if err != nil || !reflect.DeepEqual(v, base[i]) {
			t.Fatalf("Vector(%d) wrong", i)
		}
	}
	rs, _ := x.Search(ctx, base[1], 300, index.WithFilter(func(id uint64) bool { return id%4 == 1 }))
	if len(rs) != 125 {
		t.Fatalf("filtered: %d results, want 125", len(rs))
	}
	for _, r := range rs {
		if r.ID%4 != 1 {
			t.Fatalf("filter violated: %d", r.ID)
		}
	}
	if err := x.Delete(ctx, 0); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("Delete twice: %v", err)
	}
	// Replacing keeps Len and changes the vector.
	x.Add(ctx, 1, base[3])
	if x.Len() != 250 {
		t.Fatal("replace changed Len")
	}
	if v, _ := x.Vector(1); !reflect.DeepEqual(v, base[3]) {
		t.Fatal("replace did not store the new vector")
	}
}

func TestBadInput(t *testing.T) {
	x, _ := New(3, index.Cosine)
	nan := float32(math.NaN())
	checks := []struct {
		err  error
		call func() error
	}{
		{errs.ErrDimension, func() error { return x.Add(ctx, 1, []float32{1}) }},
		{errs.ErrInvalidVector, func() error { return x.Add(ctx, 1, []float32{1, nan, 1}) }},
		{errs.ErrInvalidVector, func() error { return x.Add(ctx, 1, []float32{0, 0, 0}) }},
		{errs.ErrInvalidInput, func() error { _, err := x.Search(ctx, []float32{1, 1, 1}, 0); return err }},
		{errs.ErrDimension, func() error { _, err := x.Search(ctx, []float32{1, 1}, 1); return err }},
		{errs.ErrInvalidVector, func() error { _, err := x.Search(ctx, []float32{0, 0, 0}, 1); return err }},
		{errs.ErrInvalidInput, func() error { return x.AddBatch(ctx, []uint64{1}, nil) }},
		{errs.ErrInvalidVector, func() error { return x.AddBatch(ctx, []uint64{1, 2}, [][]float32{{1, 1, 1}, {nan, 1, 1}}) }},
		{errs.ErrNotFound, func() error { return x.Delete(ctx, 3) }},
		{errs.ErrInvalidInput, func() error { _, err := New(-1, index.L2); return err }},
		{errs.ErrInvalidInput, func() error { var z Index; return z.Add(ctx, 1, []float32{1}) }},
		{errs.ErrInvalidInput, func() error { var z Index; return z.Delete(ctx, 1) }},
		{errs.ErrNotFound, func() error { var z Index; return z.Delete(ctx, 1) }},
		{errs.ErrNotFound, func() error { var z Index; _, err := z.Vector(1); return err }},
		{errs.ErrInvalidOption, func() error { _, err := New(3, index.L2, WithCapacity(-1)); return err }},
		{errs.ErrInvalidOption, func() error {
			_, err := New(index.MaxDim, index.L2, WithCapacity(index.MaxComponents/index.MaxDim+1))
			return err
		}},
		{errs.ErrInvalidOption, func() error { _, err := New(index.MaxDim, index.L2, WithCapacity(math.MaxInt)); return err }},
		{errs.ErrInvalidOption, func() error { _, err := New(3, index.L2, WithWorkers(-1)); return err }},
	}
	for i, c := range checks {
		if err := c.call(); !errors.Is(err, c.err) {
			t.Errorf("check %d: %v, want %v", i, err, c.err)
		}
	}
	if x.Len() != 0 {
		t.Fatal("failed calls stored vectors")
	}
	// Nil options are skipped, as in hnsw.New.
	if y, err := New(4, index.Cosine, nil, WithCapacity(8), nil); err != nil || y.Dim() != 4 {
		t.Fatalf("New with nil options: %v", err)
	}
	x.Add(ctx, 1, []float32{1, 0, 0})
	if rs, _ := x.Search(ctx, []float32{1, 1, 0}, 10); len(rs) != 1 || math.Abs(float64(rs[0].Score)-math.Sqrt(0.5)) > 1e-6 {
		t.Fatalf("k > Len: %v", rs)
	}
}

func TestPersistence(t *testing.T) {
	x, _, queries := build(t, 300, 6, index.Cosine)
	var buf bytes.Buffer
	n, err := x.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	good := append([]byte(nil), buf.Bytes()...)
	buf.WriteString("trailer")
	var y Index
	r := bytes.NewReader(buf.Bytes())
	if m, err := y.ReadFrom(r); err != nil || m != n {
		t.Fatalf("ReadFrom: %d %v", m, err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "trailer" {
		t.Fatalf("over-read: %q", rest)
	}
	for _, q := range queries {
		a, _ := x.Search(ctx, q, 5)
		b, _ := y.Search(ctx, q, 5)
		if !reflect.DeepEqual(a, b) {
			t.Fatal("round trip changed results")
		}
	}
	if r2, err := Read(ctx, bytes.NewReader(good)); err != nil || r2.Len() != x.Len() {
		t.Fatalf("Read: %v", err)
	}
	path := filepath.Join(t.TempDir(), "f.idx")
	if err := x.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	z, err := Load(ctx, path)
	if err != nil || z.Len() != x.Len() || z.Dim() != 6 || z.Metric() != index.Cosine {
		t.Fatalf("Load: %v", err)
	}
	// A file with bytes after the end marker is not one Save wrote.
	for _, extra := range []string{"\x00", "trailer"} {
		if err := os.WriteFile(path, append(append([]byte(nil), good...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(ctx, path); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("Load with %q appended: %v, want errs.ErrCorrupt", extra, err)
		}
	}
	for cut := 0; cut < len(good); cut += 7 {
		if _, err := new(Index).ReadFrom(bytes.NewReader(good[:cut])); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("cut %d: %v", cut, err)
		}
	}
	for i := 0; i < len(good); i += 3 {
		bad := append([]byte(nil), good...)
		bad[i] ^= 1
		if _, err := new(Index).ReadFrom(bytes.NewReader(bad)); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("flip %d: %v", i, err)
		}
	}
}

func FuzzReadFrom(f *testing.F) {
	for _, n := range []int{0, 1, 5} {
		x, _, _ := build(f, n, 3, index.L2)
		var buf bytes.Buffer
		x.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	// Quantised files: codes only (int8 with ranges, binary), codes beside
	// float32 vectors, an uncalibrated int8 index, a funnel.
	for _, opts := range [][]Option{
		{WithQuantization(index.Int8), WithCalibration(4)},
		{WithQuantization(index.Binary)},
		{WithQuantization(index.Int8), WithCalibration(4), WithRescore(2)},
		{WithQuantization(index.Int8)},
		{WithFunnel(2), WithRescore(3)},
	} {
		x, _, _ := build(f, 6, 3, index.L2, opts...)
		var buf bytes.Buffer
		x.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var y Index
		if _, err := y.ReadFrom(bytes.NewReader(data)); err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("%v does not wrap errs.ErrCorrupt", err)
			}
			return
		}
		q := make([]float32, y.Dim())
		q[0] = 1
		if _, err := y.Search(ctx, q, 2); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConcurrent(t *testing.T) {
	x, base, queries := build(t, 2000, 8, index.Dot, WithWorkers(2))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				switch g {
				case 0:
					x.Add(ctx, uint64(5000+i), base[i])
				case 1:
					x.Delete(ctx, uint64(i))
				default:
					if _, err := x.Search(ctx, queries[i%len(queries)], 5); err != nil {
						t.Error(err)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	if x.Len() != 2000 {
		t.Fatalf("Len = %d, want 2000", x.Len())
	}
}

// TestReconfigure: Reconfigure changes the workers of a built index and
// rejects WithCapacity, naming it, leaving the index unchanged.
func TestReconfigure(t *testing.T) {
	x, err := New(2, index.L2)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Reconfigure(nil, WithWorkers(2)); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]Option{"WithCapacity": WithCapacity(3), "WithWorkers(-1)": WithWorkers(-1)} {
		if err := x.Reconfigure(o); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), name) {
			t.Errorf("Reconfigure(%s): %v, want errs.ErrInvalidOption naming it", name, err)
		}
	}
	var z Index
	if err := z.Reconfigure(WithWorkers(1)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("zero Index: %v", err)
	}
}

// ctx is the context of the tests' calls.
var ctx = context.Background()

// TestCancelledContext: Add, AddBatch, Delete and Search return a done
// context's error and change nothing.
func TestCancelledContext(t *testing.T) {
	x, err := New(2, index.L2)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Add(ctx, 1, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	for name, err := range map[string]error{
		"Add":      x.Add(done, 2, []float32{3, 4}),
		"AddBatch": x.AddBatch(done, []uint64{3}, [][]float32{{5, 6}}),
		"Delete":   x.Delete(done, 1),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := x.Search(done, []float32{1, 2}, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Search: %v", err)
	}
	if x.Len() != 1 || !x.Contains(1) {
		t.Fatalf("a cancelled call changed the index: Len %d", x.Len())
	}
}
