// strip.go reproduces the text preparation sentence-transformers applies
// before tokenizing: Python's str.strip() and, when configured, str.lower().

package transformer

import (
	"strings"
	"unicode"
)

// isPySpace reports whether Python's str.isspace() holds for r: Unicode
// White_Space plus the information separators U+001C..U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip trims leading and trailing whitespace as Python's str.strip()
// with no argument does.
func pyStrip(s string) string {
	return strings.TrimFunc(s, isPySpace)
}
