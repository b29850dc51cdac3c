// cache_test.go tests the cache against a counting encoder whose vectors
// are a known function of the text and role: hits, roles, identity keys,
// the file across reopenings, torn and damaged records, two openers of
// one file, compaction, single flight, and a stress run beside a CPU
// burner.

package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

var ctx = context.Background()

// vecOf is the counting encoder's vector of text under role.
func vecOf(model, role, text string, dim int) []float32 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%s", model, role, text)
	r := rand.New(rand.NewPCG(h.Sum64(), 7))
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// counter is an embed.QueryDocumentEncoder that counts what it encodes.
type counter struct {
	model string
	dim   int
	gate  chan struct{} // when set, each call waits for it
	fail  error
	mu    sync.Mutex
	seen  map[string]int // role+"/"+text → times encoded
	calls atomic.Int64
}

func newCounter(model string, dim int) *counter {
	return &counter{model: model, dim: dim, seen: map[string]int{}}
}

func (c *counter) run(ctx context.Context, role string, texts []string) ([][]float32, error) {
	c.calls.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.fail != nil {
		return nil, c.fail
	}
	out := make([][]float32, len(texts))
	c.mu.Lock()
	for i, t := range texts {
		c.seen[role+"/"+t]++
		out[i] = vecOf(c.model, role, t, c.dim)
	}
	c.mu.Unlock()
	return out, nil
}

func (c *counter) Encode(ctx context.Context, t []string) ([][]float32, error) {
	return c.run(ctx, "plain", t)
}
func (c *counter) EncodeQueries(ctx context.Context, t []string) ([][]float32, error) {
	return c.run(ctx, "query", t)
}
func (c *counter) EncodeDocuments(ctx context.Context, t []string) ([][]float32, error) {
	return c.run(ctx, "doc", t)
}
func (c *counter) Dim() int { return c.dim }
func (c *counter) Identity() embed.Identity {
	return embed.Identity{Model: c.model, Dim: c.dim, QueryPrompt: "q", DocumentPrompt: "d"}
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.seen {
		n += v
	}
	return n
}

// plain is an encoder without queries and documents nor an identity.
type plain struct{ c *counter }

func (p plain) Encode(ctx context.Context, t []string) ([][]float32, error) {
	return p.c.Encode(ctx, t)
}
func (p plain) Dim() int { return p.c.dim }

func check(t *testing.T, got [][]float32, model, role string, in []string, dim int) {
	t.Helper()
	if len(got) != len(in) {
		t.Fatalf("%d vectors for %d texts", len(got), len(in))
	}
	for i, s := range in {
		if !slices.Equal(got[i], vecOf(model, role, s, dim)) {
			t.Fatalf("text %d %q: wrong vector", i, s)
		}
	}
}

func TestHitsAndRoles(t *testing.T) {
	inner := newCounter("m", 16)
	c, err := New(inner)
	if err != nil {
		t.Fatal(err)
	}
	in := []string{"a", "b", "a", "c"}
	got, err := c.Encode(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, "m", "plain", in, 16)
	if inner.total() != 3 {
		t.Errorf("%d texts encoded for a, b, a, c; want 3", inner.total())
	}
	got[0][0] = 42 // the caller's copy
	again, _ := c.Encode(ctx, in)
	check(t, again, "m", "plain", in, 16)
	q, _ := c.EncodeQueries(ctx, []string{"a"})
	check(t, q, "m", "query", []string{"a"}, 16)
	d, _ := embed.EncodeDocuments(ctx, c, []string{"a", "a"})
	check(t, d, "m", "doc", []string{"a", "a"}, 16)
	if inner.total() != 5 {
		t.Errorf("%d texts encoded, want 5 (3 plain, 1 query, 1 document)", inner.total())
	}
	if s := c.Stats(); s.Encoded != 5 || s.Hits != 4 {
		t.Errorf("stats %+v, want 5 encoded and 4 hits", s)
	}
	if c.Identity() != inner.Identity() || c.Dim() != 16 {
		t.Errorf("identity %+v", c.Identity())
	}

	// An encoder without queries and documents: the roles share entries.
	pi := newCounter("p", 8)
	pc, _ := New(plain{pi})
	pc.Encode(ctx, []string{"x"})
	pc.EncodeQueries(ctx, []string{"x"})
	pc.EncodeDocuments(ctx, []string{"x"})
	if pi.total() != 1 {
		t.Errorf("plain encoder: %d encodings of x, want 1", pi.total())
	}
	// Memory bound.
	small, _ := New(newCounter("s", 4), WithMemory(2))
	small.Encode(ctx, []string{"1", "2", "3"})
	if n := small.mem.len(); n != 2 {
		t.Errorf("memory holds %d, want 2", n)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Encode(ctx, in); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	for _, o := range []Option{WithMemory(-1), WithFile(""), WithMaxFileBytes(10)} {
		if _, err := New(inner, o); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("bad option: %v", err)
		}
	}
	if _, err := New(nil); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("New(nil): %v", err)
	}
}

