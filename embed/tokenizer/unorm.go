// This file implements NFD, NFKD, NFC and NFKC with the alignment change
// codes of the unicode-normalization-alignments crate the Rust library uses:
// data comes from golang.org/x/text/unicode/norm (less what that crate's
// Unicode 9.0 tables lack, see legacy_tables.go), the decomposition order
// and the recomposition state machine are reproduced here.

package tokenizer

import (
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	hangulBase  = 0xAC00
	hangulCount = 11172
	hangulL     = 0x1100
	hangulV     = 0x1161
	hangulT     = 0x11A7
	hangulNV    = 21
	hangulNT    = 28
)

// ccc returns the canonical combining class of r.
func ccc(r rune) uint8 {
	if r < 0x300 {
		return 0
	}
	if r < 0x10000 && charFlags(r)&flagCCC == 0 {
		return 0
	}
	return cccSlow(r)
}

func cccSlow(r rune) uint8 {
	if r < 0x300 {
		return 0
	}
	var b [4]byte
	k := utf8.EncodeRune(b[:], r)
	c := norm.NFD.Properties(b[:k]).CCC()
	if c != 0 && unicode.Is(newerCCC, r) {
		return 0 // unknown to the Rust crate's Unicode 9.0 tables
	}
	return c
}

// appendDecomposition appends the full canonical (or compatibility)
// decomposition of r to dst.
func appendDecomposition(dst []rune, r rune, compat bool) []rune {
	if r < 0xA0 || (!compat && r < 0xC0) {
		return append(dst, r)
	}
	if r >= hangulBase && r < hangulBase+hangulCount {
		s := r - hangulBase
		dst = append(dst, hangulL+s/(hangulNV*hangulNT), hangulV+(s%(hangulNV*hangulNT))/hangulNT)
		if t := s % hangulNT; t != 0 {
			dst = append(dst, hangulT+t)
		}
		return dst
	}
	var b [4]byte
	k := utf8.EncodeRune(b[:], r)
	f := norm.NFD
	if compat {
		f = norm.NFKD
	}
	d := f.Properties(b[:k]).Decomposition()
	if d == nil {
		return append(dst, r)
	}
	if (compat && unicode.Is(newerCompat, r)) || (!compat && unicode.Is(newerCanonical, r)) {
		return append(dst, r) // unknown to the Rust crate's Unicode 9.0 tables
	}
	for len(d) > 0 {
		x, sz := utf8.DecodeRune(d)
		dst = append(dst, x)
		d = d[sz:]
	}
	return dst
}

// decEntry is one rune of a decomposition stream.
type decEntry struct {
	r   rune
	ccc uint8
	ch  int32
}

// decomposeStream returns the decomposition of s with change codes: the
// first rune of each character's decomposition replaces it (0), the others
// are inserted (1); runs of non-starters are then stably sorted by combining
// class, their change codes travelling with them.
func (w *workspace) decomposeStream(s []byte, compat bool) []decEntry {
	out := w.dec[:0]
	pend := 0
	var tmp [20]rune
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRune(s[i:])
		i += sz
		for k, x := range appendDecomposition(tmp[:0], r, compat) {
			c := ccc(x)
			if c == 0 {
				sortPending(out[pend:])
				pend = len(out)
			}
			out = append(out, decEntry{x, c, int32(min(k, 1))})
		}
	}
	sortPending(out[pend:])
	w.dec = out
	return out
}

func sortPending(p []decEntry) {
	if len(p) < 2 {
		return
	}
	sorted := true
	for i := 1; i < len(p); i++ {
		if p[i].ccc < p[i-1].ccc {
			sorted = false
			break
		}
	}
	if !sorted {
		sort.SliceStable(p, func(a, b int) bool { return p[a].ccc < p[b].ccc })
	}
}

// hasDecomposition reports whether r decomposes (for the Rust crate).
func hasDecomposition(r rune, compat bool) bool {
	if r < 0xA0 || (!compat && r < 0xC0) {
		return false
	}
	if r < 0x10000 {
		f := charFlags(r)
		if compat {
			return f&flagDecompK != 0
		}
		return f&flagDecomp != 0
	}
	var tmp [20]rune
	d := appendDecomposition(tmp[:0], r, compat)
	return len(d) != 1 || d[0] != r
}

