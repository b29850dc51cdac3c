// This file tests the log of a collection opened with OpenFile: changes
// survive reopening and Load, compaction folds them into the snapshot, a
// log cut anywhere replays to the calls wholly before the cut,
// and damaged or hostile logs (bad checksums, lengths past the end, ids
// that hold no document, NaN vectors) are refused with errs.ErrCorrupt or
// dropped as a torn tail, as the format documents; FuzzReplay fuzzes it.

package ganada_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/lexical"
)

// walOp is one Add or Delete call of a scripted sequence.
type walOp struct {
	add []ganada.Document
	del []string
}

// walScript returns n calls over a few dozen IDs: adds of 1–4 documents
// (new or replacing) and deletes of 1–2 stored ones, from seed.
func walScript(seed uint64, n int) []walOp {
	rng := rand.New(rand.NewPCG(seed, 7))
	stored := map[string]bool{}
	var ops []walOp
	for i := 0; i < n; i++ {
		if len(stored) > 3 && rng.IntN(4) == 0 {
			var del []string
			for id := range stored {
				del = append(del, id)
			}
			// map order is random: sort for determinism, then pick
			slicesSort(del)
			k := 1 + rng.IntN(2)
			rng.Shuffle(len(del), func(a, b int) { del[a], del[b] = del[b], del[a] })
			del = del[:k]
			for _, id := range del {
				delete(stored, id)
			}
			ops = append(ops, walOp{del: del})
			continue
		}
		var add []ganada.Document
		for j := 0; j <= rng.IntN(4); j++ {
			id := fmt.Sprintf("doc-%02d", rng.IntN(40))
			add = append(add, ganada.Document{
				ID:       id,
				Text:     fmt.Sprintf("%s call %d alpha beta w%d", id, i, rng.IntN(100)),
				Metadata: map[string]string{"call": fmt.Sprint(i)},
			})
			stored[id] = true
		}
		ops = append(ops, walOp{add: add})
	}
	return ops
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (op walOp) apply(c *ganada.Collection) error {
	if op.add != nil {
		return c.Add(ctx, op.add...)
	}
	return c.Delete(ctx, op.del...)
}

// colState is everything a collection holds, vectors bit for bit.
func colState(t testing.TB, c *ganada.Collection) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range c.IDs() {
		d, _ := c.Get(id)
		v, ok := ganada.DocVector(c, id)
		if !ok {
			t.Fatalf("%q has no vector", id)
		}
		bits := make([]uint32, len(v))
		for i, x := range v {
			bits[i] = math.Float32bits(x)
		}
		out[id] = fmt.Sprintf("%q %v %x", d.Text, d.Metadata, bits)
	}
	if n := ganada.IndexLen(c); n != len(out) {
		t.Fatalf("index holds %d vectors for %d documents", n, len(out))
	}
	return out
}

