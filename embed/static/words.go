// This file holds the word splitter for word-vector files and the lookup
// of split words in the vocabulary, with its clitic and joiner fallbacks.

package static

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

func isJoiner(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '-' || r == '.' || r == ','
}

// SplitWords splits text into words: maximal runs of letters, digits
// (Unicode categories L and N) and combining marks (M), where a single
// apostrophe (' or ’), hyphen, period or comma between two such characters
// stays inside the word. The typographic apostrophe ’ is returned as '.
// All other characters separate words and are dropped. Case is kept.
//
// For example "Don't panic: it's 3.5 well-known km/h!" splits into
// "Don't", "panic", "it's", "3.5", "well-known", "km", "h".
func SplitWords(text string) []string {
	var out []string
	start := -1 // byte offset of the current word, -1 if none
	prevWord := false
	for i, r := range text {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			prevWord = true
		case isJoiner(r) && prevWord && start >= 0:
			// Keep only if followed by a word rune.
			next, _ := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
			if !isWordRune(next) {
				out = appendWord(out, text[start:i])
				start = -1
			}
			prevWord = false
		default:
			if start >= 0 {
				out = appendWord(out, text[start:i])
				start = -1
			}
			prevWord = false
		}
	}
	if start >= 0 {
		out = appendWord(out, text[start:])
	}
	return out
}

func appendWord(out []string, w string) []string {
	if strings.ContainsRune(w, '\u2019') {
		w = strings.ReplaceAll(w, "\u2019", "'")
	}
	return append(out, w)
}

// lookupWord appends the rows of word's known parts to rows and returns
// rows and the number of units the word counted as (for TextInfo.Words).
func (m *Model) lookupWord(rows []int32, w string) ([]int32, int) {
	if i, ok := m.find(w); ok {
		return append(rows, i), 1
	}
	if !strings.ContainsAny(w, "'-.,") {
		return rows, 1
	}
	// English clitics, as the Penn Treebank tokenizer splits them.
	if k := strings.LastIndexByte(w, '\''); k > 0 {
		lw := strings.ToLower(w)
		if strings.HasSuffix(lw, "n't") && k == len(w)-2 && k >= 2 {
			return m.lookupParts(rows, w[:k-1], w[k-1:])
		}
		switch lw[k:] {
		case "'s", "'re", "'ve", "'ll", "'d", "'m":
			return m.lookupParts(rows, w[:k], w[k:])
		}
	}
	n := 0
	for _, p := range strings.FieldsFunc(w, func(r rune) bool { return isJoiner(r) }) {
		var c int
		rows, c = m.lookupWord(rows, p)
		n += c
	}
	return rows, n
}

func (m *Model) lookupParts(rows []int32, parts ...string) ([]int32, int) {
	n := 0
	for _, p := range parts {
		var c int
		rows, c = m.lookupWord(rows, p)
		n += c
	}
	return rows, n
}

// find looks w up as written, then lowercased (lowercased only, with
// WithLowercase).
func (m *Model) find(w string) (int32, bool) {
	if !m.cfg.lowercase {
		if i, ok := m.index[w]; ok {
			return i, true
		}
	}
	lw := strings.ToLower(w)
	if lw == w && !m.cfg.lowercase {
		return 0, false
	}
	i, ok := m.index[lw]
	return i, ok
}

// Tokens returns the vocabulary entries a text's vector is built from, in
// order (unknown words are left out): the split, looked-up words for
// word-vector files, the tokenizer's tokens for Model2Vec models. It
// returns nil for text that is not valid UTF-8.
func (m *Model) Tokens(text string) []string {
	if !utf8.ValidString(text) {
		return nil
	}
	rows, _, err := m.rows(nil, text)
	if err != nil {
		return nil
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = m.vocab[r]
	}
	return out
}
