// This file builds the character classes of Split and Replace regexes as
// Oniguruma, the Rust library's regex engine, sees them: \p{..} general
// categories, \d and \w with Unicode 16.0.0 data (Go's tables are 15.0.0),
// written out as explicit ranges for Go's regexp.

package tokenizer

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// runeRange is an inclusive range of code points.
type runeRange struct{ lo, hi rune }

// runeSet is a sorted list of disjoint, non-adjacent ranges.
type runeSet []runeRange

// setOf returns the code points of the tables.
func setOf(tabs ...*unicode.RangeTable) runeSet {
	var s runeSet
	for _, t := range tabs {
		if t == nil {
			continue
		}
		var rs runeSet
		for _, g := range t.R16 {
			rs = appendStride(rs, rune(g.Lo), rune(g.Hi), rune(g.Stride))
		}
		for _, g := range t.R32 {
			rs = appendStride(rs, rune(g.Lo), rune(g.Hi), rune(g.Stride))
		}
		s = s.union(rs)
	}
	return s
}

func appendStride(s runeSet, lo, hi, stride rune) runeSet {
	if stride == 1 {
		return append(s, runeRange{lo, hi})
	}
	for r := lo; r <= hi; r += stride {
		s = append(s, runeRange{r, r})
	}
	return s
}

// union returns the code points in s or t.
func (s runeSet) union(t runeSet) runeSet {
	all := make(runeSet, 0, len(s)+len(t))
	i, j := 0, 0
	for i < len(s) || j < len(t) {
		var r runeRange
		if j == len(t) || (i < len(s) && s[i].lo <= t[j].lo) {
			r, i = s[i], i+1
		} else {
			r, j = t[j], j+1
		}
		if n := len(all); n > 0 && r.lo <= all[n-1].hi+1 {
			all[n-1].hi = max(all[n-1].hi, r.hi)
		} else {
			all = append(all, r)
		}
	}
	return all
}

