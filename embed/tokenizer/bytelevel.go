// This file implements the ByteLevel pre-tokenizer (GPT-2 style): an
// optional prefix space, the GPT-2 split pattern written out by hand (Go's
// regexp has no lookahead), and the mapping of every byte to a printable rune.

package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// byteRunes maps each byte to the rune GPT-2's byte-level alphabet uses for
// it; runeBytes is the reverse (-1 for runes outside the alphabet).
var (
	byteRunes [256]rune
	runeBytes map[rune]byte
	// byteRuneUTF8 holds the UTF-8 encoding of byteRunes[b].
	byteRuneUTF8 [256]string
)

func init() {
	n := 0
	runeBytes = make(map[rune]byte, 256)
	for b := 0; b < 256; b++ {
		keep := (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)
		if keep {
			byteRunes[b] = rune(b)
		} else {
			byteRunes[b] = rune(256 + n)
			n++
		}
		runeBytes[byteRunes[b]] = byte(b)
		byteRuneUTF8[b] = string(byteRunes[b])
	}
}

// byteLevelPreTokenizer is the ByteLevel pre-tokenizer.
type byteLevelPreTokenizer struct {
	addPrefixSpace bool
	useRegex       bool
}

func (b *byteLevelPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	start := len(out)
	out = eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		if b.addPrefixSpace && (len(n.s) == 0 || n.s[0] != ' ') {
			w.prepend(n, " ")
		}
		if !b.useRegex {
			if len(n.s) > 0 {
				out = append(out, *n)
			}
			return out
		}
		return splitBy(n, gpt2Matches(w, n.s), splitIsolated, out)
	})
	for i := start; i < len(out); i++ {
		if out[i].tok < 0 {
			w.bytesToRunes(&out[i])
		}
	}
	return out
}

// bytesToRunes replaces every byte of the text by its byte-level rune; all
// the runes from one character align with that character.
func (w *workspace) bytesToRunes(n *nstr) {
	nb := w.tb[:0]
	na := w.ta[:0]
	s := n.s
	for i := 0; i < len(s); {
		sz := 1
		if s[i] >= utf8.RuneSelf {
			_, sz = utf8.DecodeRune(s[i:])
		}
		first := n.al[i]
		last := n.al[i+sz-1]
		for k := 0; k < sz; k++ {
			l := len(nb)
			nb = append(nb, byteRuneUTF8[s[i+k]]...)
			a := first
			if k > 0 {
				a = last
			}
			for j := l; j < len(nb); j++ {
				na = append(na, a)
			}
		}
		i += sz
	}
	w.tb, w.ta = nb, na
	n.s, n.al = w.ar.commit(nb, na)
}

// gpt2Matches splits s like the GPT-2 pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// run with Oniguruma's leftmost-first alternation. Every character matches
// one alternative, so the matches tile the text.
func gpt2Matches(w *workspace, s []byte) []match {
	ms := w.ms[:0]
	if len(s) == 0 {
		ms = append(ms, match{0, 0, false})
		w.ms = ms
		return ms
	}
	dec := func(i int) (rune, int) {
		if i >= len(s) {
			return -1, 0
		}
		if s[i] < utf8.RuneSelf {
			return rune(s[i]), 1
		}
		return utf8.DecodeRune(s[i:])
	}
	class := func(r rune) int { // 1 letter, 2 number, 3 space, 4 other
		switch {
		case r < 0:
			return 0
		case r < 0x80:
			switch {
			case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
				return 1
			case r >= '0' && r <= '9':
				return 2
			case r == ' ' || (r >= '\t' && r <= '\r'):
				return 3
			}
			return 4
		case isLetter16(r): // Oniguruma's Unicode 16.0.0 \p{L}
			return 1
		case isNumber16(r):
			return 2
		case unicode.IsSpace(r):
			return 3
		}
		return 4
	}
	run := func(i, c int) int { // end of the run of class c starting at i
		for i < len(s) {
			r, sz := dec(i)
			if class(r) != c {
				break
			}
			i += sz
		}
		return i
	}
	i := 0
	for i < len(s) {
		end := -1
		r, sz := dec(i)
		if r == '\'' && i+1 < len(s) {
			switch s[i+1] {
			case 's', 't', 'm', 'd':
				end = i + 2
			case 'r', 'v':
				if i+2 < len(s) && s[i+2] == 'e' {
					end = i + 3
				}
			case 'l':
				if i+2 < len(s) && s[i+2] == 'l' {
					end = i + 3
				}
			}
		}
		if end < 0 {
			j := i
			if r == ' ' {
				j = i + 1
			}
			r2, _ := dec(j)
			if c := class(r2); c == 1 || c == 2 || c == 4 {
				end = run(j, c)
			}
		}
		if end < 0 {
			// whitespace: \s+(?!\S) then \s+
			e := run(i, 3)
			if e == len(s) {
				end = e
			} else {
				// back off one character so the run is followed by a space
				_, lsz := utf8.DecodeLastRune(s[:e])
				if e-lsz > i {
					end = e - lsz
				} else {
					end = e
				}
			}
		}
		_ = sz
		ms = append(ms, match{i, end, true})
		i = end
	}
	w.ms = ms
	return ms
}