// reference returns the state after the first k calls of ops, applied to a
// collection with no file.
func reference(t testing.TB, ops []walOp, k int, opts ...ganada.Option) map[string]string {
	t.Helper()
	c, err := ganada.NewCollection(newHashEncoder(8), opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops[:k] {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	return colState(t, c)
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestOpenFileReplayAndCompact(t *testing.T) {
	for _, kind := range kinds() {
		t.Run(kind.String(), func(t *testing.T) {
			enc := newHashEncoder(8)
			path := filepath.Join(t.TempDir(), "col.ganada")
			opts := []ganada.Option{withIndex(kind), ganada.WithLexical(), ganada.WithAutoCompact(0, 0)}
			c, err := ganada.OpenFile(ctx, path, enc, opts...)
			if err != nil {
				t.Fatal(err)
			}
			snap0 := fileSize(t, path)
			ops := walScript(1, 60)
			for _, op := range ops {
				if err := op.apply(c); err != nil {
					t.Fatal(err)
				}
			}
			want := colState(t, c)
			if !reflect.DeepEqual(want, reference(t, ops, len(ops), withIndex(kind))) {
				t.Fatal("the attached collection differs from one without a file")
			}
			if got := fileSize(t, path); got != snap0 {
				t.Fatalf("the snapshot changed size (%d → %d) without a compaction", snap0, got)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if err := c.Add(ctx, ganada.Document{ID: "late", Text: "late"}); !errors.Is(err, errs.ErrClosed) {
				t.Fatalf("Add after Close: %v, want errs.ErrClosed", err)
			}
			// Reopened and loaded: the same documents, vectors and lexical index.
			for name, open := range map[string]func() (*ganada.Collection, error){
				"OpenFile": func() (*ganada.Collection, error) { return ganada.OpenFile(ctx, path, enc, opts...) },
				"Load":     func() (*ganada.Collection, error) { return ganada.Load(ctx, path, enc) },
			} {
				r, err := open()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got := colState(t, r); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: state differs after replay", name)
				}
				id := r.IDs()[0]
				d, _ := r.Get(id)
				hits, err := r.Query(ctx, d.Text, 1, ganada.WithLexicalOnly())
				if err != nil || len(hits) == 0 || hits[0].ID != id {
					t.Fatalf("%s: lexical query for %q: %v %v", name, id, hits, err)
				}
				r.Close()
			}
			// Compaction: the log is empty, the snapshot holds everything.
			c, err = ganada.OpenFile(ctx, path, enc, opts...)
			if err != nil {
				t.Fatal(err)
			}
			logBefore := fileSize(t, path+".log")
			if err := c.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			if got := fileSize(t, path+".log"); got >= logBefore || got > 64 {
				t.Fatalf("log of %d bytes after Compact (was %d)", got, logBefore)
			}
			if err := ops[0].apply(c); err != nil { // one more call after the compaction
				t.Fatal(err)
			}
			want = colState(t, c)
			c.Close()
			r, err := ganada.Load(ctx, path, enc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(colState(t, r), want) {
				t.Fatal("state differs after compaction and reload")
			}
		})
	}
}

// TestOpenFileAutoCompact checks that the log is folded into the snapshot
// once past WithAutoCompact's threshold, and Save to the path compacts.
func TestOpenFileAutoCompact(t *testing.T) {
	enc := newHashEncoder(8)
	path := filepath.Join(t.TempDir(), "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat(), ganada.WithAutoCompact(0.5, 2000))
	if err != nil {
		t.Fatal(err)
	}
	ops := walScript(2, 300)
	compactions := 0
	last := fileSize(t, path)
	for _, op := range ops {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
		if s := fileSize(t, path); s != last {
			compactions++
			last = s
		}
	}
	want := colState(t, c)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if compactions == 0 {
		t.Fatal("no automatic compaction in 300 calls")
	}
	r, err := ganada.OpenFile(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(colState(t, r), want) {
		t.Fatal("state differs after automatic compactions")
	}
	if err := r.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	if s := fileSize(t, path+".log"); s > 64 {
		t.Fatalf("Save to the attached path left a log of %d bytes", s)
	}
	r.Close()
	t.Logf("%d automatic compactions", compactions)
}

// writeLog writes a log for the snapshot at path: its header and body.
func writeLog(t testing.TB, path string, body []byte) {
	t.Helper()
	h, err := ganada.LogHeader(path, newHashEncoder(8))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".log", append(h, body...), 0o666); err != nil {
		t.Fatal(err)
	}
}

// TestLogCutAtEveryOffset cuts a log of whole and multi-record calls at
// every third byte (every 11th with -short): Load and OpenFile replay the calls wholly before the cut,
// OpenFile cuts the rest off, and a change after it survives.
func TestLogCutAtEveryOffset(t *testing.T) {
	defer ganada.SetMaxRecordPayload(ganada.SetMaxRecordPayload(200)) // several records per call
	enc := newHashEncoder(8)
	dir := t.TempDir()
	path := filepath.Join(dir, "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	ops := walScript(3, 12)
	ends := []int64{fileSize(t, path+".log")}
	for _, op := range ops {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, fileSize(t, path+".log"))
	}
	c.Close()
	snap, _ := os.ReadFile(path)
	full, _ := os.ReadFile(path + ".log")
	states := make([]map[string]string, len(ops)+1)
	for k := range states {
		states[k] = reference(t, ops, k, ganada.WithFlat())
	}
	step := 3 // every offset modulo 3; the offsets of record boundaries vary with the script
	if testing.Short() {
		step = 11
	}
	for cut := ends[0]; cut <= int64(len(full)); cut += int64(step) {
		k := 0
		for k+1 < len(ends) && ends[k+1] <= cut {
			k++
		}
		if err := os.WriteFile(path+".log", full[:cut], 0o666); err != nil {
			t.Fatal(err)
		}
		l, err := ganada.Load(ctx, path, enc)
		if err != nil {
			t.Fatalf("cut at %d: Load: %v", cut, err)
		}
		if !reflect.DeepEqual(colState(t, l), states[k]) {
			t.Fatalf("cut at %d: Load does not hold exactly the first %d calls", cut, k)
		}
		if cut%37 != 0 && cut != int64(len(full)) {
			continue
		}
		o, err := ganada.OpenFile(ctx, path, enc)
		if err != nil {
			t.Fatalf("cut at %d: OpenFile: %v", cut, err)
		}
		if s := fileSize(t, path+".log"); s != ends[k] {
			t.Fatalf("cut at %d: OpenFile left %d bytes, want the %d of %d whole calls", cut, s, ends[k], k)
		}
		if err := o.Add(ctx, ganada.Document{ID: "after", Text: "after the cut"}); err != nil {
			t.Fatal(err)
		}
		o.Close()
		r, err := ganada.Load(ctx, path, enc)
		if err != nil || !r.Contains("after") || r.Len() != len(states[k])+btoi(states[k]["after"] == "") {
			t.Fatalf("cut at %d: the Add after the cut is lost: %v", cut, err)
		}
		if err := os.WriteFile(path, snap, 0o666); err != nil { // OpenFile may not have changed it, but be sure
			t.Fatal(err)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLogBadInput feeds Load hand-made logs.
func TestLogBadInput(t *testing.T) {
	enc := newHashEncoder(8)
	dir := t.TempDir()
	path := filepath.Join(dir, "col.ganada")
	base, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	if err := base.Add(ctx, ganada.Document{ID: "a", Text: "alpha"}, ganada.Document{ID: "b", Text: "beta"}); err != nil {
		t.Fatal(err)
	}
	if err := base.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	next := ganada.NextID(base)
	numA, _ := ganada.IndexID(base, "a")
	vec := func(x float32) [][]float32 { return [][]float32{{x, 1, 2, 3, 4, 5, 6, 7}} }
	doc := func(id string) []ganada.Document { return []ganada.Document{{ID: id, Text: id + " text"}} }
	good1 := ganada.LogCall(1, doc("c"), []uint64{next}, vec(1), nil)
	good2 := ganada.LogCall(2, nil, nil, nil, []uint64{numA})
	flip := func(b []byte, at int) []byte {
		b = bytes.Clone(b)
		b[at] ^= 0x40
		return b
	}
	// withLength rewrites a record's length field and its head checksum.
	withLength := func(rec []byte, n uint32) []byte {
		rec = bytes.Clone(rec)
		binary.LittleEndian.PutUint32(rec[4:], n)
		binary.LittleEndian.PutUint32(rec[17:], crc32.Checksum(rec[:17], crc32.MakeTable(crc32.Castagnoli)))
		return rec
	}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	for _, tc := range []struct {
		name string
		body []byte
		// corrupt: Load must fail with errs.ErrCorrupt and this text;
		// otherwise it must hold exactly the documents in docs.
		corrupt string
		docs    string
		meta    string // the metadata "k" of document a, if any
	}{
		{name: "two calls", body: cat(good1, good2), docs: "b c"},
		{name: "torn last call", body: cat(good1, good2[:len(good2)-3]), docs: "a b c"},
		{name: "last record claims more than the file", body: cat(good1, withLength(good2, 1<<30)), docs: "a b c"},
		{name: "last record's checksum wrong", body: cat(good1, flip(good2, len(good2)-1)), docs: "a b c"},
		{name: "garbage tail", body: cat(good1, bytes.Repeat([]byte{0xAB}, 100)), docs: "a b c"},
		{name: "middle checksum wrong", body: cat(flip(good1, len(good1)-8), good2), corrupt: "damaged, not torn"},
		{name: "middle length too long", body: cat(withLength(good1, uint32(len(good1))), good2), corrupt: "damaged, not torn"},
		{name: "middle head wrong", body: cat(flip(good1, 9), good2), corrupt: "damaged, not torn"},
		{name: "unknown id deleted", body: ganada.LogCall(1, nil, nil, nil, []uint64{999}), corrupt: "holds no document"},
		{name: "id deleted twice", body: ganada.LogCall(1, nil, nil, nil, []uint64{numA, numA}), corrupt: "holds no document"},
		{name: "index id reused", body: ganada.LogCall(1, doc("c"), []uint64{numA}, vec(1), nil), corrupt: "not above"},
		{name: "NaN vector", body: ganada.LogCall(1, doc("c"), []uint64{next}, vec(float32(math.NaN())), nil), corrupt: "NaN"},
		{name: "infinite vector", body: ganada.LogCall(1, doc("c"), []uint64{next}, vec(float32(math.Inf(1))), nil), corrupt: "Inf"},
		{name: "zero vector under cosine", body: ganada.LogCall(1, doc("c"), []uint64{next}, [][]float32{make([]float32, 8)}, nil), corrupt: "zero vector"},
		{name: "short vector", body: ganada.LogCall(1, doc("c"), []uint64{next}, [][]float32{{1, 2, 3}}, nil), corrupt: "log record"},
		{name: "empty document ID", body: ganada.LogCall(1, doc(""), []uint64{next}, vec(1), nil), corrupt: "empty ID"},
		{name: "encoder outputs this build does not store", body: ganada.LogCallFull(1, doc("c"), []uint64{next}, vec(1), [][]byte{{1, 2}}, nil, nil, nil), corrupt: "encoder outputs"},
		{name: "update of an unknown id", body: ganada.LogCallFull(1, nil, nil, nil, nil, nil, doc("a"), []uint64{999}), corrupt: "holds no document"},
		{name: "update of a deleted id", body: ganada.LogCallFull(1, nil, nil, nil, nil, []uint64{numA}, []ganada.Document{{ID: "a", Text: "alpha"}}, []uint64{numA}), corrupt: "holds no document"},
		{name: "update changing the text", body: ganada.LogCallFull(1, nil, nil, nil, nil, nil, doc("a"), []uint64{numA}), corrupt: "another text"},
		{name: "metadata update", body: ganada.LogCallFull(1, nil, nil, nil, nil, nil, []ganada.Document{{ID: "a", Text: "alpha", Metadata: map[string]string{"k": "v"}}}, []uint64{numA}), docs: "a b", meta: "v"},
		{name: "calls out of order", body: cat(ganada.LogCall(2, doc("c"), []uint64{next}, vec(1), nil), good1), docs: "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeLog(t, path, tc.body)
			c, err := ganada.Load(ctx, path, enc)
			if tc.corrupt != "" {
				if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), tc.corrupt) || !strings.Contains(err.Error(), path+".log") {
					t.Fatalf("got %v, want errs.ErrCorrupt naming the log and %q", err, tc.corrupt)
				}
				if _, err := ganada.OpenFile(ctx, path, enc); !errors.Is(err, errs.ErrCorrupt) {
					t.Fatalf("OpenFile: %v, want errs.ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(c.IDs(), " "); got != tc.docs {
				t.Fatalf("documents %q, want %q", got, tc.docs)
			}
			if d, _ := c.Get("a"); d.Metadata["k"] != tc.meta {
				t.Fatalf("metadata of a: %v, want k=%q", d.Metadata, tc.meta)
			}
		})
	}
	t.Run("bad header", func(t *testing.T) {
		for _, b := range [][]byte{nil, []byte("GANADALG"), bytes.Repeat([]byte{7}, 64)} {
			if err := os.WriteFile(path+".log", b, 0o666); err != nil {
				t.Fatal(err)
			}
			if _, err := ganada.Load(ctx, path, enc); !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "header") {
				t.Fatalf("%q: %v, want errs.ErrCorrupt about the header", b, err)
			}
		}
	})
	t.Run("log of another snapshot", func(t *testing.T) {
		writeLog(t, path, good1)
		other, _ := ganada.NewCollection(enc, ganada.WithFlat())
		if err := other.Add(ctx, doc("z")...); err != nil {
			t.Fatal(err)
		}
		if err := other.Save(ctx, path); err != nil {
			t.Fatal(err)
		}
		c, err := ganada.Load(ctx, path, enc)
		if err != nil || strings.Join(c.IDs(), " ") != "z" {
			t.Fatalf("a stale log was replayed: %v %v", c.IDs(), err)
		}
		o, err := ganada.OpenFile(ctx, path, enc)
		if err != nil {
			t.Fatal(err)
		}
		o.Close()
		if s := fileSize(t, path+".log"); s > 64 {
			t.Fatalf("OpenFile kept the stale log (%d bytes)", s)
		}
	})
}

func TestOpenFileOptions(t *testing.T) {
	enc := newHashEncoder(8)
	path := filepath.Join(t.TempDir(), "col.ganada")
	for _, o := range []ganada.Option{ganada.WithAutoCompact(math.NaN(), 0), ganada.WithAutoCompact(-1, 0), ganada.WithAutoCompact(0.5, -1)} {
		if _, err := ganada.OpenFile(ctx, path, enc, o); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "WithAutoCompact") {
			t.Fatalf("%v, want errs.ErrInvalidOption naming WithAutoCompact", err)
		}
	}
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithMetric(index.Dot), ganada.WithLogSync(false))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Reopening with the same creation options works; another metric does not.
	c, err = ganada.OpenFile(ctx, path, enc, ganada.WithMetric(index.Dot))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := ganada.OpenFile(ctx, path, enc, ganada.WithMetric(index.L2)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatalf("reopening with another metric: %v", err)
	}
	if _, err := ganada.OpenFile(ctx, path, enc, ganada.WithIndex(nil)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatal(err)
	}
	if _, err := ganada.OpenFile(ctx, path, enc, ganada.WithLexical(lexical.WithK1(-1))); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatal(err)
	}
}

// FuzzReplay loads a small collection's snapshot with a fuzzed log body
// after a header that names it: Load must return a collection whose index
// and documents (and lexical index) agree, or an error wrapping
// errs.ErrCorrupt. (OpenFile's cutting of a torn tail, which flushes the
// file, is left to TestLogCutAtEveryOffset: it would slow the fuzzer down
// to a few runs a second.)
func FuzzReplay(f *testing.F) {
	defer ganada.SetMaxRecordPayload(ganada.SetMaxRecordPayload(100))
	enc := newHashEncoder(8)
	dir := f.TempDir()
	seedPath := filepath.Join(dir, "seed.ganada")
	c, err := ganada.OpenFile(ctx, seedPath, enc, ganada.WithFlat(), ganada.WithLexical())
	if err != nil {
		f.Fatal(err)
	}
	for _, op := range walScript(4, 8) {
		if err := op.apply(c); err != nil {
			f.Fatal(err)
		}
	}
	c.Close()
	full, _ := os.ReadFile(seedPath + ".log")
	body := full[36:]
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Add(ganada.LogCall(1, nil, nil, nil, []uint64{3}))
	f.Add(ganada.LogCall(1, []ganada.Document{{ID: "x", Text: "y"}}, []uint64{0}, [][]float32{{1, 0, 0, 0, 0, 0, 0, 0}}, nil))
	f.Add(ganada.LogCallFull(1, nil, nil, nil, nil, []uint64{2}, []ganada.Document{{ID: "doc-01", Text: "t", Metadata: map[string]string{"k": "v"}}}, []uint64{1}))
	snap, _ := os.ReadFile(seedPath)
	path := filepath.Join(dir, "col.ganada")
	if err := os.WriteFile(path, snap, 0o666); err != nil {
		f.Fatal(err)
	}
	head, err := ganada.LogHeader(path, enc)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := os.WriteFile(path, snap, 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".log", append(bytes.Clone(head), body...), 0o666); err != nil {
			t.Fatal(err)
		}
		c, err := ganada.Load(ctx, path, enc)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error not wrapping errs.ErrCorrupt: %v", err)
			}
			return
		}
		colState(t, c) // index and documents agree
		for _, id := range c.IDs() {
			d, _ := c.Get(id)
			if hits, err := c.Query(ctx, d.Text, 1, ganada.WithLexicalOnly()); err != nil || len(hits) == 0 {
				t.Fatalf("lexical query for %q: %v %v", id, hits, err)
			}
		}
	})
}