func TestEncoderErrors(t *testing.T) {
	inner := newCounter("m", 4)
	inner.fail = fmt.Errorf("quota: %w", errs.ErrEncoder)
	c, _ := New(inner)
	if _, err := c.Encode(ctx, []string{"a"}); !errors.Is(err, errs.ErrEncoder) {
		t.Errorf("%v", err)
	}
	inner.fail = nil
	got, err := c.Encode(ctx, []string{"a"}) // the failure was not cached
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, "m", "plain", []string{"a"}, 4)
}

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emb.cache")
	inner := newCounter("m", 8)
	c, err := New(inner, WithFile(path), WithMemory(0))
	if err != nil {
		t.Fatal(err)
	}
	in := []string{"one", "two", "three", "넷"}
	if _, err := c.EncodeDocuments(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := c.EncodeDocuments(ctx, in) // from the file: memory keeps none
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, "m", "doc", in, 8)
	c.Close()
	if inner.total() != 4 {
		t.Fatalf("%d encodings, want 4", inner.total())
	}

	// Reopened by a new "run": all hits.
	inner2 := newCounter("m", 8)
	c2, err := New(inner2, WithFile(path))
	if err != nil {
		t.Fatal(err)
	}
	got, _ = c2.EncodeDocuments(ctx, in)
	check(t, got, "m", "doc", in, 8)
	if inner2.total() != 0 {
		t.Errorf("after reopening: %d encodings, want 0", inner2.total())
	}
	// Another identity sharing the file gets none of these.
	other := newCounter("other", 8)
	c3, _ := New(other, WithFile(path))
	c3.EncodeDocuments(ctx, in)
	if other.total() != 4 {
		t.Errorf("other identity: %d encodings, want 4", other.total())
	}
	c2.Close()
	c3.Close()

	// Not a cache file: refused and left alone.
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("my notes\n"), 0o644)
	if _, err := New(inner, WithFile(bad)); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("not a cache file: %v", err)
	}
	if b, _ := os.ReadFile(bad); string(b) != "my notes\n" {
		t.Errorf("the file was changed: %q", b)
	}
	if _, err := New(inner, WithFile(t.TempDir())); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("a directory: %v", err)
	}
}

