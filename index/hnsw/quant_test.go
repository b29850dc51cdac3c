// This file tests the quantised and funnelled HNSW index: recall of each
// kind against exact float32 search on seeded data, exactness of rescoring
// every reachable node, persistence with the QUNT section (round trip,
// version 1 files, hostile sections), calibration and Compact.

package hnsw

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

var hnswQuantCases = []struct {
	name string
	opts []Option
	want float64
}{
	// Thresholds: below the seeded figures (printed with -v) by a margin
	// for rounding elsewhere; see TestQuantRecall.
	{"float32", nil, 0.95},
	{"int8", []Option{WithQuantization(index.Int8)}, 0.90},
	{"int8+rescore", []Option{WithQuantization(index.Int8), WithRescore(40)}, 0.97},
	{"binary+rescore", []Option{WithQuantization(index.Binary), WithRescore(200)}, 0.90},
	{"funnel", []Option{WithFunnel(24), WithRescore(40)}, 0.60},
}

// TestQuantRecall: recall@10 at ef 64 against the exact float32 search of
// 3000 (600 under -race) clustered 96-d vectors (40 clusters), 200 queries.
// The float32 graph search measures 1.0 here; the int8 walk loses a
// little to the int8 grid (0.99) and rescoring 40 candidates wins it back
// (1.0); sign bits need a wide rescore (200 candidates: 1.0, with 40
// clusters of 75 vectors the binary beam keeps the query's cluster); the
// funnel walks on 24 of 96 components of vectors that are not
// Matryoshka-trained (0.72).
func TestQuantRecall(t *testing.T) {
	d := newDataset(scaled(3000), 96, testQ, 11)
	truth := truthFromFlat(t, d, index.Cosine, 10, nil, nil)
	for _, c := range hnswQuantCases {
		h := buildHNSW(t, d, index.Cosine, append([]Option{WithEfConstruction(100), WithCalibration(500)}, c.opts...)...)
		r := recall(t, h, d, truth, 10, index.WithEf(64))
		t.Logf("%s: recall@10 %.4f", c.name, r)
		if r < c.want {
			t.Errorf("%s: recall@10 %.4f, want ≥ %.2f", c.name, r, c.want)
		}
	}
}