// TestCompactionBetweenRenames builds the files a crash leaves between a
// compaction's rename of the new snapshot and that of the new log: the new
// snapshot beside the old log, whose changes it holds. Load and OpenFile
// must ignore the old log (replaying it would apply its calls twice), and
// OpenFile must replace it.
func TestCompactionBetweenRenames(t *testing.T) {
	enc := newHashEncoder(8)
	path := filepath.Join(t.TempDir(), "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range walScript(5, 30) {
		if err := op.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	oldLog, err := os.ReadFile(path + ".log")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	want := colState(t, c)
	c.Close()
	if err := os.WriteFile(path+".log", oldLog, 0o666); err != nil {
		t.Fatal(err)
	}
	l, err := ganada.Load(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(colState(t, l), want) {
		t.Fatal("Load replayed the log of the previous snapshot")
	}
	o, err := ganada.OpenFile(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(colState(t, o), want) {
		t.Fatal("OpenFile replayed the log of the previous snapshot")
	}
	if err := o.Delete(ctx, o.IDs()[0]); err != nil {
		t.Fatal(err)
	}
	want = colState(t, o)
	o.Close()
	if s := fileSize(t, path+".log"); s >= int64(len(oldLog)) {
		t.Fatalf("OpenFile kept the previous snapshot's log (%d bytes)", s)
	}
	r, err := ganada.Load(ctx, path, enc)
	if err != nil || !reflect.DeepEqual(colState(t, r), want) {
		t.Fatalf("the Delete after reopening: %v", err)
	}
}

// TestOpenFileLock checks that one collection at a time has a path open.
func TestOpenFileLock(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" || runtime.GOOS == "plan9" {
		t.Skip("no file locks here")
	}
	enc := newHashEncoder(8)
	path := filepath.Join(t.TempDir(), "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ganada.OpenFile(ctx, path, enc); !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second OpenFile: %v, want errs.ErrInvalidInput saying the file is locked", err)
	}
	if _, err := ganada.Load(ctx, path, enc); err != nil { // readers need no lock
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	c, err = ganada.OpenFile(ctx, path, enc)
	if err != nil {
		t.Fatalf("OpenFile after Close: %v", err)
	}
	c.Close()
}

// TestBrokenLogRepairedByCompact checks that a log refusing calls (after a
// write that could not be undone) refuses them, changing nothing, until
// Compact writes the collection anew.
func TestBrokenLogRepairedByCompact(t *testing.T) {
	enc := newHashEncoder(8)
	path := filepath.Join(t.TempDir(), "col.ganada")
	c, err := ganada.OpenFile(ctx, path, enc, ganada.WithFlat())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Add(ctx, ganada.Document{ID: "a", Text: "alpha"}); err != nil {
		t.Fatal(err)
	}
	ganada.BreakLog(c)
	if err := c.Add(ctx, ganada.Document{ID: "b", Text: "beta"}); err == nil || c.Contains("b") {
		t.Fatalf("Add on a broken log: %v, contains b: %v", err, c.Contains("b"))
	}
	if err := c.Delete(ctx, "a"); err == nil || !c.Contains("a") {
		t.Fatalf("Delete on a broken log: %v", err)
	}
	if err := c.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, ganada.Document{ID: "c", Text: "gamma"}); err != nil {
		t.Fatalf("Add after the repair: %v", err)
	}
	r, err := ganada.Load(ctx, path, enc)
	if err != nil || strings.Join(r.IDs(), " ") != "a c" {
		t.Fatalf("after the repair the file holds %v (%v), want a c", r.IDs(), err)
	}
}