// TestDamage cuts the last record short (a crash during an append) and
// flips a byte in a middle one: those are re-encoded, the others are
// hits, and records appended after the torn one are found again.
func TestDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emb.cache")
	const dim = 8
	recSize := recOverhead + 4*dim
	inner := newCounter("m", dim)
	c, _ := New(inner, WithFile(path))
	in := []string{"r0", "r1", "r2", "r3"}
	for _, s := range in { // one record each, in order
		c.Encode(ctx, []string{s})
	}
	c.Close()
	data, _ := os.ReadFile(path)
	if len(data) != len(fileHeader)+4*recSize {
		t.Fatalf("file of %d bytes, want %d", len(data), len(fileHeader)+4*recSize)
	}
	data[len(fileHeader)+recSize+50] ^= 0x40 // inside r1's floats
	data = data[:len(data)-10]               // r3 torn
	os.WriteFile(path, data, 0o644)

	inner2 := newCounter("m", dim)
	c2, err := New(inner2, WithFile(path), WithMemory(0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.Encode(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, "m", "plain", in, dim)
	if inner2.total() != 2 || inner2.seen["plain/r1"] != 1 || inner2.seen["plain/r3"] != 1 {
		t.Errorf("re-encoded %v, want r1 and r3", inner2.seen)
	}
	// Fill past the torn record's claimed length so the scan resyncs.
	var more []string
	for i := range 20 {
		more = append(more, fmt.Sprint("more", i))
	}
	c2.Encode(ctx, more)
	c2.Close()
	inner3 := newCounter("m", dim)
	c3, _ := New(inner3, WithFile(path))
	got, _ = c3.Encode(ctx, append(in, more...))
	check(t, got, "m", "plain", append(in, more...), dim)
	if inner3.total() != 0 {
		t.Errorf("third run re-encoded %v, want nothing", inner3.seen)
	}
	c3.Close()
}

// TestTwoOpeners has two caches on one file, as two processes would
// (each its own descriptor and index): what one appends the other finds,
// and concurrent appends from both leave every record intact.
func TestTwoOpeners(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.cache")
	ia, ib := newCounter("m", 32), newCounter("m", 32)
	a, _ := New(ia, WithFile(path), WithMemory(0))
	b, _ := New(ib, WithFile(path), WithMemory(0))
	a.EncodeQueries(ctx, []string{"x", "y"})
	got, _ := b.EncodeQueries(ctx, []string{"y", "x", "z"})
	check(t, got, "m", "query", []string{"y", "x", "z"}, 32)
	if ib.total() != 1 {
		t.Errorf("b encoded %v, want only z", ib.seen)
	}
	var wg sync.WaitGroup
	for w, c := range []*Encoder{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if _, err := c.Encode(ctx, []string{fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("w%d-%d'", w, i)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	a.Close()
	b.Close()
	f, err := OpenFile(path, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Len(); n != 3+800 {
		t.Errorf("%d records in the file, want %d", n, 3+800)
	}
	f.Close()
}

func TestCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.cache")
	const dim, max = 64, 64 << 10
	inner := newCounter("m", dim)
	c, err := New(inner, WithFile(path), WithMaxFileBytes(max), WithMemory(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if _, err := c.Encode(ctx, []string{fmt.Sprint("t", i)}); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Size() > max {
			t.Fatalf("after %d: %d bytes, bound %d", i, st.Size(), max)
		}
	}
	before := inner.total()
	got, _ := c.Encode(ctx, []string{"t999", "t998", "t990"})
	check(t, got, "m", "plain", []string{"t999", "t998", "t990"}, dim)
	if inner.total() != before {
		t.Errorf("recent entries were evicted")
	}
	c.Close()
}

func TestSingleFlight(t *testing.T) {
	inner := newCounter("m", 4)
	inner.gate = make(chan struct{})
	c, _ := New(inner)
	const callers = 8
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.Encode(ctx, []string{"same"})
			if err != nil {
				t.Error(err)
				return
			}
			check(t, got, "m", "plain", []string{"same"}, 4)
		}()
	}
	for inner.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others find the call in flight
	close(inner.gate)
	wg.Wait()
	if inner.total() != 1 || inner.calls.Load() != 1 {
		t.Errorf("%d encodings in %d calls, want 1", inner.total(), inner.calls.Load())
	}
	if s := c.Stats(); s.Shared+s.Hits != callers-1 || s.Encoded != 1 {
		t.Errorf("stats %+v", s)
	}

	// The first caller gives up: a waiter encodes the text itself.
	inner2 := newCounter("m", 4)
	inner2.gate = make(chan struct{})
	c2, _ := New(inner2)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { _, err := c2.Encode(cctx, []string{"t"}); done <- err }()
	for inner2.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	res := make(chan error)
	go func() {
		got, err := c2.Encode(ctx, []string{"t"})
		if err == nil && !slices.Equal(got[0], vecOf("m", "plain", "t", 4)) {
			err = fmt.Errorf("wrong vector")
		}
		res <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: %v", err)
	}
	close(inner2.gate)
	if err := <-res; err != nil {
		t.Errorf("waiter: %v", err)
	}
}

// TestStress runs many goroutines over a small pool of texts and roles,
// with a small memory and a file, beside a CPU burner: every vector must
// be right and each (role, text) encoded at most a few times.
func TestStress(t *testing.T) {
	testutil.BurnCPU(t)
	path := filepath.Join(t.TempDir(), "stress.cache")
	inner := newCounter("m", 12)
	c, err := New(inner, WithFile(path), WithMemory(16))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	workers, iters := 8, 300
	if testing.Short() {
		iters = 60
	}
	roles := []struct {
		name string
		f    func(context.Context, []string) ([][]float32, error)
	}{{"plain", c.Encode}, {"query", c.EncodeQueries}, {"doc", c.EncodeDocuments}}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range iters {
				in := make([]string, 1+r.IntN(6))
				for i := range in {
					in[i] = fmt.Sprint("text", r.IntN(40))
				}
				ro := roles[r.IntN(3)]
				got, err := ro.f(ctx, in)
				if err != nil {
					t.Error(err)
					return
				}
				for i, s := range in {
					if !slices.Equal(got[i], vecOf("m", ro.name, s, 12)) {
						t.Errorf("%s %q: wrong vector", ro.name, s)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	// Every (role, text) is in the file: a file hit never re-encodes, and
	// single flight stops concurrent duplicates, so each was encoded once.
	for k, n := range inner.seen {
		if n != 1 {
			t.Errorf("%s encoded %d times", k, n)
		}
	}
}

// TestCompactionSeenByOther has one opener compact the file while another
// keeps using it: the other notices the replaced file, finds the entries
// that were kept, and its appends land in the new file.
func TestCompactionSeenByOther(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.cache")
	const dim, max = 64, 64 << 10
	ia, ib := newCounter("m", dim), newCounter("m", dim)
	a, _ := New(ia, WithFile(path), WithMaxFileBytes(max), WithMemory(0))
	b, _ := New(ib, WithFile(path), WithMaxFileBytes(1<<30), WithMemory(0))
	defer a.Close()
	defer b.Close()
	for i := range 400 { // a compacts at least once
		a.Encode(ctx, []string{fmt.Sprint("a", i)})
	}
	b.Encode(ctx, []string{"from b"}) // appended to the new file
	got, _ := b.Encode(ctx, []string{"a399"})
	check(t, got, "m", "plain", []string{"a399"}, dim)
	if ib.seen["plain/a399"] != 0 {
		t.Errorf("b re-encoded a399, kept by a's compaction")
	}
	got, _ = a.Encode(ctx, []string{"from b"})
	check(t, got, "m", "plain", []string{"from b"}, dim)
	if ia.seen["plain/from b"] != 0 {
		t.Errorf("a did not find b's record: b appended to the replaced file")
	}
}
