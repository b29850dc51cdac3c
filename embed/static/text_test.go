// Tests for the text and binary vector readers.

package static

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

const gloveSmall = `the 0.1 0.2 0.3
cat 1 0 -1
sat -0.5 0.25 2e-1
`

func TestReadTextGloVe(t *testing.T) {
	m, err := ReadText(context.Background(), strings.NewReader(gloveSmall))
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 3 || m.Len() != 3 {
		t.Fatalf("dim %d len %d", m.Dim(), m.Len())
	}
	if got := m.Words(); strings.Join(got, ",") != "the,cat,sat" {
		t.Fatalf("words %v", got)
	}
	v, ok := m.Vector("sat")
	if !ok || v[0] != -0.5 || v[1] != 0.25 || v[2] != float32(0.2) {
		t.Fatalf("sat = %v %v", v, ok)
	}
	if _, ok := m.Vector("dog"); ok {
		t.Fatal("dog found")
	}
	v[0] = 99
	if w, _ := m.Vector("sat"); w[0] != -0.5 {
		t.Fatal("Vector returned shared memory")
	}
}

func TestReadTextHeaderAndQuirks(t *testing.T) {
	// word2vec text: header, trailing spaces, tabs, a blank line, a
	// duplicate (first kept, still counted), a word with a space.
	in := "5 2\nthe 1 2 \n\nof\t3 4\nthe 9 9\n. . . 5 6\n\"x\" 7 8\n"
	m, err := ReadText(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Words(), "|"); got != "the|of|. . .|\"x\"" {
		t.Fatalf("words %q", got)
	}
	if v, _ := m.Vector("the"); v[0] != 1 {
		t.Fatalf("duplicate replaced the first: %v", v)
	}
	if v, _ := m.Vector(". . ."); v[1] != 6 {
		t.Fatalf("spaced word %v", v)
	}
}

func TestReadTextMaxWords(t *testing.T) {
	m, err := ReadText(context.Background(), strings.NewReader("3 1\na 1\nb 2\nc 3\n"), WithMaxWords(2))
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 2 {
		t.Fatalf("len %d", m.Len())
	}
	m, err = ReadText(context.Background(), strings.NewReader(gloveSmall), WithMaxWords(1))
	if err != nil || m.Len() != 1 {
		t.Fatalf("%v %v", m, err)
	}
}

func TestReadTextErrors(t *testing.T) {
	cases := map[string]string{
		"empty":               "",
		"blank":               "\n\n",
		"no vector":           "word\n",
		"short line":          "a 1 2\nb 3\n",
		"bad number":          "a 1 2\nb 3 x\n",
		"NaN":                 "a 1 NaN\n",
		"Inf":                 "a 1 2\nb -Inf 1\n",
		"overflow":            "a 1 1e39\n",
		"truncated":           "3 2\na 1 2\nb 3 4\n",
		"too many":            "1 2\na 1 2\nb 3 4\n",
		"bad header dim":      "3 0\n",
		"only word not UTF-8": "a\xff 1 2\n",
		"huge dim header":     "1 99999999\n",
	}
	for name, in := range cases {
		_, err := ReadText(context.Background(), strings.NewReader(in))
		if !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("%s: err = %v, want errs.ErrCorrupt", name, err)
		}
	}
	_, err := ReadText(context.Background(), strings.NewReader("a 1 NaN\n"))
	if !errors.Is(err, errs.ErrNonFinite) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("NaN error %v", err)
	}
	_, err = ReadText(context.Background(), strings.NewReader("a 1 2\nb 3\n"))
	if !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error does not name the line: %v", err)
	}
}

// writeW2VBinary writes the word2vec binary format as the C tool does.
func writeW2VBinary(words []string, vecs [][]float32, newline bool) []byte {
	var b bytes.Buffer
	b.WriteString(strconv.Itoa(len(words)) + " " + strconv.Itoa(len(vecs[0])) + "\n")
	for i, w := range words {
		b.WriteString(w + " ")
		for _, x := range vecs[i] {
			binary.Write(&b, binary.LittleEndian, math.Float32bits(x))
		}
		if newline {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func TestReadWord2VecBinary(t *testing.T) {
	words := []string{"the", "Cat", "naïve"}
	vecs := [][]float32{{1, 2}, {-3, 0.5}, {10, 2.25}}
	for _, nl := range []bool{true, false} {
		m, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(writeW2VBinary(words, vecs, nl)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(m.Words(), ",") != "the,Cat,naïve" || m.Dim() != 2 {
			t.Fatalf("words %v dim %d", m.Words(), m.Dim())
		}
		for i, w := range words {
			v, _ := m.Vector(w)
			if v[0] != vecs[i][0] || v[1] != vecs[i][1] {
				t.Fatalf("%s: %v want %v", w, v, vecs[i])
			}
		}
	}
	m, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(writeW2VBinary(words, vecs, true)), WithMaxWords(2))
	if err != nil || m.Len() != 2 {
		t.Fatalf("max words: %v %v", m, err)
	}
}

func TestReadWord2VecBinaryErrors(t *testing.T) {
	good := writeW2VBinary([]string{"a", "b"}, [][]float32{{1, 2}, {3, 4}}, true)
	for cut := 0; cut < len(good)-1; cut++ {
		_, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(good[:cut]))
		if !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("cut at %d: err = %v", cut, err)
		}
	}
	nan := writeW2VBinary([]string{"a"}, [][]float32{{1, float32(math.NaN())}}, true)
	if _, err := ReadWord2VecBinary(context.Background(), bytes.NewReader(nan)); !errors.Is(err, errs.ErrNonFinite) {
		t.Fatalf("NaN: %v", err)
	}
	for _, h := range []string{"x y\n", "1\n", "0 3\n", "2 -1\n", "1 100000\n"} {
		if _, err := ReadWord2VecBinary(context.Background(), strings.NewReader(h)); !errors.Is(err, errs.ErrCorrupt) {
			t.Fatalf("header %q: %v", h, err)
		}
	}
}

func TestLoadDetectsFormat(t *testing.T) {
	dir := t.TempDir()
	words := []string{"the", "cat"}
	vecs := [][]float32{{1, 2}, {3, 4}}
	bin := filepath.Join(dir, "v.bin")
	os.WriteFile(bin, writeW2VBinary(words, vecs, true), 0o644)
	txt := filepath.Join(dir, "v.txt")
	os.WriteFile(txt, []byte("2 2\nthe 1 2\ncat 3 4\n"), 0o644)
	glove := filepath.Join(dir, "glove.txt")
	os.WriteFile(glove, []byte("the 1 2\ncat 3 4\n"), 0o644)
	tm, _ := New(words, []float32{1, 2, 3, 4}, 2)
	cpt := filepath.Join(dir, "v.gwv")
	if err := SaveCompact(context.Background(), cpt, tm, Float16); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bin, txt, glove, cpt} {
		m, err := Load(context.Background(), p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		v, ok := m.Vector("cat")
		if !ok || v[0] != 3 || v[1] != 4 || m.Identity().Model != filepath.Base(p) {
			t.Fatalf("%s: %v %v %q", p, v, ok, m.Identity().Model)
		}
	}
	if _, err := Load(context.Background(), filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}
