// Tests that the word-vector readers skip, and count, words that are not
// valid UTF-8, and stay strict about structural damage.

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
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// cutWord is a word longer than word2vec.c's MAX_STRING (100 bytes) cut at
// 99 bytes, as the C tool's ReadWord truncates it: its last Hangul
// syllable loses its final byte.
var cutWord = ("x" + strings.Repeat("가", 40))[:99]

func TestReadTextSkipsInvalidUTF8Words(t *testing.T) {
	if utf8.ValidString(cutWord) {
		t.Fatal("cutWord is valid UTF-8")
	}
	cases := []struct {
		name  string
		in    string
		words []string
		rep   LoadReport
	}{
		{"word2vec text", "5 2\nthe 1 2\n" + cutWord + " 3 4\ncat 5 6\n\xff\xfe 7 8\nthe 9 9\n", []string{"the", "cat"},
			LoadReport{Entries: 5, Duplicates: 1, InvalidUTF8: 2}},
		{"GloVe, invalid first word", "na\xc3 1 2 3\nthe 4 5 6\n. . \xff 7 8 9\n", []string{"the"},
			LoadReport{Entries: 3, InvalidUTF8: 2}},
		{"clean", gloveSmall, []string{"the", "cat", "sat"}, LoadReport{Entries: 3}},
	}
	for _, tc := range cases {
		m, err := ReadText(context.Background(), strings.NewReader(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(m.Words(), tc.words) || m.LoadReport() != tc.rep {
			t.Errorf("%s: words %q, report %+v; want %q, %+v", tc.name, m.Words(), m.LoadReport(), tc.words, tc.rep)
		}
		if v, ok := m.Vector("the"); !ok || (tc.name == "word2vec text" && v[0] != 1) {
			t.Errorf("%s: the = %v", tc.name, v)
		}
		if d, err := m.With(WithNormalize(true)); err != nil || d.LoadReport() != tc.rep {
			t.Errorf("%s: With lost the report: %+v", tc.name, d.LoadReport())
		}
	}
	// WithMaxWords counts kept words; the report covers the entries read.
	m, err := ReadText(context.Background(), strings.NewReader("4 1\n\xff 1\na 2\n\xfe 3\nb 4\n"), WithMaxWords(1))
	if err != nil || m.Len() != 1 || m.LoadReport() != (LoadReport{Entries: 2, InvalidUTF8: 1}) {
		t.Fatalf("max words: %v, %+v", err, m)
	}
}

func TestReadTextStaysStrict(t *testing.T) {
	cases := map[string]string{
		"invalid bytes in a number": "a 1 2\xff\n",
		"only invalid words":        "2 1\n\xff 1\n\xfe 2\n",
		"short vector of a skipped": "a 1 2\n\xff 3\n",
		"NaN in a skipped word":     "a 1 2\n\xff 3 NaN\n",
		"header count, skipped too": "3 1\na 1\n\xff 2\n",
		"more than the header says": "1 1\n\xff 2\na 1\n",
	}
	for name, in := range cases {
		if _, err := ReadText(context.Background(), strings.NewReader(in)); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: err = %v, want errs.ErrCorrupt", name, err)
		}
	}
	_, err := ReadText(context.Background(), strings.NewReader("\xff 1\n\xfe 2\n"))
	if err == nil || !strings.Contains(err.Error(), "2 words skipped") {
		t.Errorf("a file of invalid words: %v, want the error to say how many were skipped", err)
	}
}

func TestReadWord2VecBinarySkipsInvalidUTF8Words(t *testing.T) {
	words := []string{"the", cutWord, "cat", "\xff", "naïve", "the"}
	vecs := [][]float32{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}}
	for _, nl := range []bool{true, false} {
		m, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(writeW2VBinary(words, vecs, nl)))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"the", "cat", "naïve"}; !reflect.DeepEqual(m.Words(), want) {
			t.Fatalf("words %q, want %q", m.Words(), want)
		}
		if rep := m.LoadReport(); rep != (LoadReport{Entries: 6, Duplicates: 1, InvalidUTF8: 2}) {
			t.Fatalf("report %+v", rep)
		}
		for w, want := range map[string]float32{"the": 1, "cat": 5, "naïve": 9} {
			if v, _ := m.Vector(w); v[0] != want {
				t.Fatalf("%s = %v", w, v)
			}
		}
	}
	// Structure stays strict: truncation inside or after a skipped word,
	// a NaN in a skipped word's vector, only invalid words.
	good := writeW2VBinary([]string{"a", "\xff"}, [][]float32{{1, 2}, {3, 4}}, true)
	for cut := 0; cut < len(good)-1; cut++ {
		if _, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(good[:cut])); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("cut at %d: err = %v", cut, err)
		}
	}
	nan := writeW2VBinary([]string{"a", "\xff"}, [][]float32{{1, 2}, {3, float32(math.NaN())}}, true)
	if _, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(nan)); !errors.Is(err, errs.ErrNonFinite) {
		t.Fatalf("NaN in a skipped word: %v", err)
	}
	only := writeW2VBinary([]string{"\xff", "\xfe"}, [][]float32{{1}, {2}}, true)
	if _, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(only)); !errors.Is(err, errs.ErrCorrupt) {
		t.Fatalf("only invalid words: %v", err)
	}
}

