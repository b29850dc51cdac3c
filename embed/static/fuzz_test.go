// Fuzz tests: the readers never panic, and what they accept is consistent.

package static

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ganada/ganada/errs"
)

func checkAccepted(t *testing.T, m *Model) {
	t.Helper()
	if m.Len() == 0 || m.Dim() <= 0 {
		t.Fatalf("accepted an empty model: %d×%d", m.Len(), m.Dim())
	}
	ws := m.Words()
	for _, w := range ws {
		v, ok := m.Vector(w)
		if !ok || len(v) != m.Dim() {
			t.Fatalf("word %q: %v %v", w, v, ok)
		}
		for _, x := range v {
			if !finite32(x) {
				t.Fatalf("non-finite accepted: %q %v", w, v)
			}
		}
	}
	out, err := m.Encode(context.Background(), []string{ws[0], ws[len(ws)-1] + " x"})
	if err != nil && !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatal(err)
	}
	for _, v := range out {
		for _, x := range v {
			if !finite32(x) {
				t.Fatalf("non-finite sentence vector %v", v)
			}
		}
	}
}

// checkReport checks that every entry read is kept or counted as left out.
func checkReport(t *testing.T, m *Model) {
	t.Helper()
	if r := m.LoadReport(); m.Len()+r.Duplicates+r.InvalidUTF8 != r.Entries {
		t.Fatalf("%d words kept, report %+v", m.Len(), r)
	}
}

func FuzzReadText(f *testing.F) {
	for _, s := range []string{gloveSmall, "2 2\na 1 2\nb 3 4\n", "a 1\n", "1 1\n. . . 1\n", "a NaN\n", "3 0\n", "a 1e39\n", "x 0x1p-3\n", "3 1\na\xff 1\nb 2\nb 3\n",
		// Headers declaring far more words than the input holds.
		"9223372036854775807 1\na 1\n", "4000000 1\na 1\n", "2 65536\na 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadText(context.Background(), bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap errs.ErrCorrupt: %v", err)
			}
			return
		}
		checkAccepted(t, m)
		checkReport(t, m)
	})
}

func FuzzReadWord2VecBinary(f *testing.F) {
	f.Add(writeW2VBinary([]string{"a", "b"}, [][]float32{{1, 2}, {3, 4}}, true))
	f.Add(writeW2VBinary([]string{"a"}, [][]float32{{1}}, false))
	f.Add([]byte("1 1\n"))
	f.Add(writeW2VBinary([]string{"a\xff", "b", "b"}, [][]float32{{1}, {2}, {3}}, true))
	// A 24-byte header claiming 2^63-1 words (it allocated 307 MB), and
	// one claiming 4,000,000.
	f.Add(append([]byte("9223372036854775807 1\n"), 'a', ' '))
	f.Add(append([]byte("4000000 1\n"), 'a', ' ', 0, 0, 0x80, 0x3f))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap errs.ErrCorrupt: %v", err)
			}
			return
		}
		checkAccepted(t, m)
		checkReport(t, m)
	})
}

func FuzzReadCompact(f *testing.F) {
	m, _ := New([]string{"a", "bb"}, []float32{1, -2, 0.5, 3}, 2, WithName("n"))
	for _, p := range []Precision{Float32, Float16, Int8} {
		var buf bytes.Buffer
		WriteCompact(context.Background(), &buf, m, p)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadCompactBytes(b)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error does not wrap errs.ErrCorrupt: %v", err)
			}
			return
		}
		checkAccepted(t, m)
	})
}
