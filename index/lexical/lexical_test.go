// This file tests the index: BM25 scores against an independent float64
// reference of Lucene's formula through adds, replacements, deletes and
// compaction; filters; persistence; options; and a race stress test.

package lexical

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/testutil"
)

// refBM25 scores every document of docs (id → text of lowercase ASCII
// words separated by spaces) for each query, in float64, straight from
// Lucene's BM25Similarity formula: Σ over query tokens of
// ln(1 + (N − n + 0.5)/(n + 0.5)) · f/(f + k1·(1 − b + b·dl/avgdl)).
func refBM25(docs map[uint64]string, queries []string, k1, b float64) []map[uint64]float64 {
	tf := map[uint64]map[string]int{}
	dl := map[uint64]float64{}
	df := map[string]int{}
	N, total := 0, 0
	for id, text := range docs {
		ts := strings.Fields(text)
		tf[id] = map[string]int{}
		for _, t := range ts {
			if tf[id][t] == 0 {
				df[t]++
			}
			tf[id][t]++
		}
		dl[id] = float64(len(ts))
		if len(ts) > 0 {
			N++
			total += len(ts)
		}
	}
	out := make([]map[uint64]float64, len(queries))
	for i, query := range queries {
		out[i] = map[uint64]float64{}
		if N == 0 {
			continue
		}
		avgdl := float64(total) / float64(N)
		for _, q := range strings.Fields(query) {
			n := df[q]
			if n == 0 {
				continue
			}
			idf := math.Log(1 + (float64(N)-float64(n)+0.5)/(float64(n)+0.5))
			for id, m := range tf {
				if f := m[q]; f > 0 {
					out[i][id] += idf * float64(f) / (float64(f) + k1*(1-b+b*dl[id]/avgdl))
				}
			}
		}
	}
	return out
}

// randomText draws n words from a Zipf-like vocabulary.
func randomText(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("w%d", int(math.Pow(rng.Float64(), 3)*300))
	}
	return strings.Join(ws, " ")
}

// checkAgainstRef compares every query's full result list with the
// reference: same documents, scores within 1e-6 relative.
func checkAgainstRef(t *testing.T, x *Index, docs map[uint64]string, queries []string) {
	t.Helper()
	ctx := context.Background()
	worst := 0.0
	refs := refBM25(docs, queries, x.K1(), x.B())
	for qi, q := range queries {
		want := refs[qi]
		got, err := x.Search(ctx, q, math.MaxInt)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("query %q: %d results, want %d", q, len(got), len(want))
		}
		for i, r := range got {
			w, ok := want[r.ID]
			if !ok {
				t.Fatalf("query %q: id %d not in the reference", q, r.ID)
			}
			rel := math.Abs(float64(r.Score)-w) / w
			worst = max(worst, rel)
			if rel > 1e-6 {
				t.Fatalf("query %q: id %d scores %v, reference %v (rel %.2g)", q, r.ID, r.Score, w, rel)
			}
			if i > 0 && (got[i-1].Score < r.Score || got[i-1].Score == r.Score && got[i-1].ID > r.ID) {
				t.Fatalf("query %q: results out of order at %d", q, i)
			}
		}
	}
	t.Logf("worst relative difference to the float64 reference: %.2g", worst)
}

func TestBM25MatchesReference(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(1))
	for _, kb := range [][2]float64{{DefaultK1, DefaultB}, {2, 0.3}, {0.5, 1}, {1.2, 0}} {
		x, err := New(WithK1(kb[0]), WithB(kb[1]))
		if err != nil {
			t.Fatal(err)
		}
		docs := map[uint64]string{}
		var queries []string
		for i := 0; i < 40; i++ {
			queries = append(queries, randomText(rng, 1+rng.Intn(4)))
		}
		queries = append(queries, "w0 w0 w1", "nothing")
		rounds := 5
		if testing.Short() {
			rounds = 2
		}
		for round := 0; round < rounds; round++ {
			for i := 0; i < 700; i++ {
				id := uint64(rng.Intn(2000))
				text := randomText(rng, rng.Intn(60))
				if rng.Intn(50) == 0 {
					text = ""
				}
				if err := x.Add(ctx, id, text); err != nil {
					t.Fatal(err)
				}
				docs[id] = text
			}
			for i := 0; i < 900; i++ { // enough deletes to compact
				id := uint64(rng.Intn(2000))
				err := x.Delete(ctx, id)
				if _, ok := docs[id]; ok != (err == nil) {
					t.Fatalf("Delete(%d): %v, stored %v", id, err, ok)
				}
				if err != nil && !errors.Is(err, errs.ErrNotFound) {
					t.Fatal(err)
				}
				delete(docs, id)
			}
			if x.Len() != len(docs) {
				t.Fatalf("Len %d, want %d", x.Len(), len(docs))
			}
			checkAgainstRef(t, x, docs, queries)
		}
	}
}

