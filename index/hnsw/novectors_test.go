// This file tests WithoutVectors, the index that keeps only codes: the same
// results as the quantised index it was made from, in memory, after
// Save/Load and after Open; smaller memory and files; inserts, deletes,
// filters and Compact on codes alone, with recall against exact float32
// search; options it rejects; hostile CONF flags.

package hnsw

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

func TestWithoutVectors(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []index.Quantization{index.Int8, index.Binary} {
		for _, metric := range []index.Metric{index.Cosine, index.L2} {
			n := scaled(2000)
			d := newDataset(n+200, 32, 50, 21)
			extra := d.base[n:]
			d.base, d.ids = d.base[:n], d.ids[:n]
			h, err := New(32, metric, WithM(8), WithEfConstruction(64), WithQuantization(kind), WithCalibration(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := h.AddBatch(ctx, d.ids, d.base); err != nil {
				t.Fatal(err)
			}
			var kept bytes.Buffer
			if _, err := h.WriteTo(&kept); err != nil {
				t.Fatal(err)
			}
			before := make([][]index.Result, len(d.queries))
			for i, q := range d.queries {
				before[i], _ = h.Search(ctx, q, 10)
			}
			mem := h.MemoryBytes()
			if err := h.Reconfigure(WithoutVectors()); err != nil {
				t.Fatal(err)
			}
			if h.vecs != nil {
				t.Fatalf("%v %v: vectors kept", kind, metric)
			}
			if got, want := h.MemoryBytes(), mem-int64(4*h.Cap()*32); got != want {
				t.Fatalf("%v %v: MemoryBytes %d, want %d", kind, metric, got, want)
			}
			path := filepath.Join(dir, "nv.hnsw")
			if err := h.Save(ctx, path); err != nil {
				t.Fatal(err)
			}
			var nv bytes.Buffer
			h.WriteTo(&nv)
			if nv.Len() > kept.Len()-4*n*32 {
				t.Fatalf("%v: file of %d bytes, with vectors %d", kind, nv.Len(), kept.Len())
			}
			l, err := Load(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			// The same graph and codes give the same results, in memory,
			// loaded and opened.
			for i, q := range d.queries {
				for _, x := range []*Index{h, l, o} {
					if got, _ := x.Search(ctx, q, 10); !reflect.DeepEqual(got, before[i]) {
						t.Fatalf("%v %v: results changed without vectors:\n%v\n%v", kind, metric, got, before[i])
					}
				}
			}
			o.Close()
			if _, err := l.Vector(d.ids[0]); !errors.Is(err, errs.ErrUnsupported) {
				t.Errorf("Vector: %v", err)
			}
			for name, err := range map[string]error{
				"WithQuantization": l.Reconfigure(WithQuantization(index.Float32)),
				"WithRescore":      l.Reconfigure(WithRescore(5)),
				"other kind":       l.Reconfigure(WithQuantization(index.Int8 + index.Binary - kind)),
			} {
				if !errors.Is(err, errs.ErrInvalidOption) {
					t.Errorf("%s on an index without vectors: %v", name, err)
				}
			}
			// Inserts, deletes and Compact after Load, on codes alone.
			ids := make([]uint64, len(extra))
			for i := range ids {
				ids[i] = 1<<40 + uint64(i)
			}
			if err := l.AddBatch(ctx, ids, extra); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i += 5 {
				if err := l.Delete(ctx, d.ids[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Compact(); err != nil {
				t.Fatal(err)
			}
			all := dataset{base: append(append([][]float32(nil), d.base...), extra...), ids: append(append([]uint64(nil), d.ids...), ids...), queries: d.queries}
			live := func(i int) bool { return i >= n || i%5 != 0 }
			truth := truthFromFlat(t, all, metric, 10, live, nil)
			// Against exact float32 search: the codes' own ranking limits
			// recall (int8 ≈ 0.9, sign bits of 32 dims far less), so the
			// graph walk is compared with an exact scan of the same codes
			// as well.
			exact := recall(t, l, all, truth, 10, index.WithExact())
			graph := recall(t, l, all, truth, 10, index.WithEf(64))
			t.Logf("%v %v: recall@10 after inserts, deletes and Compact on codes: graph %.3f, exact scan of the codes %.3f", kind, metric, graph, exact)
			if graph < exact-0.05 {
				t.Errorf("%v %v: graph recall %.3f, exact scan of the codes %.3f", kind, metric, graph, exact)
			}
			if kind == index.Int8 && exact < 0.8 {
				t.Errorf("%v %v: exact int8 recall %.3f", kind, metric, exact)
			}
			allow := func(id uint64) bool { return id%2 == 1 }
			for _, q := range d.queries {
				rs, err := l.Search(ctx, q, 10, index.WithFilter(allow))
				if err != nil || len(rs) != 10 {
					t.Fatalf("filtered search: %v, %d results", err, len(rs))
				}
				for _, r := range rs {
					if !allow(r.ID) || (r.ID < 1<<40 && (r.ID-3)/7%5 == 0) {
						t.Fatalf("filtered search returned %d", r.ID)
					}
				}
			}
			// Saved again after the changes, read back the same.
			var b bytes.Buffer
			if _, err := l.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			r, err := Read(ctx, &b)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range d.queries[:5] {
				a, _ := l.Search(ctx, q, 10)
				c, _ := r.Search(ctx, q, 10)
				if !reflect.DeepEqual(a, c) {
					t.Fatalf("round trip changed results")
				}
			}
		}
	}
}

// TestWithoutVectorsFromStart: a Binary index built WithoutVectors never
// holds float32 vectors and links by Hamming distance; an Int8 one keeps
// them until it calibrates, then drops them.
func TestWithoutVectorsFromStart(t *testing.T) {
	d := newDataset(scaled(1500), 32, 30, 8)
	for _, kind := range []index.Quantization{index.Binary, index.Int8} {
		h, err := New(32, index.Cosine, WithQuantization(kind), WithoutVectors(), WithCalibration(500))
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.base {
			if err := h.Add(ctx, d.ids[i], d.base[i]); err != nil {
				t.Fatal(err)
			}
			if kind == index.Binary && h.vecs != nil {
				t.Fatal("binary index allocated vectors")
			}
			if kind == index.Int8 && (i+1 < 500) != (h.vecs != nil) {
				t.Fatalf("int8 after %d vectors: vectors kept %v", i+1, h.vecs != nil)
			}
		}
		// The graph walk against an exact scan of the same codes.
		hit, total := 0, 0
		for _, q := range d.queries {
			a, _ := h.Search(ctx, q, 10, index.WithExact())
			b, _ := h.Search(ctx, q, 10, index.WithEf(100))
			seen := map[uint64]bool{}
			for _, r := range a {
				seen[r.ID] = true
			}
			for _, r := range b {
				if seen[r.ID] {
					hit++
				}
			}
			total += len(a)
		}
		if r := float64(hit) / float64(total); r < 0.85 {
			t.Errorf("%v: graph finds %.3f of the exact scan's top 10 on the codes", kind, r)
		}
	}
	for name, opts := range map[string][]Option{
		"float32": {WithoutVectors()},
		"rescore": {WithQuantization(index.Int8), WithRescore(5), WithoutVectors()},
		"funnel":  {WithQuantization(index.Int8), WithFunnel(8), WithRescore(5), WithoutVectors()},
	} {
		if _, err := New(32, index.Cosine, opts...); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestHostileNoVectorsFlag: CONF's flags word set on a file whose index
// has vectors, or with unknown bits, is corrupt, for ReadFrom and Open.
func TestHostileNoVectorsFlag(t *testing.T) {
	h, _ := buildMapped(t, 100, index.Cosine, WithQuantization(index.Int8), WithCalibration(50))
	var buf bytes.Buffer
	h.WriteTo(&buf)
	head, secs := parseSections(t, buf.Bytes())
	for _, flags := range []uint32{1, 2, 1 << 31} {
		ss := append([]section(nil), secs...)
		ss[0].payload = append([]byte(nil), ss[0].payload...)
		binary.LittleEndian.PutUint32(ss[0].payload[20:], flags)
		b := joinSections(head, ss)
		if _, err := Read(ctx, bytes.NewReader(b)); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("flags %#x: Read: %v", flags, err)
		}
		path := filepath.Join(t.TempDir(), "f.hnsw")
		writeFile(t, path, b)
		if _, err := Open(ctx, path); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("flags %#x: Open: %v", flags, err)
		}
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWithoutVectorsConcurrent inserts into a codes-only Int8 index from two
// goroutines (crossing its calibration, where the vectors are dropped)
// while a third searches (under -race in CI, beside a CPU burner); then
// every vector finds itself among its 5 nearest.
func TestWithoutVectorsConcurrent(t *testing.T) {
	testutil.BurnCPU(t)
	d := newDataset(scaled(2000), 16, 10, 4)
	h, err := New(16, index.L2, WithQuantization(index.Int8), WithoutVectors(), WithCalibration(len(d.base)/3))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(stressBudget())
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(d.base); i += 2 {
				if err := h.Add(ctx, d.ids[i], d.base[i]); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; time.Now().Before(deadline); i++ {
			if _, err := h.Search(ctx, d.queries[i%len(d.queries)], 5); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	<-done
	if h.vecs != nil {
		t.Fatal("vectors kept after calibration")
	}
	miss := 0
	for i, v := range d.base {
		rs, _ := h.Search(ctx, v, 5, index.WithEf(64))
		found := false
		for _, r := range rs {
			found = found || r.ID == d.ids[i]
		}
		if !found {
			miss++
		}
	}
	if miss > len(d.base)/50 {
		t.Errorf("%d of %d vectors not among their own 5 nearest", miss, len(d.base))
	}
}