// complement returns the code points not in s.
func (s runeSet) complement() runeSet {
	var c runeSet
	next := rune(0)
	for _, r := range s {
		if r.lo > next {
			c = append(c, runeRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		c = append(c, runeRange{next, unicode.MaxRune})
	}
	return c
}

// minus returns the code points in s but not in t.
func (s runeSet) minus(t runeSet) runeSet {
	return s.complement().union(t).complement()
}

// intersect returns the code points in both s and t.
func (s runeSet) intersect(t runeSet) runeSet {
	return s.complement().union(t.complement()).complement()
}

// apply returns s changed by a newer Unicode version's delta.
func (s runeSet) apply(d *uniDelta) runeSet {
	if d == nil {
		return s
	}
	return s.minus(setOf(d.remove)).union(setOf(d.add))
}

// writeTo writes the ranges in character-class syntax (without brackets).
func (s runeSet) writeTo(b *strings.Builder) {
	hex := func(r rune) {
		b.WriteString(`\x{`)
		b.WriteString(strconv.FormatInt(int64(r), 16))
		b.WriteByte('}')
	}
	for _, r := range s {
		hex(r.lo)
		if r.hi > r.lo {
			b.WriteByte('-')
			hex(r.hi)
		}
	}
}

// The general categories by their leaves, for the groups Oniguruma reads
// differently from Go: C includes the unassigned code points (Cn).
var (
	gcGroups = map[string][]string{
		"L":  {"Lu", "Ll", "Lt", "Lm", "Lo"},
		"LC": {"Lu", "Ll", "Lt"},
		"M":  {"Mn", "Mc", "Me"},
		"N":  {"Nd", "Nl", "No"},
		"P":  {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"},
		"S":  {"Sm", "Sc", "Sk", "So"},
		"Z":  {"Zs", "Zl", "Zp"},
	}
	gcLeaves = map[string]*unicode.RangeTable{
		"Lu": unicode.Lu, "Ll": unicode.Ll, "Lt": unicode.Lt, "Lm": unicode.Lm, "Lo": unicode.Lo,
		"Mn": unicode.Mn, "Mc": unicode.Mc, "Me": unicode.Me, "Nd": unicode.Nd, "Nl": unicode.Nl, "No": unicode.No,
		"Pc": unicode.Pc, "Pd": unicode.Pd, "Ps": unicode.Ps, "Pe": unicode.Pe, "Pi": unicode.Pi, "Pf": unicode.Pf,
		"Po": unicode.Po, "Sm": unicode.Sm, "Sc": unicode.Sc, "Sk": unicode.Sk, "So": unicode.So,
		"Zs": unicode.Zs, "Zl": unicode.Zl, "Zp": unicode.Zp, "Cc": unicode.Cc, "Cf": unicode.Cf,
		"Co": unicode.Co, "Cs": unicode.Cs,
	}
)

var (
	classMu    sync.Mutex
	classCache = map[string]runeSet{}
)

// onigClass returns the Unicode 16.0.0 code points of a general category
// (two-letter or one-letter name, LC, Cn) or of "word" (Oniguruma's \w),
// and whether the name is one of those.
func onigClass(name string) (runeSet, bool) {
	classMu.Lock()
	defer classMu.Unlock()
	return onigClassLocked(name)
}

func onigClassLocked(name string) (runeSet, bool) {
	if s, ok := classCache[name]; ok {
		return s, true
	}
	var s runeSet
	switch {
	case gcLeaves[name] != nil:
		s = setOf(gcLeaves[name]).apply(unicode16GC[name])
	case gcGroups[name] != nil:
		for _, l := range gcGroups[name] {
			t, _ := onigClassLocked(l)
			s = s.union(t)
		}
	case name == "C" || name == "Cn":
		for _, g := range []string{"L", "M", "N", "P", "S", "Z"} {
			t, _ := onigClassLocked(g)
			s = s.union(t)
		}
		s = s.complement()
		if name == "Cn" {
			for _, l := range []string{"Cc", "Cf", "Co", "Cs"} {
				t, _ := onigClassLocked(l)
				s = s.minus(t)
			}
		}
	case name == "word":
		// Alphabetic, marks, decimal digits and connector punctuation: \w
		// inside a bracketed class.
		s = setOf(unicode.L, unicode.Nl, unicode.Other_Alphabetic).apply(unicode16Alphabetic)
		for _, l := range []string{"M", "Nd", "Pc"} {
			t, _ := onigClassLocked(l)
			s = s.union(t)
		}
	case name == "word1":
		// \w outside brackets, which Oniguruma also matches on the Latin-1
		// Other_Number characters (superscripts and fractions), as observed
		// through the Rust library.
		w, _ := onigClassLocked("word")
		no, _ := onigClassLocked("No")
		s = w.union(no.intersect(runeSet{{0, 0xFF}}))
	default:
		return nil, false
	}
	classCache[name] = s
	return s, true
}

// onigCategory returns the short name of a general category as Oniguruma
// reads a property name (any case, spaces, '_' and '-' ignored, long or
// short), or "".
func onigCategory(name string) string {
	var b []byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == ' ' || c == '_' || c == '-':
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return gcNames[string(b)]
}

// gcNames maps the normalized long and short names of the general
// categories to the short ones.
var gcNames = map[string]string{
	"l": "L", "letter": "L", "lc": "LC", "casedletter": "LC", "lu": "Lu", "uppercaseletter": "Lu",
	"ll": "Ll", "lowercaseletter": "Ll", "lt": "Lt", "titlecaseletter": "Lt", "lm": "Lm", "modifierletter": "Lm",
	"lo": "Lo", "otherletter": "Lo",
	"m": "M", "mark": "M", "combiningmark": "M", "mn": "Mn", "nonspacingmark": "Mn", "mc": "Mc", "spacingmark": "Mc",
	"me": "Me", "enclosingmark": "Me",
	"n": "N", "number": "N", "nd": "Nd", "decimalnumber": "Nd", "nl": "Nl", "letternumber": "Nl", "no": "No", "othernumber": "No",
	"p": "P", "punctuation": "P", "pc": "Pc", "connectorpunctuation": "Pc", "pd": "Pd", "dashpunctuation": "Pd",
	"ps": "Ps", "openpunctuation": "Ps", "pe": "Pe", "closepunctuation": "Pe", "pi": "Pi", "initialpunctuation": "Pi",
	"pf": "Pf", "finalpunctuation": "Pf", "po": "Po", "otherpunctuation": "Po",
	"s": "S", "symbol": "S", "sm": "Sm", "mathsymbol": "Sm", "sc": "Sc", "currencysymbol": "Sc", "sk": "Sk",
	"modifiersymbol": "Sk", "so": "So", "othersymbol": "So",
	"z": "Z", "separator": "Z", "zs": "Zs", "spaceseparator": "Zs", "zl": "Zl", "lineseparator": "Zl",
	"zp": "Zp", "paragraphseparator": "Zp",
	"c": "C", "other": "C", "cc": "Cc", "control": "Cc", "cf": "Cf", "format": "Cf", "co": "Co", "privateuse": "Co",
	"cs": "Cs", "surrogate": "Cs", "cn": "Cn", "unassigned": "Cn",
}

// writeOnigClass writes the class name (negated if neg) for Go's regexp:
// the bare ranges inside a bracketed class, else in brackets.
func writeOnigClass(b *strings.Builder, name string, neg, inClass bool) {
	s, _ := onigClass(name)
	if neg {
		s = s.complement()
	}
	if !inClass {
		if len(s) == 0 {
			b.WriteString(`[^\x{0}-\x{10ffff}]`) // matches nothing
			return
		}
		b.WriteByte('[')
	}
	s.writeTo(b)
	if !inClass {
		b.WriteByte(']')
	}
}
