// chunk_test.go checks the splitter's invariants on random and real texts
// (coverage, sizes, overlap, offsets), its choice of boundaries, and token
// units from a real tokenizer.json.

package chunk

import (
	"errors"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// checkChunks verifies what every split must satisfy: each chunk's text
// is its byte range, holds at most size units (counted from units), every
// unit is in a chunk, and consecutive chunks share at most overlap units.
func checkChunks(t *testing.T, text string, units []Span, chunks []Chunk, size, overlap int) {
	t.Helper()
	var nonEmpty []Span
	for _, u := range units {
		if u.End > u.Start {
			nonEmpty = append(nonEmpty, u)
		}
	}
	if len(nonEmpty) == 0 {
		if len(chunks) != 0 {
			t.Fatalf("%d chunks of a text without units", len(chunks))
		}
		return
	}
	inside := func(u Span, c Chunk) bool { return u.Start >= c.Start && u.End <= c.End }
	for k, c := range chunks {
		if c.Text != text[c.Start:c.End] || !utf8.ValidString(c.Text) {
			t.Fatalf("chunk %d: text does not match its offsets [%d, %d)", k, c.Start, c.End)
		}
		n := 0
		for _, u := range nonEmpty {
			if inside(u, c) {
				n++
			}
		}
		if n != c.Units || n < 1 || n > size {
			t.Fatalf("chunk %d %q: Units %d, holds %d, size %d", k, c.Text, c.Units, n, size)
		}
		if k > 0 {
			p := chunks[k-1]
			if c.Start <= p.Start || c.End <= p.End {
				t.Fatalf("chunk %d [%d, %d) does not follow chunk %d [%d, %d)", k, c.Start, c.End, k-1, p.Start, p.End)
			}
			shared := 0
			for _, u := range nonEmpty {
				if inside(u, c) && inside(u, p) {
					shared++
				}
			}
			if shared > overlap {
				t.Fatalf("chunk %d shares %d units with the previous, more than %d", k, shared, overlap)
			}
		}
	}
	for i, u := range nonEmpty {
		found := false
		for _, c := range chunks {
			found = found || inside(u, c)
		}
		if !found {
			t.Fatalf("unit %d (%q) is in no chunk", i, text[u.Start:u.End])
		}
	}
}

func TestSplitInvariants(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"word", "한국어", "다.", "end.", "x,", "\n", "\n\n", " ", "  ", "(a)", "\"quoted.\"", "é", "…", "요"}
	for trial := 0; trial < 500; trial++ {
		var b strings.Builder
		for n := r.Intn(200); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
			if r.Intn(3) > 0 {
				b.WriteByte(' ')
			}
		}
		text := b.String()
		size := 1 + r.Intn(30)
		overlap := r.Intn(size)
		s, err := New(Words, size, WithOverlap(overlap))
		if err != nil {
			t.Fatal(err)
		}
		chunks, err := s.Split(text)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := Words(text)
		checkChunks(t, text, units, chunks, size, overlap)
	}
}

func TestBoundaries(t *testing.T) {
	// Cuts fall at the paragraph break, then at sentence ends, not where
	// the size runs out.
	text := "One two three four five. Six seven eight nine ten eleven.\n\nTwelve thirteen fourteen. Fifteen sixteen seventeen eighteen nineteen twenty."
	s, err := New(Words, 12, WithOverlap(0))
	if err != nil {
		t.Fatal(err)
	}
	chunks, _ := s.Split(text)
	var got []string
	for _, c := range chunks {
		got = append(got, c.Text)
	}
	want := []string{"One two three four five. Six seven eight nine ten eleven.", "Twelve thirteen fourteen. Fifteen sixteen seventeen eighteen nineteen twenty."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks %q, want %q", got, want)
	}

	// Korean: sentence ends with a period, and the plain endings of
	// informal text; a clause comma beats a bare word boundary.
	ko := "한글은 세종대왕이 만들었다. 백성을 가르치는 바른 소리라는 뜻이다 글자는 자음과 모음으로 이루어진다"
	s, _ = New(Words, 8, WithOverlap(0))
	chunks, _ = s.Split(ko)
	if chunks[0].Text != "한글은 세종대왕이 만들었다. 백성을 가르치는 바른 소리라는 뜻이다" {
		t.Errorf("Korean: first chunk %q", chunks[0].Text)
	}
	en := "alpha beta gamma delta, epsilon zeta eta theta iota kappa"
	s, _ = New(Words, 7, WithOverlap(0))
	chunks, _ = s.Split(en)
	if chunks[0].Text != "alpha beta gamma delta," {
		t.Errorf("clause: first chunk %q", chunks[0].Text)
	}
	// Overlap repeats the end of a chunk, from the strongest boundary.
	s, _ = New(Words, 6, WithOverlap(3))
	chunks, _ = s.Split("a b c d e f g h i j")
	if len(chunks) != 3 || chunks[1].Text != "d e f g h i" || chunks[2].Text != "g h i j" {
		t.Errorf("overlap: %+v", chunks)
	}
}