func TestSearchFilterAndK(t *testing.T) {
	ctx := context.Background()
	x, _ := New()
	rng := rand.New(rand.NewSource(2))
	docs := map[uint64]string{}
	for i := uint64(0); i < 500; i++ {
		docs[i] = randomText(rng, 20)
	}
	ids := make([]uint64, 0, len(docs))
	texts := make([]string, 0, len(docs))
	for id, s := range docs {
		ids, texts = append(ids, id), append(texts, s)
	}
	if err := x.AddBatch(ctx, ids, texts); err != nil {
		t.Fatal(err)
	}
	q := "w1 w7 w30"
	all, _ := x.Search(ctx, q, math.MaxInt)
	even := func(id uint64) bool { return id%2 == 0 }
	var wantEven []index.Result
	for _, r := range all {
		if even(r.ID) {
			wantEven = append(wantEven, r)
		}
	}
	for _, k := range []int{1, 5, 50, 10000} {
		got, err := x.Search(ctx, q, k, index.WithFilter(even))
		if err != nil {
			t.Fatal(err)
		}
		want := wantEven[:min(k, len(wantEven))]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("k=%d filtered: got %v, want %v", k, got, want)
		}
		top, _ := x.Search(ctx, q, k)
		if fmt.Sprint(top) != fmt.Sprint(all[:min(k, len(all))]) {
			t.Fatalf("k=%d: top differs from the full list's prefix", k)
		}
	}
	if _, err := x.Search(ctx, q, 0); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("k=0: %v", err)
	}
	if r, err := x.Search(ctx, "   ", 3); err != nil || len(r) != 0 {
		t.Fatalf("empty query: %v %v", r, err)
	}
	if _, err := x.Search(ctx, q, 3, index.WithEf(0)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("WithEf(0): %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := x.Search(cctx, q, 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if err := x.Add(cctx, 1, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled add: %v", err)
	}
	if err := x.AddBatch(ctx, []uint64{1}, nil); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("mismatched batch: %v", err)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Option{WithK1(-1), WithK1(math.NaN()), WithK1(math.Inf(1)), WithB(1.5), WithB(-0.1), WithB(math.NaN()), WithAnalyzer(nil)} {
		if _, err := New(o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("bad option accepted: %v", err)
		}
	}
	for _, o := range []AnalyzerOption{WithStopWords(""), WithCJKPieces("", strings.Fields), WithCJKPieces("x", nil), WithCJKPieces("a;b", strings.Fields)} {
		if _, err := NewAnalyzer(o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("bad analyzer option accepted: %v", err)
		}
	}
	if x, err := New(nil, WithK1(0), WithB(1)); err != nil || x.K1() != 0 || x.B() != 1 {
		t.Fatalf("%v", err)
	}
}

func buildRandom(t testing.TB, n int, seed int64, opts ...Option) (*Index, map[uint64]string) {
	x, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(seed))
	docs := map[uint64]string{}
	for i := 0; i < n; i++ {
		id := uint64(rng.Int63())
		docs[id] = randomText(rng, rng.Intn(30))
		if err := x.Add(context.Background(), id, docs[id]); err != nil {
			t.Fatal(err)
		}
	}
	return x, docs
}

