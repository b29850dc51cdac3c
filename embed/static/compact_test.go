// Tests for the compact format: round trips at every precision, quantisation
// error bounds, and rejection of corrupt or truncated data.

package static

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestCompactRoundTrip(t *testing.T) {
	m, ref := randomModel(t, 300, 24, 21, WithName("rand-model"), WithVocabularySize(5000))
	for _, p := range []Precision{Float32, Float16, Int8} {
		var buf bytes.Buffer
		if err := WriteCompact(context.Background(), &buf, m, p); err != nil {
			t.Fatal(err)
		}
		c, err := ReadCompact(context.Background(), bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if c.Precision() != p || c.Len() != m.Len() || c.Dim() != m.Dim() || c.Identity().Model != "rand-model" || c.cfg.vocabSize != 5000 {
			t.Fatalf("%v: header %v %d %d %q %d", p, c.Precision(), c.Len(), c.Dim(), c.Identity().Model, c.cfg.vocabSize)
		}
		for i, w := range m.Words() {
			v, ok := c.Vector(w)
			if !ok {
				t.Fatalf("%v: %q missing", p, w)
			}
			var maxAbs float64
			for _, x := range ref[i] {
				maxAbs = math.Max(maxAbs, math.Abs(x))
			}
			for j, x := range v {
				e := math.Abs(float64(x) - ref[i][j])
				var tol float64
				switch p {
				case Float32:
					tol = 0
				case Float16:
					tol = math.Abs(ref[i][j])*(1.0/2048) + 6e-8
				case Int8:
					tol = maxAbs/127/2*1.0001 + 1e-7
				}
				if e > tol {
					t.Fatalf("%v: %q[%d] = %v, want %v (tol %v)", p, w, j, x, ref[i][j], tol)
				}
			}
		}
		// Sentence vectors use the stored values: compare to a float32
		// model built from the decoded vectors.
		var flat []float32
		for _, w := range c.Words() {
			v, _ := c.Vector(w)
			flat = append(flat, v...)
		}
		dec, _ := New(c.Words(), flat, c.Dim())
		texts := []string{m.Words()[1] + " " + m.Words()[200], m.Words()[5]}
		a, _ := c.Encode(context.Background(), texts)
		b, _ := dec.Encode(context.Background(), texts)
		for i := range a {
			for j := range a[i] {
				if math.Abs(float64(a[i][j]-b[i][j])) > 1e-6 {
					t.Fatalf("%v: encode differs: %v vs %v", p, a[i][j], b[i][j])
				}
			}
		}
		if p == Float32 && c.Identity() != m.Identity() {
			t.Fatalf("float32 round trip changed identity: %+v vs %+v", c.Identity(), m.Identity())
		}
	}
}

func TestCompactCorruption(t *testing.T) {
	m, _ := randomModel(t, 20, 4, 22)
	var buf bytes.Buffer
	if err := WriteCompact(context.Background(), &buf, m, Int8); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x10
		if _, err := ReadCompactBytes(bad); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("flip at %d: err = %v", i, err)
		}
	}
	for cut := 0; cut < len(good); cut++ {
		if _, err := ReadCompactBytes(good[:cut]); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("cut at %d: err = %v", cut, err)
		}
	}
	bad := append([]byte(nil), good...)
	bad[30] ^= 1
	if _, err := ReadCompactBytes(bad); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("checksum: %v", err)
	}
	// A consistent checksum over a bad header is still rejected.
	reseal := func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
		return b
	}
	for _, mutate := range []func([]byte){
		func(b []byte) { b[8] = 9 },                                  // version
		func(b []byte) { b[10] = 7 },                                 // precision
		func(b []byte) { b[11] = 1 },                                 // flags
		func(b []byte) { binary.LittleEndian.PutUint32(b[12:], 0) },  // dim
		func(b []byte) { binary.LittleEndian.PutUint32(b[16:], 21) }, // count
		func(b []byte) { binary.LittleEndian.PutUint32(b[20:], 3) },  // vocabN < count
	} {
		b := append([]byte(nil), good...)
		mutate(b)
		_, err := ReadCompactBytes(reseal(b))
		if !errors.Is(err, errs.ErrCorrupt) && !(b[8] == 9 && errors.Is(err, errs.ErrUnsupported)) || strings.Contains(err.Error(), "checksum") {
			t.Fatalf("resealed bad header accepted or misreported: %v", err)
		}
	}
}

func TestSaveCompactAtomic(t *testing.T) {
	m, _ := randomModel(t, 10, 3, 23)
	dir := t.TempDir()
	p := filepath.Join(dir, "m.gwv")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveCompact(context.Background(), p, m, Float16); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCompact(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	// Unwritable value: the old file stays.
	big, _ := New([]string{"x"}, []float32{1e6}, 1)
	if err := SaveCompact(context.Background(), p, big, Float16); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("float16 overflow: %v", err)
	}
	if _, err := LoadCompact(context.Background(), p); err != nil {
		t.Fatalf("old file damaged: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
}
