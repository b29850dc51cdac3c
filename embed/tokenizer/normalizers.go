// This file implements the normalizers of tokenizer.json: BertNormalizer,
// Lowercase, StripAccents, Strip, Prepend, Replace, Nmt, the Unicode
// normalization forms and Sequence (Precompiled lives in precompiled.go).

package tokenizer

import (
	"unicode/utf8"
)

// normalizer rewrites a piece of text in place, keeping alignments.
type normalizer interface {
	normalize(w *workspace, n *nstr)
}

// seqNormalizer runs normalizers one after another.
type seqNormalizer []normalizer

func (s seqNormalizer) normalize(w *workspace, n *nstr) {
	for _, x := range s {
		x.normalize(w, n)
	}
}

// bertNormalizer is BertNormalizer.
type bertNormalizer struct {
	cleanText, chinese, stripAccents, lowercase bool
}

func (b *bertNormalizer) normalize(w *workspace, n *nstr) {
	if b.cleanText {
		w.filter(n, func(r rune) bool { return !(r == 0 || r == 0xFFFD || isBertControl(r)) })
		w.mapRunes(n, func(r rune) rune {
			if isBertWhitespace(r) {
				return ' '
			}
			return r
		})
	}
	if b.chinese {
		w.padChinese(n)
	}
	if b.stripAccents {
		w.decompose(n, false)
		// Mn as of Unicode 8.0, like the Rust crate's unicode_categories.
		w.filter(n, func(r rune) bool { return !isLegacyMn(r) })
	}
	if b.lowercase {
		w.lowercase(n)
	}
}

// lowercaseNormalizer is Lowercase.
type lowercaseNormalizer struct{}

func (lowercaseNormalizer) normalize(w *workspace, n *nstr) { w.lowercase(n) }

// stripAccentsNormalizer is StripAccents: it removes combining marks (of
// Unicode 9.0, as the Rust crate's unicode-normalization-alignments sees
// them).
type stripAccentsNormalizer struct{}

func (stripAccentsNormalizer) normalize(w *workspace, n *nstr) {
	w.filter(n, func(r rune) bool { return !isLegacyMark(r) })
}

// stripNormalizer is Strip.
type stripNormalizer struct{ left, right bool }

func (s stripNormalizer) normalize(w *workspace, n *nstr) { w.lrstrip(n, s.left, s.right) }

// prependNormalizer is Prepend.
type prependNormalizer struct{ s string }

func (p prependNormalizer) normalize(w *workspace, n *nstr) {
	if len(n.s) > 0 {
		w.prepend(n, p.s)
	}
}

// unicodeNormalizer is NFC, NFD, NFKC or NFKD.
type unicodeNormalizer struct{ compat, compose bool }

func (u unicodeNormalizer) normalize(w *workspace, n *nstr) {
	if u.compose {
		w.recompose(n, u.compat)
	} else {
		w.decompose(n, u.compat)
	}
}

// nmtNormalizer is Nmt: it drops some control characters and maps other
// space-like characters to a space.
type nmtNormalizer struct{}

func (nmtNormalizer) normalize(w *workspace, n *nstr) {
	w.filter(n, func(r rune) bool {
		switch {
		case r >= 0x1 && r <= 0x8, r == 0xB, r >= 0xE && r <= 0x1F, r == 0x7F, r == 0x8F, r == 0x9F:
			return false
		}
		return true
	})
	w.mapRunes(n, func(r rune) rune {
		switch {
		case r == 0x9, r == 0xA, r == 0xC, r == 0xD, r == 0x1680, r >= 0x200B && r <= 0x200F,
			r == 0x2028, r == 0x2029, r == 0x2581, r == 0xFEFF, r == 0xFFFD:
			return ' '
		}
		return r
	})
}

// replaceNormalizer is Replace: every match of the pattern becomes content.
type replaceNormalizer struct {
	pat     pattern
	content string
}

func (p *replaceNormalizer) normalize(w *workspace, n *nstr) {
	ms := p.pat.find(w, n.s)
	w.replace(n, ms, p.content)
}

// filter keeps the runes for which keep is true.
func (w *workspace) filter(n *nstr, keep func(rune) bool) {
	s := n.s
	any := false
	for i := 0; i < len(s); {
		r, sz := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, sz = utf8.DecodeRune(s[i:])
		}
		if !keep(r) {
			any = true
			break
		}
		i += sz
	}
	if !any {
		return
	}
	dest := w.rcs[:0]
	removed := int32(0)
	removedStart := 0
	var last rune
	haveLast := false
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRune(s[i:])
		i += sz
		if keep(r) {
			if haveLast {
				dest = append(dest, rc{last, -removed})
			} else {
				removedStart = int(removed)
			}
			last, haveLast = r, true
			removed = 0
		} else {
			removed++
		}
	}
	if haveLast {
		dest = append(dest, rc{last, -removed})
	} else {
		removedStart = int(removed)
	}
	w.rcs = dest
	w.transform(n, dest, removedStart)
}

// mapRunes replaces every rune r by f(r).
func (w *workspace) mapRunes(n *nstr, f func(rune) rune) {
	s := n.s
	// In place when every mapped rune keeps its size; the bytes belong to
	// this piece alone.
	same := true
	changed := false
	for i := 0; i < len(s); {
		r, sz := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, sz = utf8.DecodeRune(s[i:])
		}
		m := f(r)
		if m != r {
			changed = true
			if utf8.RuneLen(m) != sz {
				same = false
				break
			}
		}
		i += sz
	}
	if !changed {
		return
	}
	if same {
		b := w.own(n)
		for i := 0; i < len(b); {
			r, sz := utf8.DecodeRune(b[i:])
			if m := f(r); m != r {
				utf8.EncodeRune(b[i:], m)
			}
			i += sz
		}
		return
	}
	dest := w.rcs[:0]
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRune(s[i:])
		dest = append(dest, rc{f(r), 0})
		i += sz
	}
	w.rcs = dest
	w.transform(n, dest, 0)
}

