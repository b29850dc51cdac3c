// This file holds the normalized string: a piece of the input after
// normalization, with the alignment of every normalized byte to the span of
// the original input it came from. Its operations reproduce the offset
// bookkeeping of the Hugging Face tokenizers crate exactly.

package tokenizer

import "unicode/utf8"

// span is a half-open byte range [s, e) in the original input.
type span struct{ s, e int32 }

// rc is one character of a transformation: the new rune and how it relates
// to the characters it replaces (0: replaces one, 1: inserted, -n: replaces
// one and removes n more), as in the Rust NormalizedString::transform.
type rc struct {
	r  rune
	ch int32
}

// nstr is a normalized piece of the input. s is the normalized text, al holds
// one original span per byte of s, and o0 is where the piece starts in the
// original input. A piece whose text was matched as an added token carries
// its token id in tok (tok >= 0); other pieces have tok == -1.
type nstr struct {
	s   []byte
	al  []span
	o0  int
	o1  int
	tok int
	tv  string // the token string when tok >= 0
}

// arena hands out byte and span storage for one encode call. Slices handed
// out stay valid until reset; a full chunk is replaced by a bigger one and the
// old one is left to the pieces that point into it.
type arena struct {
	b []byte
	a []span
}

func (ar *arena) reset() {
	ar.b = ar.b[:0]
	ar.a = ar.a[:0]
}

// commit copies b and a into the arena and returns the stable copies.
func (ar *arena) commit(b []byte, a []span) ([]byte, []span) {
	if len(ar.b)+len(b) > cap(ar.b) {
		c := 2 * cap(ar.b)
		if c < len(b)+1024 {
			c = len(b) + 1024
		}
		ar.b = make([]byte, 0, c)
	}
	if len(ar.a)+len(a) > cap(ar.a) {
		c := 2 * cap(ar.a)
		if c < len(a)+1024 {
			c = len(a) + 1024
		}
		ar.a = make([]span, 0, c)
	}
	i := len(ar.b)
	ar.b = append(ar.b, b...)
	j := len(ar.a)
	ar.a = append(ar.a, a...)
	return ar.b[i:len(ar.b):len(ar.b)], ar.a[j:len(ar.a):len(ar.a)]
}

// slice returns the sub-piece covering normalized bytes [a, b). The range
// must be non-empty and on character boundaries.
func (n *nstr) slice(a, b int) nstr {
	return nstr{s: n.s[a:b:b], al: n.al[a:b:b], o0: int(n.al[a].s), o1: int(n.al[b-1].e), tok: -1}
}

// transform replaces the whole normalized text with dest, following the
// change codes of each rune, exactly like NormalizedString::transform in the
// Rust crate (including its handling of zero-width alignments).
func (w *workspace) transform(n *nstr, dest []rc, initialOffset int) {
	// Range::Original(..) converted to a normalized range.
	if len(n.al) == 0 {
		if n.o1 > n.o0 {
			return // convert_offsets gives None: nothing happens
		}
	}
	start := len(n.al)
	for i, a := range n.al {
		if a.s != a.e {
			start = i
			break
		}
	}
	if len(n.al) == 0 {
		start = 0
	}
	end := len(n.s)
	old := n.s[start:end]
	// skip initialOffset chars
	pos := 0
	for k := 0; k < initialOffset && pos < len(old); k++ {
		_, sz := utf8.DecodeRune(old[pos:])
		pos += sz
	}
	offset := start + pos
	nb := w.tb[:0]
	na := w.ta[:0]
	nb = append(nb, n.s[:start]...)
	na = append(na, n.al[:start]...)
	for _, d := range dest {
		idx := offset
		var al span
		if d.ch > 0 {
			if idx < 1 {
				al = span{int32(n.o0), int32(n.o0)}
			} else {
				al = n.al[idx-1]
			}
		} else {
			if idx < len(n.al) {
				al = n.al[idx]
			} else if len(n.al) > 0 {
				al = n.al[len(n.al)-1]
			}
			// the replaced char
			if pos < len(old) {
				_, sz := utf8.DecodeRune(old[pos:])
				pos += sz
				offset += sz
			}
			for k := int32(0); k < -d.ch && pos < len(old); k++ {
				_, sz := utf8.DecodeRune(old[pos:])
				pos += sz
				offset += sz
			}
		}
		l := len(nb)
		nb = utf8.AppendRune(nb, d.r)
		for k := l; k < len(nb); k++ {
			na = append(na, al)
		}
	}
	w.tb, w.ta = nb, na
	n.s, n.al = w.ar.commit(nb, na)
}

// match is one piece of a pattern search: bytes [a, b) of a normalized text,
// and whether they matched.
type match struct {
	a, b int
	m    bool
}

// splitBehavior says what a split does with the matched delimiters.
type splitBehavior uint8

const (
	splitRemoved splitBehavior = iota
	splitIsolated
	splitMergedWithPrevious
	splitMergedWithNext
	splitContiguous
)

// matchRunes fills w.ms with the runs of n.s split at every rune for which f
// is true (each such rune is its own match), as the Rust char-predicate
// Pattern does.
func (w *workspace) matchRunes(s []byte, f func(rune) bool) []match {
	ms := w.ms[:0]
	if len(s) == 0 {
		ms = append(ms, match{0, 0, false})
		w.ms = ms
		return ms
	}
	last := 0
	for i := 0; i < len(s); {
		r, sz := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, sz = utf8.DecodeRune(s[i:])
		}
		if f(r) {
			if last < i {
				ms = append(ms, match{last, i, false})
			}
			ms = append(ms, match{i, i + sz, true})
			last = i + sz
		}
		i += sz
	}
	if last < len(s) {
		ms = append(ms, match{last, len(s), false})
	}
	w.ms = ms
	return ms
}

// splitBy splits n at the matches ms with the given behavior and appends the
// non-empty pieces to out.
func splitBy(n *nstr, ms []match, beh splitBehavior, out []nstr) []nstr {
	emit := func(a, b int) {
		if b > a {
			out = append(out, n.slice(a, b))
		}
	}
	switch beh {
	case splitIsolated:
		for _, m := range ms {
			emit(m.a, m.b)
		}
	case splitRemoved:
		for _, m := range ms {
			if !m.m {
				emit(m.a, m.b)
			}
		}
	case splitContiguous:
		prev := false
		a, b, have := 0, 0, false
		for _, m := range ms {
			if have && m.m == prev {
				b = m.b
			} else {
				if have {
					emit(a, b)
				}
				a, b, have = m.a, m.b, true
			}
			prev = m.m
		}
		if have {
			emit(a, b)
		}
	case splitMergedWithPrevious:
		prev := false
		a, b, have := 0, 0, false
		for _, m := range ms {
			if m.m && !prev && have {
				b = m.b
			} else {
				if have {
					emit(a, b)
				}
				a, b, have = m.a, m.b, true
			}
			prev = m.m
		}
		if have {
			emit(a, b)
		}
	case splitMergedWithNext:
		// A match sticks to the non-match piece that follows it.
		for i := 0; i < len(ms); i++ {
			if ms[i].m && i+1 < len(ms) && !ms[i+1].m {
				emit(ms[i].a, ms[i+1].b)
				i++
			} else {
				emit(ms[i].a, ms[i].b)
			}
		}
	}
	return out
}
