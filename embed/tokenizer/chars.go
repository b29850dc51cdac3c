// This file holds the character classes the Rust tokenizers crate uses,
// mapped onto Go's unicode tables.

package tokenizer

import "unicode"

// isSpace reports Rust's char::is_whitespace (the Unicode White_Space
// property); Go's unicode.IsSpace covers exactly the same set.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || (r >= '\t' && r <= '\r')
	}
	if r < 0x10000 {
		return charFlags(r)&flagSpace != 0
	}
	return false
}

// isBertWhitespace is BertNormalizer's whitespace test.
func isBertWhitespace(r rune) bool { return isSpace(r) }

// oldFormat lists the Cf (format) characters of the unicode_categories 0.1.1
// crate the Rust library uses; its tables predate Unicode 9, so characters
// that became Cf later are not in it.
var oldFormat = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00AD, 0x00AD, 1}, {0x0600, 0x0605, 1}, {0x061C, 0x061C, 1}, {0x06DD, 0x06DD, 1},
		{0x070F, 0x070F, 1}, {0x180E, 0x180E, 1}, {0x200B, 0x200F, 1}, {0x202A, 0x202E, 1},
		{0x2060, 0x2064, 1}, {0x2066, 0x206F, 1}, {0xFEFF, 0xFEFF, 1}, {0xFFF9, 0xFFFB, 1},
	},
	R32: []unicode.Range32{
		{0x110BD, 0x110BD, 1}, {0x1BCA0, 0x1BCA3, 1}, {0x1D173, 0x1D17A, 1},
		{0xE0001, 0xE0001, 1}, {0xE0020, 0xE007F, 1},
	},
}

// isBertControl is BertNormalizer's control test: "other" characters (Cc,
// Cf, Co) except tab, newline and carriage return.
func isBertControl(r rune) bool {
	if r < 0x10000 {
		return charFlags(r)&flagControl != 0
	}
	return isBertControlSlow(r)
}

func isBertControlSlow(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	if r < 0x20 || (r >= 0x7F && r <= 0x9F) {
		return true
	}
	if r < 0xA0 {
		return false
	}
	if (r >= 0xE000 && r <= 0xF8FF) || (r >= 0xF0000 && r <= 0xFFFFD) || (r >= 0x100000 && r <= 0x10FFFD) {
		return true
	}
	return unicode.Is(oldFormat, r)
}

// isPunct is the BERT and Punctuation pre-tokenizers' test: ASCII
// punctuation or a punctuation (P*) character of Unicode 8.0, the version
// the Rust crate's unicode_categories dependency ships.
func isPunct(r rune) bool {
	if r < 0x80 {
		return (r >= '!' && r <= '/') || (r >= ':' && r <= '@') || (r >= '[' && r <= '`') || (r >= '{' && r <= '~')
	}
	if r < 0x10000 {
		return charFlags(r)&flagPunct != 0
	}
	return unicode.Is(legacyP, r)
}

// isLegacyMn reports Mn as of Unicode 8.0 (BertNormalizer's accent test).
func isLegacyMn(r rune) bool {
	if r < 0x300 {
		return false
	}
	if r < 0x10000 {
		return charFlags(r)&flagMn != 0
	}
	return unicode.Is(legacyMn, r)
}

// isLegacyMark reports General_Category=Mark as of Unicode 9.0, the
// is_combining_mark of unicode-normalization-alignments that StripAccents
// uses: marks added later are kept, and U+1CF2/U+1CF3 (marks until Unicode
// 10.0) are removed.
func isLegacyMark(r rune) bool {
	if r < 0x300 {
		return false
	}
	if r < 0x10000 {
		return charFlags(r)&flagMark != 0
	}
	return unicode.Is(legacyMark, r)
}

// isChinese reports the CJK ideograph blocks BertNormalizer isolates.
func isChinese(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) ||
		(r >= 0x3400 && r <= 0x4DBF) ||
		(r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) ||
		(r >= 0x2B740 && r <= 0x2B81F) ||
		(r >= 0x2B920 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0x2F800 && r <= 0x2FA1F)
}

// isWordChar is the Unicode \w of Rust's regex crate (Unicode 16.0.0):
// Alphabetic, marks, decimal digits, connector punctuation and join
// controls.
func isWordChar(r rune) bool {
	if r < 0x80 {
		return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
	}
	return isWordChar16(r)
}

// isNumeric is Rust's char::is_numeric (Nd, Nl, No of Unicode 17.0.0).
func isNumeric(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9'
	}
	return isNumber17(r)
}

// appendLower appends Rust's char::to_lowercase(r) to dst: the simple
// lowercase mapping of Unicode 17.0.0 plus the one unconditional
// multi-rune mapping (U+0130).
func appendLower(dst []rune, r rune) []rune {
	if r == 0x130 {
		return append(dst, 'i', 0x307)
	}
	return append(dst, toLower17(r))
}

// runeCount counts the runes of valid UTF-8 without allocating (Go's
// utf8.RuneCount converts long non-ASCII tails to a string).
func runeCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}
