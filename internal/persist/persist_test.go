// This file tests the container: a round trip through every writer call and
// a streamed section, every truncation and bit flip detected as
// errs.ErrCorrupt, forged lengths that cannot make a reader allocate more
// than the input holds, and Decoder's bounds.

package persist

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

// nested writes a small file of its own, as an index's WriteTo would.
func nested(w io.Writer) (int64, error) {
	pw := NewWriter(w)
	pw.Header("NESTED01", 3)
	pw.Begin("VALS", 4*3)
	pw.Float32s([]float32{1, -2.5, 3})
	pw.End()
	return pw.Finish()
}

func readNested(r io.Reader) error {
	pr := NewReader(r)
	if v := pr.Header("NESTED01"); pr.Err() == nil && v != 3 {
		pr.Fail("version %d", v)
	}
	pr.Begin("VALS", 12, 12)
	if vs := pr.Float32s(3); pr.Err() == nil && (vs[0] != 1 || vs[1] != -2.5 || vs[2] != 3) {
		pr.Fail("values %v", vs)
	}
	pr.End()
	return pr.Finish()
}

func sample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	pw := NewWriter(&buf)
	pw.Header("TESTFILE", 7)
	payload := AppendString(AppendUvarint(nil, 300), "héllo")
	payload = AppendUint64(payload, math.MaxUint64-1)
	pw.Begin("MISC", uint64(1+4+8+len(payload)+2*4+8))
	pw.Uint8(9)
	pw.Uint32(123456)
	pw.Uint64(1 << 40)
	pw.Bytes(payload)
	pw.Uint32s([]uint32{1, 2})
	pw.Uint64s([]uint64{3})
	pw.End()
	pw.Stream("NEST", nested)
	n, err := pw.Finish()
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("Finish: %d %v (%d bytes)", n, err, buf.Len())
	}
	return buf.Bytes()
}

func read(b []byte) error {
	pr := NewReader(bytes.NewReader(b))
	if v := pr.Header("TESTFILE"); pr.Err() == nil && v != 7 {
		pr.Fail("version %d", v)
	}
	n := pr.Begin("MISC", 0, 1<<20)
	if pr.Uint8() != 9 || pr.Uint32() != 123456 || pr.Uint64() != 1<<40 {
		pr.Fail("fixed fields")
	}
	p := pr.Bytes(int(n) - 1 - 4 - 8 - 2*4 - 8)
	if pr.Err() == nil {
		d := NewDecoder("MISC", p)
		if d.Uvarint("u") != 300 || d.String("s") != "héllo" || d.Uint64("x") != math.MaxUint64-1 {
			d.Fail("payload")
		}
		if err := d.End(); err != nil {
			return err
		}
	}
	if u := pr.Uint32s(2); pr.Err() == nil && (u[0] != 1 || u[1] != 2) {
		pr.Fail("uint32s")
	}
	if u := pr.Uint64s(1); pr.Err() == nil && u[0] != 3 {
		pr.Fail("uint64s")
	}
	pr.End()
	pr.Stream("NEST", readNested)
	if err := pr.Finish(); err != nil {
		return err
	}
	if pr.N() != int64(len(b)) {
		return errors.New("did not consume the whole input")
	}
	return nil
}

func TestRoundTripAndDamage(t *testing.T) {
	good := sample(t)
	if err := read(good); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(good); n++ {
		if err := read(good[:n]); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: %v", n, len(good), err)
		}
	}
	for i := range good {
		for bit := 0; bit < 8; bit++ {
			b := bytes.Clone(good)
			b[i] ^= 1 << bit
			if err := read(b); !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("byte %d bit %d flipped: %v", i, bit, err)
			}
		}
	}
}

