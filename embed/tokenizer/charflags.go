// This file holds a lookup table of character classes for the Basic
// Multilingual Plane, built once on first use, so that the per-character
// tests of the hot paths are one array read instead of a table search.

package tokenizer

import (
	"sync"
	"unicode"
)

const (
	flagSpace   = 1 << iota // Rust char::is_whitespace
	flagPunct               // BERT punctuation (Unicode 8.0 P*)
	flagMn                  // Unicode 8.0 Mn
	flagCCC                 // nonzero canonical combining class (as the Rust crate sees it)
	flagControl             // BertNormalizer control
	flagDecomp              // has a canonical decomposition (for the Rust crate)
	flagDecompK             // has a compatibility or canonical decomposition
	flagMark                // Unicode 9.0 Mark (StripAccents)
)

var (
	bmpOnce  sync.Once
	bmpFlags *[0x10000]uint8
	bmpGCB   *[0x10000]gcbClass
)

func buildBMPFlags() {
	t := new([0x10000]uint8)
	g := new([0x10000]gcbClass)
	for r := rune(0); r < 0x10000; r++ {
		g[r] = gcbSlow(r)
		var f uint8
		if unicode.IsSpace(r) {
			f |= flagSpace
		}
		if r < 0x80 {
			if isPunct(r) {
				f |= flagPunct
			}
		} else if unicode.Is(legacyP, r) {
			f |= flagPunct
		}
		if unicode.Is(legacyMn, r) {
			f |= flagMn
		}
		if unicode.Is(legacyMark, r) {
			f |= flagMark
		}
		if (r < 0xD800 || r > 0xDFFF) && cccSlow(r) != 0 {
			f |= flagCCC
		}
		if isBertControlSlow(r) {
			f |= flagControl
		}
		if r < 0xD800 || r > 0xDFFF {
			var tmp [20]rune
			if d := appendDecomposition(tmp[:0], r, false); len(d) != 1 || d[0] != r {
				f |= flagDecomp
			}
			if d := appendDecomposition(tmp[:0], r, true); len(d) != 1 || d[0] != r {
				f |= flagDecompK
			}
		}
		t[r] = f
	}
	bmpFlags = t
	bmpGCB = g
}

// charFlags returns the class bits of a BMP rune.
func charFlags(r rune) uint8 {
	bmpOnce.Do(buildBMPFlags)
	return bmpFlags[r]
}