func TestTokens(t *testing.T) {
	path := filepath.Join("..", "embed", "transformer", "testdata", "tiny-bert", "tokenizer.json")
	tok, err := tokenizer.FromFile(path, tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		t.Fatal(err)
	}
	units, err := Tokens(tok)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("The quick brown fox jumps over the lazy dog. 한국어 문장입니다. ", 40)
	spans, err := units(text)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode(text, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) == 0 || len(spans) > enc.Len() {
		t.Fatalf("%d units for %d tokens", len(spans), enc.Len())
	}
	s, err := New(units, 30, WithOverlap(5))
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := s.Split(text)
	if err != nil {
		t.Fatal(err)
	}
	checkChunks(t, text, spans, chunks, 30, 5)
	// Each chunk, tokenized alone, fits the size: what the encoder will see.
	for _, c := range chunks {
		e, err := tok.Encode(c.Text, false)
		if err != nil {
			t.Fatal(err)
		}
		if e.Len() > 30 {
			t.Errorf("chunk %q is %d tokens alone", c.Text, e.Len())
		}
	}
	// Sentences of 10 tokens in chunks of 30 overlapping by 5 or fewer:
	// every chunk is whole sentences (the overlap moves to a sentence start).
	en := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 40)
	if chunks, err = s.Split(en); err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if !strings.HasSuffix(c.Text, ".") || !strings.HasPrefix(c.Text, "The") {
			t.Errorf("chunk %q (%d tokens) is not whole sentences", c.Text, c.Units)
		}
	}
	if _, err := Tokens(nil); !errors.Is(err, errs.ErrInvalidOption) {
		t.Error("Tokens(nil)")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		units Units
		size  int
		opts  []Option
	}{{nil, 5, nil}, {Words, 0, nil}, {Words, 5, []Option{WithOverlap(5)}}, {Words, 5, []Option{WithOverlap(-1)}}} {
		if _, err := New(tc.units, tc.size, tc.opts...); !errors.Is(err, errs.ErrInvalidOption) {
			t.Errorf("New(size %d): %v, want errs.ErrInvalidOption", tc.size, err)
		}
	}
	s, _ := New(Words, 4)
	if _, err := s.Split("a\xffb"); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	for _, bad := range [][]Span{{{2, 3}, {0, 1}}, {{0, 9}}, {{-1, 2}}, {{3, 2}}} {
		s, _ = New(func(string) ([]Span, error) { return bad, nil }, 4)
		if _, err := s.Split("abcd"); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("units %v: %v", bad, err)
		}
	}
	if c, err := s.Split(""); err == nil && len(c) != 0 {
		t.Error("empty text")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("One two. Three four.\n\nFive six, seven.", 3, 1)
	f.Add("한글은 세종대왕이 만들었다. 뜻이다", 2, 0)
	f.Fuzz(func(t *testing.T, text string, size, overlap int) {
		if !utf8.ValidString(text) || size < 1 || size > 64 || overlap < 0 || overlap >= size {
			return
		}
		s, err := New(Words, size, WithOverlap(overlap))
		if err != nil {
			t.Fatal(err)
		}
		chunks, err := s.Split(text)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := Words(text)
		checkChunks(t, text, units, chunks, size, overlap)
	})
}