// isDecomposed reports whether decomposing s would change nothing: no
// character decomposes and combining marks are in canonical order.
func isDecomposed(s []byte, compat bool) bool {
	var last uint8
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			last = 0
			i++
			continue
		}
		r, sz := utf8.DecodeRune(s[i:])
		i += sz
		if hasDecomposition(r, compat) {
			return false
		}
		c := ccc(r)
		if c != 0 && last > c {
			return false
		}
		last = c
	}
	return true
}

// decompose applies NFD (or NFKD with compat).
func (w *workspace) decompose(n *nstr, compat bool) {
	if isDecomposed(n.s, compat) {
		return
	}
	ds := w.decomposeStream(n.s, compat)
	dest := w.rcs[:0]
	for _, d := range ds {
		dest = append(dest, rc{d.r, d.ch})
	}
	w.rcs = dest
	w.transform(n, dest, 0)
}

// recompose applies NFC (or NFKC with compat), reproducing the Rust
// Recompositions iterator and its change codes.
func (w *workspace) recompose(n *nstr, compat bool) {
	f := norm.NFC
	if compat {
		f = norm.NFKC
	}
	if f.IsNormal(n.s) {
		return
	}
	ds := w.decomposeStream(n.s, compat)
	dest := w.rcs[:0]
	var buf []rc
	var composee rc
	haveComposee := false
	lastCCC := -1
	for _, d := range ds {
		chClass := int(d.ccc)
		cur := rc{d.r, d.ch}
		if !haveComposee {
			if chClass != 0 {
				dest = append(dest, cur)
				continue
			}
			composee, haveComposee = cur, true
			continue
		}
		k := composee
		if lastCCC < 0 {
			if r, ok := composePair(k.r, d.r); ok {
				composee = rc{r, k.ch + d.ch - 1}
				continue
			}
			if chClass == 0 {
				composee = cur
				dest = append(dest, k)
				continue
			}
			buf = append(buf, cur)
			lastCCC = chClass
			continue
		}
		if lastCCC >= chClass {
			if chClass == 0 {
				composee = cur
				lastCCC = -1
				dest = append(dest, k)
				dest = append(dest, buf...)
				buf = buf[:0]
				continue
			}
			buf = append(buf, cur)
			lastCCC = chClass
			continue
		}
		if r, ok := composePair(k.r, d.r); ok {
			composee = rc{r, k.ch + d.ch - 1}
			continue
		}
		buf = append(buf, cur)
		lastCCC = chClass
	}
	if haveComposee {
		dest = append(dest, composee)
	}
	dest = append(dest, buf...)
	w.rcs = dest
	w.transform(n, dest, 0)
}

var (
	composeOnce  sync.Once
	composeTable map[[2]rune]rune
)

// composePair returns the primary composite of a and b, if any.
func composePair(a, b rune) (rune, bool) {
	// Hangul LV and LVT.
	if a >= hangulL && a < hangulL+19 && b >= hangulV && b < hangulV+hangulNV {
		return hangulBase + ((a-hangulL)*hangulNV+(b-hangulV))*hangulNT, true
	}
	if a >= hangulBase && a < hangulBase+hangulCount && (a-hangulBase)%hangulNT == 0 && b > hangulT && b < hangulT+hangulNT {
		return a + (b - hangulT), true
	}
	composeOnce.Do(buildComposeTable)
	r, ok := composeTable[[2]rune{a, b}]
	return r, ok
}

// buildComposeTable derives the canonical composition pairs from the
// normalization data: every rune that is its own NFC and decomposes into at
// least two runes composes from (NFC of all but its last decomposed rune,
// last rune).
func buildComposeTable() {
	composeTable = make(map[[2]rune]rune, 1024)
	var b [4]byte
	var ds []rune
	for r := rune(0xC0); r <= 0x10FFFF; r++ {
		if (r >= 0xD800 && r <= 0xDFFF) || (r >= hangulBase && r < hangulBase+hangulCount) {
			continue
		}
		k := utf8.EncodeRune(b[:], r)
		d := norm.NFD.Properties(b[:k]).Decomposition()
		if d == nil {
			continue
		}
		if !norm.NFC.IsNormal(b[:k]) || unicode.Is(newerCanonical, r) {
			continue
		}
		ds = ds[:0]
		for len(d) > 0 {
			x, sz := utf8.DecodeRune(d)
			ds = append(ds, x)
			d = d[sz:]
		}
		if len(ds) < 2 {
			continue
		}
		prefix := norm.NFC.String(string(ds[:len(ds)-1]))
		a, sz := utf8.DecodeRuneInString(prefix)
		if sz != len(prefix) {
			continue
		}
		composeTable[[2]rune{a, ds[len(ds)-1]}] = r
	}
}