// TestRescoreAll: rescoring at least Len candidates widens the beam past
// every node, so results equal the exact search's.
func TestRescoreAll(t *testing.T) {
	d := newDataset(500, 16, 20, 5)
	for _, metric := range []index.Metric{index.Cosine, index.Dot, index.L2} {
		for _, opts := range [][]Option{
			{WithQuantization(index.Int8), WithCalibration(100)},
			{WithQuantization(index.Binary)},
			{WithFunnel(4)},
		} {
			h := buildHNSW(t, d, metric, append(opts, WithRescore(500))...)
			for _, q := range d.queries {
				want, _ := h.Search(ctx, q, 10, index.WithExact())
				got, err := h.Search(ctx, q, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%v: %d results", metric, len(got))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%v rank %d: %v, exact %v", metric, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestQuantCompactAndPersist: codes follow the slots through deletes,
// Compact (which renumbers) and a Save/Load round trip, so that searches
// give the same results before and after each; Int8 calibrates at its
// count.
func TestQuantCompactAndPersist(t *testing.T) {
	d := newDataset(1200, 32, 30, 8)
	for _, opts := range [][]Option{
		{WithQuantization(index.Int8), WithCalibration(1000)},
		{WithQuantization(index.Binary), WithRescore(30)},
		{WithFunnel(8), WithQuantization(index.Int8), WithRescore(20), WithCalibration(10)},
	} {
		h := buildHNSW(t, d, index.L2, opts...)
		kind, _, _, cal := h.Quantization()
		if !cal {
			t.Fatalf("%v: not calibrated with 1200 vectors", kind)
		}
		for i := 0; i < 1200; i += 4 {
			h.Delete(ctx, d.ids[i])
		}
		h.Compact()
		for i := 1; i < 1200; i += 96 { // a live (i%4 != 0) stored vector finds itself
			rs, _ := h.Search(ctx, d.base[i], 1, index.WithEf(100))
			if kind != index.Binary && rs[0].ID != d.ids[i] {
				t.Fatalf("%v after Compact: vector %d finds %v", kind, i, rs)
			}
		}
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		g, err := Read(ctx, bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(4*g.Len()*32) + g.codes.Bytes(); g.MemoryBytes() <= want {
			t.Errorf("%v: MemoryBytes %d, below vectors and codes' %d", kind, g.MemoryBytes(), want)
		}
		for _, q := range d.queries {
			a, _ := h.Search(ctx, q, 5)
			b, _ := g.Search(ctx, q, 5)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%v: round trip changed results:\n%v\n%v", kind, a, b)
				}
			}
		}
		// Version 1 (no QUNT): still read, as float32.
		head, secs := parseSections(t, buf.Bytes())
		if secs[1].tag != "QUNT" {
			t.Fatalf("section 1 is %q", secs[1].tag)
		}
		// Version 2 (QUNT, no PAD. or CODE): codes recomputed from the
		// vectors, the same results.
		var v2 []section
		for _, sc := range secs {
			if sc.tag != padTag && sc.tag != "CODE" {
				v2 = append(v2, sc)
			}
		}
		binary.LittleEndian.PutUint32(head[8:], 2)
		g2, err := Read(ctx, bytes.NewReader(joinSections(head, v2)))
		if err != nil {
			t.Fatalf("version 2: %v", err)
		}
		for _, q := range d.queries {
			a, _ := h.Search(ctx, q, 5)
			b, _ := g2.Search(ctx, q, 5)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%v: version 2 changed results:\n%v\n%v", kind, a, b)
			}
		}
		binary.LittleEndian.PutUint32(head[8:], 1)
		old, err := Read(ctx, bytes.NewReader(joinSections(head, append(v2[:1:1], v2[2:]...))))
		if err != nil {
			t.Fatalf("version 1: %v", err)
		}
		if k, _, _, _ := old.Quantization(); k != index.Float32 || old.Len() != h.Len() {
			t.Fatalf("version 1 read as %v with %d vectors", k, old.Len())
		}
	}
}

// TestHostileQUNT forges well-checksummed QUNT sections that are
// impossible: each read fails with errs.ErrCorrupt.
func TestHostileQUNT(t *testing.T) {
	h := buildHNSW(t, newDataset(200, 4, 1, 2), index.Cosine, WithQuantization(index.Int8), WithCalibration(50))
	var buf bytes.Buffer
	h.WriteTo(&buf)
	head, secs := parseSections(t, buf.Bytes())
	f := func(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
	u := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	ranges := func(start0 []byte) []byte {
		return cat(start0, f(0), f(0), f(0), f(1), f(1), f(1), f(1))
	}
	hdr := func(kind, dims, rescore, calib, rng uint32) []byte {
		return cat(u(kind), u(dims), u(rescore), u(calib), u(rng))
	}
	for name, payload := range map[string][]byte{
		"NaN start":         cat(hdr(1, 0, 0, 50, 1), ranges(f(float32(math.NaN())))),
		"Inf step":          cat(hdr(1, 0, 0, 50, 1), f(0), f(0), f(0), f(0), f(float32(math.Inf(1))), f(1), f(1), f(1)),
		"kind 3":            hdr(3, 0, 0, 50, 0),
		"funnel 5 of 4":     hdr(0, 5, 1, 0, 0),
		"funnel no rescore": hdr(0, 2, 0, 0, 0),
		"ranges of binary":  cat(hdr(2, 0, 0, 0, 1), ranges(f(0))),
		"short ranges":      cat(hdr(1, 0, 0, 50, 1), f(0)),
		"flag 1, no ranges": hdr(1, 0, 0, 50, 1),
		"truncated":         u(1),
	} {
		s := append([]section(nil), secs...)
		s[1] = section{"QUNT", payload}
		if _, err := Read(ctx, bytes.NewReader(joinSections(head, s))); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: %v, want errs.ErrCorrupt", name, err)
		}
	}
}

// TestReconfigureQuantization: the quantisation of a built index changes
// in place (the graph is kept), a full rescore then equals the exact
// search, and Float32 drops the codes.
func TestReconfigureQuantization(t *testing.T) {
	d := newDataset(400, 24, 10, 3)
	h := buildHNSW(t, d, index.Dot)
	for _, opts := range [][]Option{
		{WithQuantization(index.Binary), WithRescore(400)},
		{WithQuantization(index.Int8), WithCalibration(100), WithRescore(400)},
		{WithQuantization(index.Float32), WithFunnel(6), WithRescore(400)},
	} {
		if err := h.Reconfigure(opts...); err != nil {
			t.Fatal(err)
		}
		for _, q := range d.queries {
			want, _ := h.Search(ctx, q, 10, index.WithExact())
			got, _ := h.Search(ctx, q, 10)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%v rank %d: %v, exact %v", h.qc, i, got[i], want[i])
				}
			}
		}
	}
	if err := h.Reconfigure(WithFunnel(0), WithRescore(0)); err != nil || h.codes != nil {
		t.Fatalf("back to float32: %v, codes %v", err, h.codes != nil)
	}
	if err := h.Reconfigure(WithFunnel(4)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("funnel without rescore: %v", err)
	}
}

// TestQuantConcurrent runs inserts that cross the Int8 calibration count,
// searches and Reconfigures of the rescore count and kind at once (under
// -race in CI, beside a CPU burner), then checks that every vector is
// found by itself with a full rescore.
func TestQuantConcurrent(t *testing.T) {
	testutil.BurnCPU(t)
	d := newDataset(scaled(3000), 16, 50, 9)
	h, err := New(16, index.L2, WithQuantization(index.Int8), WithCalibration(len(d.base)/2), WithRescore(10))
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
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := h.Search(ctx, d.queries[i%len(d.queries)], 5); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer readers.Done()
		for i := 0; time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				return
			default:
			}
			kind := []index.Quantization{index.Int8, index.Binary}[i%2]
			if err := h.Reconfigure(WithQuantization(kind), WithRescore(10+i%5)); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	close(stop)
	readers.Wait()
	if err := h.Reconfigure(WithQuantization(index.Int8), WithRescore(len(d.base))); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(d.base); i += 37 {
		rs, err := h.Search(ctx, d.base[i], 1)
		if err != nil || rs[0].ID != d.ids[i] {
			t.Fatalf("vector %d: %v %v", i, rs, err)
		}
	}
}

// TestReadCalibrates: an Int8 index saved before its calibration count,
// read back with the count reached (the count lowered in the file), is
// calibrated when read, not at the next Add.
func TestReadCalibrates(t *testing.T) {
	d := newDataset(300, 8, 5, 4)
	h := buildHNSW(t, d, index.Dot, WithQuantization(index.Int8), WithCalibration(1000), WithRescore(300))
	if _, _, _, cal := h.Quantization(); cal {
		t.Fatal("calibrated below the count")
	}
	var buf bytes.Buffer
	h.WriteTo(&buf)
	head, secs := parseSections(t, buf.Bytes())
	binary.LittleEndian.PutUint32(secs[1].payload[12:], 200) // calibration count
	g, err := Read(ctx, bytes.NewReader(joinSections(head, secs)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, cal := g.Quantization(); !cal {
		t.Fatal("not calibrated when read")
	}
	for _, q := range d.queries {
		want, _ := g.Search(ctx, q, 5, index.WithExact())
		got, _ := g.Search(ctx, q, 5)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("rank %d: %v, exact %v", i, got[i], want[i])
			}
		}
	}
}
