// Tests for the word splitter and the vocabulary lookup fallbacks.

package static

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	cases := map[string][]string{
		"":                                       nil,
		"   ":                                    nil,
		"Hello, world!":                          {"Hello", "world"},
		"Don't panic: it's 3.5 well-known km/h!": {"Don't", "panic", "it's", "3.5", "well-known", "km", "h"},
		"rock’n’roll":                            {"rock'n'roll"},
		"'quoted' -dash- end.":                   {"quoted", "dash", "end"},
		"a--b a..b 1,000,000":                    {"a", "b", "a", "b", "1,000,000"},
		"한 소녀가 머리를 빗고 있다.":                       {"한", "소녀가", "머리를", "빗고", "있다"},
		"café naïve":                             {"café", "naïve"},
		"x\u0301y":                               {"x\u0301y"},
		"tab\tnew\nline":                         {"tab", "new", "line"},
	}
	for in, want := range cases {
		if got := SplitWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func vocabModel(t *testing.T, words ...string) *Model {
	t.Helper()
	vecs := make([]float32, len(words)*2)
	for i := range words {
		vecs[2*i] = float32(i + 1)
	}
	m, err := New(words, vecs, 2)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTokensLookup(t *testing.T) {
	m := vocabModel(t, "the", "do", "n't", "ca", "woman", "'s", "well-known", "well", "known", "3.5", "3", "5", "Paris", "paris", "o'clock")
	cases := map[string]string{
		"The woman's dog":          "the woman 's",
		"I don't know, can't":      "do n't ca n't",
		"well-known and well-read": "well-known well",
		"3.5 and 3.7":              "3.5 3",
		"Paris PARIS paris":        "Paris paris paris",
		"at five o'clock":          "o'clock",
		"Woman’s":                  "woman 's",
		"zzz qqq":                  "",
	}
	for in, want := range cases {
		if got := strings.Join(m.Tokens(in), " "); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", in, got, want)
		}
	}
	lm, _ := m.With(WithLowercase(true))
	if got := strings.Join(lm.Tokens("Paris"), " "); got != "paris" {
		t.Errorf("lowercase Tokens = %q", got)
	}
	if m.Tokens("bad \xff") != nil {
		t.Error("invalid UTF-8 gave tokens")
	}
}
