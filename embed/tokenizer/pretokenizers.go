// This file implements the pre-tokenizers of tokenizer.json:
// BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits,
// Metaspace, Split and Sequence (ByteLevel lives in bytelevel.go).

package tokenizer

import (
	"unicode/utf8"
)

// preTokenizer splits the pieces that are not yet tokens into smaller
// pieces, appending them to out.
type preTokenizer interface {
	preTokenize(w *workspace, in []nstr, out []nstr) []nstr
}

// eachPiece runs f on every piece of in that is not an added token, passing
// token pieces through unchanged.
func eachPiece(in, out []nstr, f func(n *nstr, out []nstr) []nstr) []nstr {
	for i := range in {
		if in[i].tok >= 0 {
			out = append(out, in[i])
			continue
		}
		out = f(&in[i], out)
	}
	return out
}

// seqPreTokenizer runs pre-tokenizers one after another.
type seqPreTokenizer []preTokenizer

func (s seqPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	if len(s) == 0 {
		return append(out, in...)
	}
	cur, slot := in, -1
	for i, p := range s {
		var dst []nstr
		k := -1
		if i == len(s)-1 {
			dst = out
		} else {
			k = w.pnext
			dst = w.newPieces()
		}
		next := p.preTokenize(w, cur, dst)
		w.keepPieces(slot, cur) // read by p, no longer used
		cur, slot = next, k
	}
	return cur
}

// bertPreTokenizer splits on whitespace (removed) and isolates punctuation.
type bertPreTokenizer struct{}

func (bertPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		s := n.s
		start := 0
		for i := 0; i < len(s); {
			r, sz := rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, sz = utf8.DecodeRune(s[i:])
			}
			if isSpace(r) {
				if start < i {
					out = append(out, n.slice(start, i))
				}
				start = i + sz
			} else if isPunct(r) {
				if start < i {
					out = append(out, n.slice(start, i))
				}
				out = append(out, n.slice(i, i+sz))
				start = i + sz
			}
			i += sz
		}
		if start < len(s) {
			out = append(out, n.slice(start, len(s)))
		}
		return out
	})
}

// whitespaceSplitPreTokenizer splits on whitespace, removing it.
type whitespaceSplitPreTokenizer struct{}

func (whitespaceSplitPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		return splitBy(n, w.matchRunes(n.s, isSpace), splitRemoved, out)
	})
}

// whitespacePreTokenizer keeps runs of word characters and runs of other
// non-space characters (the regex \w+|[^\w\s]+), dropping whitespace.
type whitespacePreTokenizer struct{}

func (whitespacePreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		s := n.s
		start, cls := 0, 0 // 0 none, 1 word, 2 other
		for i := 0; i < len(s); {
			r, sz := utf8.DecodeRune(s[i:])
			c := 2
			if isWordChar(r) {
				c = 1
			} else if isSpace(r) {
				c = 0
			}
			if c != cls {
				if cls != 0 && start < i {
					out = append(out, n.slice(start, i))
				}
				start, cls = i, c
			}
			i += sz
		}
		if cls != 0 && start < len(s) {
			out = append(out, n.slice(start, len(s)))
		}
		return out
	})
}

// punctuationPreTokenizer splits on punctuation with a behavior.
type punctuationPreTokenizer struct{ beh splitBehavior }

func (p punctuationPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		return splitBy(n, w.matchRunes(n.s, isPunct), p.beh, out)
	})
}

// digitsPreTokenizer splits digits from the rest, one by one or in runs.
type digitsPreTokenizer struct{ individual bool }

func (d digitsPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	beh := splitContiguous
	if d.individual {
		beh = splitIsolated
	}
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		return splitBy(n, w.matchRunes(n.s, isNumeric), beh, out)
	})
}

// prependScheme is Metaspace's prepend_scheme.
type prependScheme uint8

const (
	prependAlways prependScheme = iota
	prependFirst
	prependNever
)

// metaspacePreTokenizer is Metaspace: spaces become the replacement rune, a
// replacement is prepended by scheme, and the text is split before each
// replacement.
type metaspacePreTokenizer struct {
	repl   rune
	rep    string
	scheme prependScheme
	split  bool
}

func (m *metaspacePreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		w.replace(n, w.matchRunes(n.s, func(r rune) bool { return r == ' ' }), m.rep)
		first, _ := utf8.DecodeRune(n.s)
		switch m.scheme {
		case prependAlways:
			if len(n.s) == 0 || first != m.repl {
				w.prepend(n, m.rep)
			}
		case prependFirst:
			if (len(n.s) == 0 || first != m.repl) && n.o0 == 0 {
				w.prepend(n, m.rep)
			}
		}
		if !m.split {
			if len(n.s) > 0 {
				out = append(out, *n)
			}
			return out
		}
		return splitBy(n, w.matchRunes(n.s, func(r rune) bool { return r == m.repl }), splitMergedWithNext, out)
	})
}

// splitPreTokenizer is Split: a string or regex pattern with a behavior,
// optionally inverted.
type splitPreTokenizer struct {
	pat    pattern
	beh    splitBehavior
	invert bool
}

func (p *splitPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		ms := p.pat.find(w, n.s)
		if p.invert {
			for i := range ms {
				ms[i].m = !ms[i].m
			}
		}
		return splitBy(n, ms, p.beh, out)
	})
}

// fixedLengthPreTokenizer is FixedLength: pieces of length runes.
type fixedLengthPreTokenizer struct{ length int }

func (f fixedLengthPreTokenizer) preTokenize(w *workspace, in, out []nstr) []nstr {
	return eachPiece(in, out, func(n *nstr, out []nstr) []nstr {
		s := n.s
		if f.length <= 0 {
			// The Rust crate panics on chunks of 0; keep the piece whole.
			if len(s) > 0 {
				out = append(out, *n)
			}
			return out
		}
		start, k := 0, 0
		for i := 0; i < len(s); {
			_, sz := utf8.DecodeRune(s[i:])
			i += sz
			k++
			if k == f.length || i == len(s) {
				out = append(out, n.slice(start, i))
				start, k = i, 0
			}
		}
		return out
	})
}