// TestStreamIOError: an I/O error inside a streamed section comes back as
// it is, not as corruption.
func TestStreamIOError(t *testing.T) {
	good := sample(t)
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(good[:len(good)-30]), iotest(boom))
	pr := NewReader(r)
	pr.Header("TESTFILE")
	n := pr.Begin("MISC", 0, 1<<20)
	pr.Bytes(int(n))
	pr.End()
	pr.Stream("NEST", readNested)
	if err := pr.Err(); !errors.Is(err, boom) || errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("%v, want the I/O error as it is", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func iotest(err error) io.Reader { return errReader{err} }

// TestForgedLengths: sections and counts claiming far more than the input
// holds fail as corrupt without allocating for the claim.
func TestForgedLengths(t *testing.T) {
	var buf bytes.Buffer
	pw := NewWriter(&buf)
	pw.Header("TESTFILE", 1)
	pw.Begin("HUGE", 10)
	pw.Bytes(make([]byte, 10))
	pw.End()
	pw.Finish()
	b := buf.Bytes()
	// Claim 2^40 bytes of payload.
	b[12+4+5] = 1
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pr := NewReader(bytes.NewReader(b))
	pr.Header("TESTFILE")
	n := pr.Begin("HUGE", 0, math.MaxInt)
	for _, read := range []func(){
		func() { pr.Bytes(int(n)) },
		func() { pr.Float32s(int(n / 4)) },
		func() { pr.Uint64s(int(n / 8)) },
	} {
		read()
	}
	runtime.ReadMemStats(&after)
	if err := pr.Err(); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("%v, want errs.ErrCorrupt", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Fatalf("allocated %d bytes for a 2^40-byte claim on %d bytes of input", got, len(b))
	}
	// A length above maxLen fails at Begin.
	pr = NewReader(bytes.NewReader(b))
	pr.Header("TESTFILE")
	if pr.Begin("HUGE", 0, 1<<20); !errors.Is(pr.Err(), errs.ErrCorrupt) {
		t.Fatalf("Begin beyond maxLen: %v", pr.Err())
	}
	// A streamed section must carry the marker, and a fixed one must not.
	pr = NewReader(bytes.NewReader(b))
	pr.Header("TESTFILE")
	if pr.Stream("HUGE", func(io.Reader) error { return nil }); !errors.Is(pr.Err(), errs.ErrCorrupt) {
		t.Fatalf("Stream over a fixed section: %v", pr.Err())
	}
}

func TestDecoderBounds(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		b           []byte
		read        func(d *Decoder)
	}{
		{"string overrun", "name", AppendUvarint(nil, 1<<40), func(d *Decoder) { d.String("name") }},
		{"bad UTF-8", "name", AppendString(nil, "a\xffb"), func(d *Decoder) { d.String("name") }},
		{"count limit", "documents", AppendUvarint(nil, 11), func(d *Decoder) { d.Count("documents", 10) }},
		{"bad uvarint", "id", bytes.Repeat([]byte{0xff}, 11), func(d *Decoder) { d.Uvarint("id") }},
		{"short uint64", "seed", []byte{1, 2, 3}, func(d *Decoder) { d.Uint64("seed") }},
		{"empty byte", "kind", nil, func(d *Decoder) { d.Byte("kind") }},
		{"blob overrun", "outputs", AppendUvarint(nil, 5), func(d *Decoder) { d.Blob("outputs") }},
		{"short floats", "vector", make([]byte, 11), func(d *Decoder) { d.Float32s("vector", 3) }},
		{"negative floats", "vector", nil, func(d *Decoder) { d.Float32s("vector", -1) }},
		{"trailing", "after the last field", []byte{0, 1}, func(d *Decoder) { d.Byte("x") }},
	} {
		d := NewDecoder("TEST", tc.b)
		tc.read(d)
		err := d.End()
		if !errors.Is(err, errs.ErrCorrupt) || !strings.Contains(err.Error(), "section TEST") || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: %v, want errs.ErrCorrupt naming the section and %q", tc.name, err, tc.field)
		}
	}
}