// own returns n.s for writing in place. Every piece's bytes live in the
// workspace arena and pieces never overlap, so this is always safe.
func (w *workspace) own(n *nstr) []byte { return n.s }

// lowercase applies Rust's char::to_lowercase to every rune.
func (w *workspace) lowercase(n *nstr) {
	s := n.s
	ascii := true
	need := false
	for _, c := range s {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			need = true
		}
	}
	if ascii {
		if need {
			b := w.own(n)
			for i, c := range b {
				if c >= 'A' && c <= 'Z' {
					b[i] = c + 32
				}
			}
		}
		return
	}
	dest := w.rcs[:0]
	var tmp [4]rune
	changed := false
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRune(s[i:])
		i += sz
		low := appendLower(tmp[:0], r)
		for k, c := range low {
			dest = append(dest, rc{c, int32(min(k, 1))})
		}
		if len(low) != 1 || low[0] != r {
			changed = true
		}
	}
	w.rcs = dest
	if changed {
		w.transform(n, dest, 0)
	}
}

// padChinese surrounds every CJK ideograph with spaces.
func (w *workspace) padChinese(n *nstr) {
	s := n.s
	found := false
	for i := 0; i < len(s); {
		if s[i] < 0xE3 {
			if s[i] < utf8.RuneSelf {
				i++
				continue
			}
		}
		r, sz := utf8.DecodeRune(s[i:])
		if isChinese(r) {
			found = true
			break
		}
		i += sz
	}
	if !found {
		return
	}
	dest := w.rcs[:0]
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRune(s[i:])
		i += sz
		if isChinese(r) {
			dest = append(dest, rc{' ', 0}, rc{r, 1}, rc{' ', 1})
		} else {
			dest = append(dest, rc{r, 0})
		}
	}
	w.rcs = dest
	w.transform(n, dest, 0)
}

// lrstrip removes leading and/or trailing whitespace.
func (w *workspace) lrstrip(n *nstr, left, right bool) {
	s := n.s
	lead, trail := 0, 0
	nchars := runeCount(s)
	if left {
		for i := 0; i < len(s); {
			r, sz := utf8.DecodeRune(s[i:])
			if !isSpace(r) {
				break
			}
			lead++
			i += sz
		}
	}
	if right {
		for j := len(s); j > 0; {
			r, sz := utf8.DecodeLastRune(s[:j])
			if !isSpace(r) {
				break
			}
			trail++
			j -= sz
		}
	}
	if lead == 0 && trail == 0 {
		return
	}
	dest := w.rcs[:0]
	i := 0
	for k := 0; k < len(s); {
		r, sz := utf8.DecodeRune(s[k:])
		k += sz
		switch {
		case i < lead || i >= nchars-trail:
		case i == len(s)-trail-1:
			// The Rust crate compares a char index with a byte length here.
			dest = append(dest, rc{r, -int32(trail)})
		default:
			dest = append(dest, rc{r, 0})
		}
		i++
	}
	w.rcs = dest
	w.transform(n, dest, lead)
}

// prepend puts s in front of the text; the new runes align with the first
// original character.
func (w *workspace) prepend(n *nstr, p string) {
	if len(n.s) == 0 {
		return
	}
	first, sz := utf8.DecodeRune(n.s)
	nb := w.tb[:0]
	na := w.ta[:0]
	al := n.al[0]
	alLast := n.al[sz-1]
	k := 0
	for _, r := range p {
		l := len(nb)
		nb = utf8.AppendRune(nb, r)
		a := al
		if k > 0 {
			a = alLast
		}
		for j := l; j < len(nb); j++ {
			na = append(na, a)
		}
		k++
	}
	_ = first
	l := len(nb)
	nb = append(nb, n.s[:sz]...)
	for j := l; j < len(nb); j++ {
		na = append(na, alLast)
	}
	nb = append(nb, n.s[sz:]...)
	na = append(na, n.al[sz:]...)
	w.tb, w.ta = nb, na
	n.s, n.al = w.ar.commit(nb, na)
}

// replace substitutes content for every match, with the alignment rules of
// NormalizedString::replace.
func (w *workspace) replace(n *nstr, ms []match, content string) {
	anyMatch := false
	for _, m := range ms {
		if m.m {
			anyMatch = true
			break
		}
	}
	if !anyMatch {
		return
	}
	nb := w.tb[:0]
	na := w.ta[:0]
	last := 0
	for _, m := range ms {
		if !m.m {
			continue
		}
		nb = append(nb, n.s[last:m.a]...)
		na = append(na, n.al[last:m.a]...)
		// Every inserted rune takes the alignment of the byte before the
		// end of the match (or the piece start when the match is empty at 0).
		idx := m.b
		var al span
		if idx < 1 {
			al = span{int32(n.o0), int32(n.o0)}
		} else {
			al = n.al[idx-1]
		}
		l := len(nb)
		nb = append(nb, content...)
		for j := l; j < len(nb); j++ {
			na = append(na, al)
		}
		last = m.b
	}
	nb = append(nb, n.s[last:]...)
	na = append(na, n.al[last:]...)
	w.tb, w.ta = nb, na
	n.s, n.al = w.ar.commit(nb, na)
}
