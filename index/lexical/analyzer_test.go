// This file tests the Standard analyzer on the cases of Lucene's
// CJKAnalyzer tests (bigrams of Han, Hiragana and Katakana, width folding,
// mixed scripts), on Korean, on English words as UAX #29 keeps them, and
// with stop words and pieces.

package lexical

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

func TestStandardTerms(t *testing.T) {
	a, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ text, want string }{
		// From Lucene's TestCJKAnalyzer.
		{"一二三四五六七八九十一二三四五六七八九十", "一二 二三 三四 四五 五六 六七 七八 八九 九十 十一 一二 二三 三四 四五 五六 六七 七八 八九 九十"},
		{"一 二三四 五六七八九 十", "一 二三 三四 五六 六七 七八 八九 十"},
		{"一 二", "一 二"},
		{"あいうえおabcかきくけこ", "あい いう うえ えお abc かき きく くけ けこ"},
		{"あいうえおabんcかきくけ こ", "あい いう うえ えお ab ん c かき きく くけ こ"},
		{"ＡＢＣ", "abc"},       // full width folds (NFKC), then lowercases
		{"ｶﾀｶﾅ", "カタ タカ カナ"}, // half-width Katakana folds
		{"ﾀﾞｷﾞ", "ダギ"},       // with its voiced mark composed
		{"一二三四五六七八九十abc", "一二 二三 三四 四五 五六 六七 七八 八九 九十 abc"},
		// Korean: Hangul words are UAX #29 words, cut into bigrams.
		{"서울의 인구는 약 940만 명이다.", "서울 울의 인구 구는 약 940 만 명이 이다"},
		{"나는 학생", "나는 학생"},
		// English and others: UAX #29 words, lowercased.
		{"Can't STOP the naïve café, 3.14 or U.S.A. e-mail", "can't stop the naïve café 3.14 or u.s.a e mail"},
		{"ǅemal Ⅻ ﬁle", "džemal xii file"}, // NFKC compatibility forms
		{"  ...!!  🙂 ", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := strings.Join(a.Terms(nil, c.text), " ")
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
	if a.Name() != "standard-v1;cjk=bigram" {
		t.Errorf("name %q", a.Name())
	}
}

func TestStopWordsAndPieces(t *testing.T) {
	a, err := NewAnalyzer(WithEnglishStopWords(), WithStopWords("ＭＡＮ"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(a.Terms(nil, "The man is on THE moon"), " "); got != "moon" {
		t.Errorf("stop words: %q", got)
	}
	b, _ := NewAnalyzer(WithStopWords(EnglishStopWords...), WithStopWords("man"))
	if a.Name() != b.Name() || !strings.Contains(a.Name(), ";stop=34:") {
		t.Errorf("names %q and %q, want equal with 34 stop words", a.Name(), b.Name())
	}
	runes := func(s string) []string { return strings.Split(s, "") }
	p, err := NewAnalyzer(WithCJKPieces("chars", runes))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Terms(nil, "서울의 인구 abc"), " "); got != "서 울 의 인 구 abc" {
		t.Errorf("pieces: %q", got)
	}
	if p.Name() != "standard-v1;cjk=pieces:chars" {
		t.Errorf("name %q", p.Name())
	}
	if _, err := New(WithAnalyzer(p)); err != nil {
		t.Fatal(err)
	}
	if _, err := NewAnalyzer(WithStopWords("ok", "")); !errors.Is(err, errs.ErrInvalidOption) {
		t.Fatal(err)
	}
}

// FuzzTerms feeds the analyzer arbitrary bytes: it never panics, the
// segments cover the text exactly in order, every term is non-empty valid
// UTF-8 and lowercase (lowercasing it changes nothing), and a text's
// terms are the same twice.
func FuzzTerms(f *testing.F) {
	for _, s := range []string{"", "Can't stop 3.14", "서울의 인구는", "一二三", "ｶﾀｶﾅ", "a\u0308\u200d🙂", "\xff\xfe", "e-mail U.S.A."} {
		f.Add(s)
	}
	a, _ := NewAnalyzer()
	f.Fuzz(func(t *testing.T, text string) {
		var s segmenter
		at := 0
		s.segments(text, func(start, end int) {
			if start != at || end <= start {
				t.Fatalf("segment [%d, %d) after %d", start, end, at)
			}
			at = end
		})
		if at != len(text) {
			t.Fatalf("segments end at %d of %d", at, len(text))
		}
		terms := a.Terms(nil, text)
		for _, term := range terms {
			if term == "" || !utf8.ValidString(term) || strings.ToLower(term) != term {
				t.Fatalf("term %q of %q", term, text)
			}
		}
		if again := a.Terms(nil, text); strings.Join(again, "\x00") != strings.Join(terms, "\x00") {
			t.Fatalf("terms differ on a second call for %q", text)
		}
	})
}