func TestPersistRoundTrip(t *testing.T) {
	ctx := context.Background()
	x, docs := buildRandom(t, 400, 3, WithK1(1.5), WithB(0.6))
	// Delete some so that dead slots and unused terms exist.
	n := 0
	for id := range docs {
		if n++; n%3 == 0 {
			if err := x.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			delete(docs, id)
		}
	}
	path := filepath.Join(t.TempDir(), "x.lex")
	if err := x.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	y, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if y.K1() != 1.5 || y.B() != 0.6 || y.Len() != len(docs) {
		t.Fatalf("loaded k1 %v b %v len %d", y.K1(), y.B(), y.Len())
	}
	for _, q := range []string{"w0", "w1 w2 w3", "w100 w4"} {
		a, _ := x.Search(ctx, q, 20)
		b, _ := y.Search(ctx, q, 20)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%q: before %v, after %v", q, a, b)
		}
	}
	checkAgainstRef(t, y, docs, []string{"w0 w5", "w9"})
	// The same index writes the same bytes again (deterministic order).
	var b1, b2 bytes.Buffer
	if _, err := x.WriteTo(&b1); err != nil {
		t.Fatal(err)
	}
	if _, err := y.WriteTo(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("a loaded index writes different bytes")
	}
	// Another analyzer refuses the file.
	stop, _ := NewAnalyzer(WithEnglishStopWords())
	if _, err := Load(ctx, path, WithAnalyzer(stop)); !errors.Is(err, errs.ErrEncoderMismatch) {
		t.Fatalf("other analyzer: %v", err)
	}
	// Every truncation and every flipped byte is an error, never a panic.
	raw := b1.Bytes()
	for i := 0; i < len(raw); i += max(1, len(raw)/300) {
		if _, err := Read(ctx, bytes.NewReader(raw[:i])); err == nil {
			t.Fatalf("truncated at %d: no error", i)
		}
		c := bytes.Clone(raw)
		c[i] ^= 0x41
		if _, err := Read(ctx, bytes.NewReader(c)); err == nil {
			t.Fatalf("byte %d flipped: no error", i)
		} else if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	// Trailing bytes after the index are refused by Load.
	if err := os.WriteFile(path, append(bytes.Clone(raw), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, path); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("trailing byte: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Read(cctx, bytes.NewReader(raw)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
}

// TestConcurrentStress runs adds, replacements, deletes and searches at
// once beside a CPU burner; under -race it checks the locking, and every
// search's scores must be positive and sorted.
func TestConcurrentStress(t *testing.T) {
	stop := testutil.BurnCPU(t)
	defer stop()
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	ctx := context.Background()
	x, _ := New()
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for time.Now().Before(deadline) {
				id := uint64(rng.Intn(3000))
				switch r := rng.Intn(10); {
				case w < 2 && r < 6:
					if err := x.Add(ctx, id, randomText(rng, rng.Intn(20))); err != nil {
						errc <- err
						return
					}
				case w < 2:
					if err := x.Delete(ctx, id); err != nil && !errors.Is(err, errs.ErrNotFound) {
						errc <- err
						return
					}
				default:
					rs, err := x.Search(ctx, randomText(rng, 3), 10, index.WithFilter(func(id uint64) bool { return id%3 != 0 }))
					if err != nil {
						errc <- err
						return
					}
					for i, r := range rs {
						if !(r.Score > 0) || r.ID%3 == 0 || i > 0 && rs[i-1].Score < r.Score {
							errc <- fmt.Errorf("bad results %v", rs)
							return
						}
					}
					if rng.Intn(50) == 0 {
						var b bytes.Buffer
						if _, err := x.WriteTo(&b); err != nil {
							errc <- err
							return
						}
						if _, err := Read(ctx, &b); err != nil {
							errc <- err
							return
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	ids := x.IDs()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if len(ids) != x.Len() {
		t.Fatalf("IDs %d, Len %d", len(ids), x.Len())
	}
}

func FuzzReadFrom(f *testing.F) {
	x, _ := buildRandom(f, 20, 4)
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	empty, _ := New()
	b.Reset()
	empty.WriteTo(&b)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := Read(context.Background(), bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) && !errors.Is(err, errs.ErrEncoderMismatch) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// A file that reads is usable: search it and write it back.
		if _, err := y.Search(context.Background(), "w1 w2", 5); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := y.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(context.Background(), &out); err != nil {
			t.Fatalf("rewritten file does not read: %v", err)
		}
	})
}