func TestLoadWithInvalidUTF8Words(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		// Text with an invalid word first: Load must not take it for binary.
		"first.txt": []byte("3 2\n" + cutWord + " 1 2\nthe 3 4\ncat 5 6\n"),
		"glove.txt": []byte("na\xc3 1 2\nthe 3 4\ncat 5 6\n"),
		"w2v.bin":   writeW2VBinary([]string{cutWord, "the", "cat"}, [][]float32{{1, 2}, {3, 4}, {5, 6}}, true),
		// A first line longer than the window Load peeks at.
		"long.vec": []byte("3 600\n" + cutWord + strings.Repeat(" 0.1234567", 600) +
			"\nthe" + strings.Repeat(" 3", 600) + "\ncat 5 6" + strings.Repeat(" 0", 598) + "\n"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Load(context.Background(), p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(m.Words(), []string{"the", "cat"}) || m.LoadReport().InvalidUTF8 != 1 {
			t.Fatalf("%s: words %q, report %+v", name, m.Words(), m.LoadReport())
		}
		if v, _ := m.Vector("cat"); v[0] != 5 || v[1] != 6 {
			t.Fatalf("%s: cat = %v", name, v)
		}
	}
}

func TestNamesAreValidUTF8(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vec\xff.txt")
	if err := os.WriteFile(p, []byte("the 1 2\n"), 0o644); err != nil {
		t.Skipf("cannot create a file whose name is not valid UTF-8: %v", err)
	}
	for _, load := range []func(context.Context, string, ...Option) (*Model, error){Load, LoadText} {
		m, err := load(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Identity().Model; got != "vec\uFFFD.txt" {
			t.Errorf("model name %q, want %q", got, "vec\uFFFD.txt")
		}
	}
	// A name cut to the compact format's 65535 bytes is cut between
	// characters, and a stored invalid name is repaired on reading.
	long := "x" + strings.Repeat("가", 30000)
	m, err := New([]string{"a"}, []float32{1}, 1, WithName(long))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteCompact(context.Background(), &buf, m, Float32); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCompactBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Identity().Model; !utf8.ValidString(got) || !strings.HasPrefix(long, got) || len(got) < 65533 {
		t.Errorf("long name read back as %d bytes, valid UTF-8 %t", len(got), utf8.ValidString(got))
	}
	// WithName refuses an invalid name; one stored in a file (patched in
	// here, checksum resealed) is repaired.
	if _, err := New([]string{"a"}, []float32{1}, 1, WithName("bad\xfename")); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "WithName") {
		t.Errorf("WithName of invalid UTF-8: %v, want ErrInvalidOption naming it", err)
	}
	bad, _ := New([]string{"a"}, []float32{1}, 1, WithName("badXname"))
	buf.Reset()
	if err := WriteCompact(context.Background(), &buf, bad, Float32); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte("badXname"))
	b[i+3] = 0xfe
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	if c, err := ReadCompactBytes(b); err != nil || c.Identity().Model != "bad\uFFFDname" {
		t.Errorf("invalid stored name: %v, %q", err, c.Identity().Model)
	}
}
