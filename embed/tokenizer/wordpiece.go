// This file implements the WordPiece model: greedy longest-match-first
// subwords with a continuing prefix, and one unknown token for a word that
// cannot be split or is too long.

package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// wordPiece is the WordPiece model.
type wordPiece struct {
	vocabTable
	unk      string
	unkID    int
	hasUnk   bool
	prefix   string
	maxChars int
}

func (m *wordPiece) vocabSize() int { return len(m.ids) }

func (m *wordPiece) tokenize(w *workspace, s []byte, out []token) ([]token, error) {
	unkTok := func() ([]token, error) {
		if !m.hasUnk {
			return out, fmt.Errorf("%w: WordPiece unk token %q is not in the vocabulary", ErrEncode, m.unk)
		}
		return append(out, token{id: m.unkID, val: m.unk, a: 0, b: len(s)}), nil
	}
	if utf8.RuneCount(s) > m.maxChars {
		return unkTok()
	}
	base := len(out)
	buf := w.wb[:0]
	start := 0
	for start < len(s) {
		end := len(s)
		found := false
		for start < end {
			var id int
			var ok bool
			if start > 0 {
				buf = append(buf[:0], m.prefix...)
				buf = append(buf, s[start:end]...)
				id, ok = m.ids[string(buf)]
				if ok {
					out = append(out, token{id: id, val: m.str(id, buf), a: start, b: end})
				}
			} else {
				id, ok = m.ids[string(s[start:end])]
				if ok {
					out = append(out, token{id: id, val: m.str(id, s[start:end]), a: start, b: end})
				}
			}
			if ok {
				found = true
				break
			}
			_, sz := utf8.DecodeLastRune(s[start:end])
			end -= sz
		}
		if !found {
			w.wb = buf
			return unkTok2(m, out[:base], len(s))
		}
		start = end
	}
	w.wb = buf
	return out, nil
}

func unkTok2(m *wordPiece, out []token, n int) ([]token, error) {
	if !m.hasUnk {
		return out, fmt.Errorf("%w: WordPiece unk token %q is not in the vocabulary", ErrEncode, m.unk)
	}
	return append(out, token{id: m.unkID, val: m.unk, a: 0, b: n}), nil
}
