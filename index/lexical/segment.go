// This file holds the Unicode word segmentation of UAX #29 (Unicode
// 15.0.0, default rules WB1–WB999) that the analyzer splits text with; the
// Word_Break property comes from wordbreak_tables.go.

package lexical

import (
	"sort"
	"unicode/utf8"
)

// Word_Break property values (UAX #29 table 3); wbPict marks
// Extended_Pictographic on top of the value.
const (
	wbOther uint8 = iota
	wbCR
	wbLF
	wbNewline
	wbExtend
	wbZWJ
	wbRI
	wbFormat
	wbKatakana
	wbHebrew
	wbALetter
	wbSingleQuote
	wbDoubleQuote
	wbMidNumLet
	wbMidLetter
	wbMidNum
	wbNumeric
	wbExtendNumLet
	wbWSegSpace

	wbPict uint8 = 0x80
)

type wbRange struct {
	lo, hi rune
	v      uint8
}

// wbASCII is the property of each ASCII code point, filled from wbRanges.
var wbASCII [128]uint8

func init() {
	for r := rune(0); r < 128; r++ {
		wbASCII[r] = wbLookup(r)
	}
}

func wbLookup(r rune) uint8 {
	i := sort.Search(len(wbRanges), func(i int) bool { return wbRanges[i].hi >= r })
	if i < len(wbRanges) && wbRanges[i].lo <= r {
		return wbRanges[i].v
	}
	return wbOther
}

// wordBreak returns r's Word_Break value with the Extended_Pictographic bit.
func wordBreak(r rune) uint8 {
	if r < 128 {
		return wbASCII[r]
	}
	return wbLookup(r)
}

// segmenter holds the buffers of one segmentation; it is reused between
// texts.
type segmenter struct {
	props []uint8 // Word_Break of each rune, with wbPict
	offs  []int   // byte offset of each rune, and len(text) at the end
}

func ignorable(p uint8) bool {
	p &^= wbPict
	return p == wbExtend || p == wbFormat || p == wbZWJ
}

func isAHLetter(p uint8) bool { return p == wbALetter || p == wbHebrew }

func isMidNumLetQ(p uint8) bool { return p == wbMidNumLet || p == wbSingleQuote }

func isNewline(p uint8) bool { return p == wbCR || p == wbLF || p == wbNewline }

// segments calls emit with the byte range of every UAX #29 word segment of
// text, in order; together they cover the text. Invalid UTF-8 bytes count
// as U+FFFD, one segment-candidate rune each.
func (s *segmenter) segments(text string, emit func(start, end int)) {
	s.props, s.offs = s.props[:0], s.offs[:0]
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		s.props = append(s.props, wordBreak(r))
		s.offs = append(s.offs, i)
		i += size
	}
	n := len(s.props)
	if n == 0 {
		return
	}
	s.offs = append(s.offs, len(text))
	start := 0
	for i := 1; i < n; i++ {
		if s.breakBefore(i) {
			emit(s.offs[start], s.offs[i])
			start = i
		}
	}
	emit(s.offs[start], s.offs[n])
}

// prevBase returns the index of the rune that WB4 makes stand for the runes
// before position i: the last one before i that is not Extend, Format or
// ZWJ, unless it is at the start or a newline, in which case i-1 itself.
func (s *segmenter) prevBase(i int) int {
	j := i - 1
	for j >= 0 && ignorable(s.props[j]) {
		j--
	}
	if j < 0 || isNewline(s.props[j]&^wbPict) {
		return -1 // the ignorables are not attached: i-1 stands alone
	}
	return j
}

// nextBase returns the index of the first rune after i (exclusive) that is
// not Extend, Format or ZWJ, or -1.
func (s *segmenter) nextBase(i int) int {
	for j := i + 1; j < len(s.props); j++ {
		if !ignorable(s.props[j]) {
			return j
		}
	}
	return -1
}

// breakBefore reports whether there is a word boundary between rune i-1
// and rune i.
func (s *segmenter) breakBefore(i int) bool {
	a, b := s.props[i-1]&^wbPict, s.props[i]&^wbPict
	switch {
	case a == wbCR && b == wbLF: // WB3
		return false
	case isNewline(a) || isNewline(b): // WB3a, WB3b
		return true
	case a == wbZWJ && s.props[i]&wbPict != 0: // WB3c
		return false
	case a == wbWSegSpace && b == wbWSegSpace: // WB3d
		return false
	case ignorable(b): // WB4
		return false
	}
	pi := s.prevBase(i)
	if pi < 0 {
		return true // an unattached Extend/Format/ZWJ before: WB999
	}
	p := s.props[pi] &^ wbPict
	next := func() uint8 {
		if j := s.nextBase(i); j >= 0 {
			return s.props[j] &^ wbPict
		}
		return 0xff
	}
	prev2 := func() uint8 {
		if j := s.prevBase(pi); j >= 0 {
			return s.props[j] &^ wbPict
		}
		return 0xff
	}
	switch {
	case isAHLetter(p) && isAHLetter(b): // WB5
		return false
	case isAHLetter(p) && (b == wbMidLetter || isMidNumLetQ(b)) && isAHLetter(next()): // WB6
		return false
	case (p == wbMidLetter || isMidNumLetQ(p)) && isAHLetter(b) && isAHLetter(prev2()): // WB7
		return false
	case p == wbHebrew && b == wbSingleQuote: // WB7a
		return false
	case p == wbHebrew && b == wbDoubleQuote && next() == wbHebrew: // WB7b
		return false
	case p == wbDoubleQuote && b == wbHebrew && prev2() == wbHebrew: // WB7c
		return false
	case p == wbNumeric && b == wbNumeric: // WB8
		return false
	case isAHLetter(p) && b == wbNumeric: // WB9
		return false
	case p == wbNumeric && isAHLetter(b): // WB10
		return false
	case (p == wbMidNum || isMidNumLetQ(p)) && b == wbNumeric && prev2() == wbNumeric: // WB11
		return false
	case p == wbNumeric && (b == wbMidNum || isMidNumLetQ(b)) && next() == wbNumeric: // WB12
		return false
	case p == wbKatakana && b == wbKatakana: // WB13
		return false
	case (isAHLetter(p) || p == wbNumeric || p == wbKatakana || p == wbExtendNumLet) && b == wbExtendNumLet: // WB13a
		return false
	case p == wbExtendNumLet && (isAHLetter(b) || b == wbNumeric || b == wbKatakana): // WB13b
		return false
	case p == wbRI && b == wbRI: // WB15, WB16: break after an even run of RIs
		count := 0
		for j := pi; j >= 0; j = s.prevBase(j) {
			if s.props[j]&^wbPict != wbRI {
				break
			}
			count++
		}
		return count%2 == 0
	}
	return true // WB999
}
