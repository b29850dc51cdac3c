// This file applies the newer Unicode data of unicode_tables.go to Go's
// Unicode 15.0.0 tables: the character classes and lowercase mapping the
// Rust tokenizers library gets from Unicode 16.0.0 (Oniguruma, regex crate)
// and 17.0.0 (the Rust standard library). A bitmap of the 256-code-point
// pages that hold any change keeps the common case to one array read.

package tokenizer

import (
	"sort"
	"unicode"
)

// uniDelta is how a newer Unicode version changes a set: the code points
// it adds to Go's table and those it removes (nil for none).
type uniDelta struct{ add, remove *unicode.RangeTable }

// runePair maps a code point to another.
type runePair struct{ from, to rune }

// adjust turns Go's answer for r into the newer version's.
func (d *uniDelta) adjust(goHas bool, r rune) bool {
	if d == nil {
		return goHas
	}
	if goHas {
		return d.remove == nil || !unicode.Is(d.remove, r)
	}
	return d.add != nil && unicode.Is(d.add, r)
}

var (
	letter16  = unicode16GC["L"]
	number16  = unicode16GC["N"]
	mark16    = unicode16GC["M"]
	digit16   = unicode16GC["Nd"]
	connect16 = unicode16GC["Pc"]
)

// newerPages has a bit set for each page (r>>8) holding a code point that
// any table of unicode_tables.go changes.
var newerPages [(unicode.MaxRune + 1) >> 11]uint8

func init() {
	mark := func(t *unicode.RangeTable) {
		if t == nil {
			return
		}
		for _, g := range t.R16 {
			for p := rune(g.Lo) >> 8; p <= rune(g.Hi)>>8; p++ {
				newerPages[p>>3] |= 1 << (p & 7)
			}
		}
		for _, g := range t.R32 {
			for p := rune(g.Lo) >> 8; p <= rune(g.Hi)>>8; p++ {
				newerPages[p>>3] |= 1 << (p & 7)
			}
		}
	}
	for _, d := range unicode16GC {
		mark(d.add)
		mark(d.remove)
	}
	for _, d := range []*uniDelta{unicode16Alphabetic, unicode17Number} {
		mark(d.add)
		mark(d.remove)
	}
	for _, p := range unicode17Lower {
		newerPages[p.from>>11] |= 1 << (p.from >> 8 & 7)
	}
}

// newer reports whether r lies on a page some newer table changes.
func newer(r rune) bool {
	p := uint32(r) >> 8
	return p < uint32(len(newerPages))*8 && newerPages[p>>3]&(1<<(p&7)) != 0
}

// isLetter16 reports General_Category=Letter as of Unicode 16.0.0
// (Oniguruma's \p{L}).
func isLetter16(r rune) bool {
	if newer(r) {
		return letter16.adjust(unicode.IsLetter(r), r)
	}
	return unicode.IsLetter(r)
}

// isNumber16 reports General_Category=Number as of Unicode 16.0.0
// (Oniguruma's \p{N}).
func isNumber16(r rune) bool {
	if newer(r) {
		return number16.adjust(unicode.IsNumber(r), r)
	}
	return unicode.IsNumber(r)
}

// isWordChar16 is the \w of Rust's regex crate (Unicode 16.0.0):
// Alphabetic, marks, decimal digits, connector punctuation and join
// controls.
func isWordChar16(r rune) bool {
	if !newer(r) {
		return isWordChar15(r)
	}
	return unicode16Alphabetic.adjust(unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r), r) ||
		mark16.adjust(unicode.IsMark(r), r) || digit16.adjust(unicode.Is(unicode.Nd, r), r) ||
		connect16.adjust(unicode.Is(unicode.Pc, r), r) || r == 0x200C || r == 0x200D
}

// isWordChar15 is isWordChar16 with Go's tables.
func isWordChar15(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r) ||
		unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r) || r == 0x200C || r == 0x200D
}

// isNumber17 reports General_Category=Number as of Unicode 17.0.0 (Rust's
// char::is_numeric).
func isNumber17(r rune) bool {
	if newer(r) {
		return unicode17Number.adjust(unicode.IsNumber(r), r)
	}
	return unicode.IsNumber(r)
}

// toLower17 is the simple lowercase mapping of Unicode 17.0.0.
func toLower17(r rune) rune {
	if newer(r) {
		i := sort.Search(len(unicode17Lower), func(i int) bool { return unicode17Lower[i].from >= r })
		if i < len(unicode17Lower) && unicode17Lower[i].from == r {
			return unicode17Lower[i].to
		}
	}
	return unicode.ToLower(r)
}
