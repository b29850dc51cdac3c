// This file tests Open (the memory-mapped, read-only index): same results
// as Load for every storage kind and for version 1 files, read-only and
// closed errors, lazy checksums caught by Verify, damage Open itself
// catches, and FuzzOpenMapped.
package flat

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

func TestOpenMapped(t *testing.T) {
	dir := t.TempDir()
	for i, opts := range [][]Option{
		nil,
		{WithQuantization(index.Int8), WithCalibration(50)},
		{WithQuantization(index.Binary)},
		{WithQuantization(index.Int8), WithCalibration(50), WithRescore(20)},
		{WithFunnel(8), WithRescore(20)},
	} {
		for _, metric := range []index.Metric{index.Cosine, index.L2} {
			x, _, queries := build(t, 300, 20, metric, opts...)
			path := filepath.Join(dir, "x.idx")
			if err := x.Save(ctx, path); err != nil {
				t.Fatal(err)
			}
			y, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("config %d: %v", i, err)
			}
			if err := y.Verify(); err != nil {
				t.Fatalf("config %d: Verify: %v", i, err)
			}
			for _, q := range queries {
				a, _ := x.Search(ctx, q, 7)
				b, err := y.Search(ctx, q, 7)
				if err != nil || len(a) != len(b) {
					t.Fatalf("config %d: %v", i, err)
				}
				for j := range a {
					if a[j] != b[j] {
						t.Fatalf("config %d %v: mapped results differ:\n%v\n%v", i, metric, a, b)
					}
				}
			}
			if err := y.Add(ctx, 1, queries[0]); !errors.Is(err, errs.ErrUnsupported) {
				t.Errorf("Add on a mapped index: %v", err)
			}
			if err := y.AddBatch(ctx, []uint64{1}, queries[:1]); !errors.Is(err, errs.ErrUnsupported) {
				t.Errorf("AddBatch on a mapped index: %v", err)
			}
			if err := y.Delete(ctx, 1); !errors.Is(err, errs.ErrUnsupported) {
				t.Errorf("Delete on a mapped index: %v", err)
			}
			var buf bytes.Buffer // a mapped index writes itself as it was saved
			y.WriteTo(&buf)
			if saved, _ := os.ReadFile(path); !bytes.Equal(buf.Bytes(), saved) {
				t.Errorf("config %d: WriteTo of the mapped index differs from the file", i)
			}
			if err := y.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := y.Search(ctx, queries[0], 1); !errors.Is(err, errs.ErrClosed) {
				t.Errorf("Search after Close: %v", err)
			}
			if _, err := y.Vector(1); err == nil {
				t.Errorf("Vector after Close succeeded")
			}
			if err := y.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		}
	}
	// A version 1 file maps too.
	path := filepath.Join(dir, "v1.idx")
	os.WriteFile(path, writeFile(1, 2, 2, nil, nil, []float32{1, 0, 0, 2}, nil), 0o644)
	y, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if rs, _ := y.Search(ctx, []float32{0, 1}, 1); len(rs) != 1 || rs[0].ID != 2 || rs[0].Score != 2 {
		t.Fatalf("version 1 mapped: %v", rs)
	}
	y.Close()
}

// TestOpenDamage: damage in the sections Open reads fails Open; damage in
// VECS passes Open and fails Verify; truncation and trailing bytes fail
// Open.
func TestOpenDamage(t *testing.T) {
	x, _, _ := build(t, 100, 8, index.Dot)
	var buf bytes.Buffer
	x.WriteTo(&buf)
	good := buf.Bytes()
	dir := t.TempDir()
	open := func(b []byte) (*Index, error) {
		path := filepath.Join(dir, "x.idx")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return Open(ctx, path)
	}
	vecsAt := bytes.Index(good, []byte("VECS"))
	for _, at := range []int{20, 50, vecsAt - 30} { // CONF, QUNT, IDS.
		bad := append([]byte(nil), good...)
		bad[at] ^= 1
		if _, err := open(bad); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("flip at %d: %v", at, err)
		}
	}
	bad := append([]byte(nil), good...)
	bad[vecsAt+12+100] ^= 1
	y, err := open(bad)
	if err != nil {
		t.Fatalf("damaged vector: Open checks VECS lazily, yet: %v", err)
	}
	if err := y.Verify(); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("Verify of a damaged vector: %v", err)
	}
	y.Close()
	for name, b := range map[string][]byte{
		"truncated":   good[:len(good)-5],
		"no end":      good[:len(good)-16],
		"trailing":    append(append([]byte(nil), good...), 0),
		"empty":       {},
		"header only": good[:12],
	} {
		if _, err := open(b); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzOpenMapped(f *testing.F) {
	for _, opts := range [][]Option{nil, {WithQuantization(index.Int8), WithCalibration(3)}, {WithQuantization(index.Binary)}, {WithFunnel(2), WithRescore(2)}} {
		x, _, _ := build(f, 5, 3, index.L2, opts...)
		var buf bytes.Buffer
		x.WriteTo(&buf)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := openMapped(data)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("%v does not wrap errs.ErrCorrupt", err)
			}
			return
		}
		y.Verify()
		q := make([]float32, y.Dim())
		q[0] = 1
		if _, err := y.Search(ctx, q, 2); err != nil {
			t.Fatal(err)
		}
	})
}

// TestOpenCloseConcurrent: searches racing Close (under -race in CI, beside
// a CPU burner) either finish with results or fail with errs.ErrClosed;
// none reads the unmapped file.
func TestOpenCloseConcurrent(t *testing.T) {
	testutil.BurnCPU(t)
	x, _, queries := build(t, 2000, 32, index.Cosine, WithQuantization(index.Int8), WithCalibration(500), WithRescore(20))
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := x.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 20; round++ {
		y, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		y.Reconfigure(WithWorkers(2))
		var wg sync.WaitGroup
		for g := 0; g < 3; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 30; i++ {
					rs, err := y.Search(ctx, queries[(g+i)%len(queries)], 5)
					if err != nil {
						if !errors.Is(err, errs.ErrClosed) {
							t.Error(err)
						}
						return
					}
					if len(rs) != 5 {
						t.Errorf("%d results", len(rs))
						return
					}
				}
			}(g)
		}
		time.Sleep(time.Duration(round%4) * time.Millisecond)
		if err := y.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}
