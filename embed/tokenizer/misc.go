// This file holds small components: the ByteLevel normalizer, the
// WordLevel model and Rust's lossy UTF-8 decoding.

package tokenizer

import (
	"fmt"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// byteLevelNormalizer is the ByteLevel normalizer: bytes to byte-level runes.
type byteLevelNormalizer struct{}

func (byteLevelNormalizer) normalize(w *workspace, n *nstr) {
	if len(n.s) > 0 {
		w.bytesToRunes(n)
	}
}

// wordLevel is the WordLevel model: whole pieces looked up, else unk.
type wordLevel struct {
	vocabTable
	unk string
}

func (m *wordLevel) vocabSize() int { return len(m.ids) }

func (m *wordLevel) tokenize(w *workspace, s []byte, out []token) ([]token, error) {
	if id, ok := m.ids[string(s)]; ok {
		return append(out, token{id: id, val: m.str(id, s), a: 0, b: len(s)}), nil
	}
	if id, ok := m.ids[m.unk]; ok {
		return append(out, token{id: id, val: m.unk, a: 0, b: len(s)}), nil
	}
	return out, fmt.Errorf("tokenizer: WordLevel unk token %s is not in the vocabulary: %w", quoteShort(m.unk), errs.ErrInvalidInput)
}

func parseWordLevel(o obj) (model, error) {
	v, err := parseVocabMap(o)
	if err != nil {
		return nil, err
	}
	m := &wordLevel{vocabTable: v}
	if m.unk, err = o.str("unk_token", "<unk>", false); err != nil {
		return nil, err
	}
	return m, nil
}

// lossyUTF8 decodes b like Rust's String::from_utf8_lossy: each maximal
// invalid subsequence becomes one U+FFFD.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, sz := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || sz > 1 {
			out = append(out, b[i:i+sz]...)
			i += sz
			continue
		}
		// Length of the maximal prefix of a valid sequence starting at i.
		c := b[i]
		n := 1
		lo, hi := byte(0x80), byte(0xBF)
		need := 0
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c == 0xE0:
			need, lo = 2, 0xA0
		case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
			need = 2
		case c == 0xED:
			need, hi = 2, 0x9F
		case c == 0xF0:
			need, lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			need = 3
		case c == 0xF4:
			need, hi = 3, 0x8F
		}
		for k := 0; k < need && i+n < len(b); k++ {
			x := b[i+n]
			if x < lo || x > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			n++
		}
		out = append(out, "\uFFFD"...)
		i += n
	}
	return string(out)
}
