// This file encodes long texts chunk by chunk, cutting them at spaces where
// the tokenizer provably cannot join anything across the cut, so that a
// truncated encoding stops reading once it has enough tokens, and a full
// one needs memory for one chunk at a time besides its result. The result
// is always the one of encoding the text whole (encodeWhole); the argument
// is below, next to what it relies on.

package tokenizer

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Why chunks encode like the whole text.
//
// The pipeline for one text is: (1) added tokens matched in the raw text
// split it into pieces; (2) the normalizer runs on each piece that is not a
// token; (3) added tokens matched in normalized text split those pieces;
// (4) the pre-tokenizer splits them further; (5) the model encodes each
// final piece on its own, and the offsets of its tokens come from the
// alignments of the piece, which hold original byte offsets. Cut the text
// at byte p into A = text[:p] and B = text[p:], run (1)-(3) on each, and
// run (4)-(5) on A's pieces followed by B's. The tokens are those of the
// whole text when the final pieces of A followed by those of B are the
// final pieces of the whole text, which holds when each stage maps "A then
// B" to its output on A followed by its output on B. Every cut is at an
// ASCII space (text[p] == ' '), and each stage is checked as follows.
//
// (1) Raw added tokens. A match crossing p would contain text[p-1]
// text[p] = "x ", and planChunks admits no added token with a space after
// its first byte (static). So the matches are the same, found in the same
// leftmost-longest order. What a match does to its neighbours (single_word
// looks at the next and previous characters, lstrip and rstrip swallow
// whitespace) only reaches across p for a match that ends at p or, after
// lstrip, starts there: the cut is refused when A's last piece or B's first
// piece is a token (dynamic). An lstrip match further into B whose
// whitespace reaches back to p would, in the whole text, go on into A if A
// ended with whitespace, so with lstrip tokens A must not (dynamic); the
// whitespace an rstrip match swallows up to p makes it A's last piece.
//
// (2) Normalizers. The piece of the whole text that spans p is normalized
// as A's last piece and B's first; planChunks admits normalizers that
// commute with a cut before a space, each under a condition checked on its
// actual input while both chunks are normalized step by step (dynamic):
//   - per-character ones (Lowercase, StripAccents, Nmt, and BertNormalizer,
//     whose only cross-character step is NFD reordering, which stops at
//     the starter ' '): the next step's input still starts with ' ';
//   - NFC, NFD, NFKC, NFKD: B's input starts with ' ', a starter that
//     composes with nothing on either side and ends every reordering run;
//   - Precompiled, which maps grapheme clusters: B's input starts with ' '
//     and A's input does not end with a Prepend character, the only kind
//     that joins the cluster after it to its own (UAX #29 GB9b; ' ' is
//     neither Extend, ZWJ nor SpacingMark, so nothing else keeps a cluster
//     going across p). One quirk is not local: when a piece starts with
//     characters mapped to nothing, the Rust crate loses their removal and
//     every later alignment of the piece comes from that many characters
//     earlier; so A's last piece must not start that way (B's first piece
//     starts with ' ', which is checked to stay);
//   - Replace, whose pattern is cross-safe (crossSafe: no match can read a
//     non-space character followed by ' ', no assertions, no empty match,
//     static), B's input starts with ' ' and A's input ends with a
//     non-space: no match crosses p, a match before p is decided by the
//     text before p, and one from p on by the text from p on.
// Insertions that take the alignment of the character before them never
// start a piece's output (every transformation begins with a replaced or
// kept character), so B's first piece gets the alignments the whole text
// gives it. Strip and Prepend, which treat a piece's ends specially, and
// the ByteLevel normalizer, which turns ' ' into 'Ġ', are not admitted.
//
// (3) Normalized added tokens: as (1), on the normalized text, whose
// character at the cut is again ' ' (checked), and the last character of
// A's normalized text.
//
// (4) The pre-tokenizer. Its first step (nested Sequences flattened) must
// split at the cut: then every later step, which works piece by piece, sees
// the same pieces. Admitted first steps, with B's first piece " c..." and
// A's last piece "...a":
//   - BertPreTokenizer, Whitespace, WhitespaceSplit: they split at
//     whitespace and drop it;
//   - Metaspace with split: ' ' becomes the replacement, which starts a
//     piece (MergedWithNext), and B's piece starts with it, so nothing is
//     prepended;
//   - ByteLevel with its regex, and Split by the GPT-2 pattern: a match
//     starts at ' ' when c is not whitespace (" ?\p{L}+" and the like), and
//     no match before p reaches past a ("\s+(?!\S)" only ends at p when it
//     would end there in A, since ' ' is followed by a non-space); a
//     prefix space is only added to pieces not starting with ' ';
//   - Split with Isolated or Removed (inverted or not) by a cross-safe
//     pattern, when a is not whitespace and a match starts at the start of
//     B's piece (checked): the matches are those of A followed by those of
//     B, and p is a boundary between them, where these behaviors keep
//     pieces apart.
//
// (5) The model: planChunks admits a model only when it cannot fail (its
// unknown token exists), so that stopping early cannot skip an error the
// whole text would raise; it encodes each piece on its own.
//
// With several cuts, A is everything before p; but every condition above is
// about A's end (its last piece and last characters), and a piece of the
// whole text that spans several chunks starts in the first of them, where
// its start is checked at the first cut (Precompiled's quirk), while each
// later chunk starts with a ' ' that is checked to stay.
//
// A cut refused by a dynamic check is not an error: the chunk is taken
// again, twice as long, from the same start, so the work stays linear.
// Truncation (encode) asks for at least MaxLength+1 tokens of each text
// and stops at the first chunk boundary after them: with right truncation
// only the first MaxLength tokens are kept, and knowing that a text has
// more than MaxLength tokens decides every branch of the truncation, but
// for one (two texts both longer than an odd MaxLength, where LongestFirst
// gives the extra token to the longer one: both are then read to the end).

// chunkPlan says how a tokenizer encodes long texts chunk by chunk; nil
// when it cannot (then long texts are encoded whole).
type chunkPlan struct {
	norms []normalizer // the normalizer, Sequences flattened
	first preKind      // the kind of the first pre-tokenizer step
	pat   pattern      // its pattern, for preSplit
	// rawLStrip and normLStrip: some raw (normalized) added token
	// swallows whitespace on its left.
	rawLStrip, normLStrip bool
}

// preKind classifies the first pre-tokenizer step for the cut checks.
type preKind uint8

const (
	preSpace     preKind = iota // splits at whitespace: Bert, Whitespace, WhitespaceSplit, Metaspace
	preByteLevel                // ByteLevel with its regex, Split by the GPT-2 pattern
	preSplit                    // Split (Isolated or Removed) by a cross-safe pattern
)

// planChunks returns the chunk plan of t, or nil (see the argument above).
func planChunks(t *Tokenizer) *chunkPlan {
	switch m := t.model.(type) {
	case *wordPiece:
		if !m.hasUnk {
			return nil
		}
	case *bpe:
		if m.unk != "" && !m.hasUnk {
			return nil
		}
	case *unigram:
		if m.unkID < 0 {
			return nil
		}
	case *wordLevel:
		if _, ok := m.ids[m.unk]; !ok {
			return nil
		}
	default:
		return nil
	}
	pl := &chunkPlan{}
	if t.norm != nil {
		var ok bool
		if pl.norms, ok = flattenNormalizer(t.norm, nil); !ok {
			return nil
		}
	}
	first := firstPreTokenizer(t.pre)
	switch p := first.(type) {
	case bertPreTokenizer, whitespacePreTokenizer, whitespaceSplitPreTokenizer:
		pl.first = preSpace
	case *metaspacePreTokenizer:
		if !p.split {
			return nil
		}
		pl.first = preSpace
	case *byteLevelPreTokenizer:
		if !p.useRegex {
			return nil
		}
		pl.first = preByteLevel
	case *splitPreTokenizer:
		if p.beh != splitIsolated && p.beh != splitRemoved {
			return nil
		}
		if _, ok := p.pat.(gpt2Pattern); ok {
			pl.first = preByteLevel
			break
		}
		if !crossSafe(p.pat) {
			return nil
		}
		pl.first, pl.pat = preSplit, p.pat
	default:
		return nil
	}
	for _, m := range []*matcher{t.added.raw, t.added.norm} {
		for k, p := range m.pats {
			if strings.IndexByte(p, ' ') > 0 {
				return nil
			}
			if t.added.byID[m.ids[k]].LStrip {
				if m == t.added.raw {
					pl.rawLStrip = true
				} else {
					pl.normLStrip = true
				}
			}
		}
	}
	return pl
}

// flattenNormalizer appends the steps of n to out, Sequences flattened;
// false when a step cannot be cut (see the argument above).
func flattenNormalizer(n normalizer, out []normalizer) ([]normalizer, bool) {
	switch n := n.(type) {
	case seqNormalizer:
		for _, x := range n {
			var ok bool
			if out, ok = flattenNormalizer(x, out); !ok {
				return nil, false
			}
		}
		return out, true
	case *bertNormalizer, lowercaseNormalizer, stripAccentsNormalizer, unicodeNormalizer, nmtNormalizer, *precompiled:
		return append(out, n), true
	case *replaceNormalizer:
		if crossSafe(n.pat) {
			return append(out, n), true
		}
	}
	return nil, false
}

// firstPreTokenizer returns the first step of p, Sequences flattened, or
// nil.
func firstPreTokenizer(p preTokenizer) preTokenizer {
	for {
		s, ok := p.(seqPreTokenizer)
		if !ok {
			return p
		}
		if len(s) == 0 {
			return nil
		}
		p = s[0]
	}
}

// crossSafe reports whether no match of p can contain a non-space
// character followed by ' ', nor depend on what precedes or follows the
// text it is run on (assertions), nor be empty.
func crossSafe(p pattern) bool {
	switch p := p.(type) {
	case literalPattern:
		s := string(p)
		for i := 1; i < len(s); i++ {
			if s[i] == ' ' {
				if r, _ := utf8.DecodeLastRuneInString(s[:i]); !isSpace(r) {
					return false
				}
			}
		}
		return true
	case *regexPattern:
		return !p.re.Match(nil) && regexCrossSafe(p.re.String())
	case *spaceRunPattern:
		// Empty matches of the head are skipped, and its own whitespace
		// runs contain only spaces.
		return regexCrossSafe(p.expr)
	}
	return false
}

// regexCrossSafe analyses the program of a (translated) regular
// expression: no empty-width assertion, and no path that reads a character
// class holding a non-space rune and then, through empty transitions only,
// one holding ' '.
func regexCrossSafe(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return false
	}
	insts := prog.Inst
	isRune := func(op syntax.InstOp) bool {
		return op == syntax.InstRune || op == syntax.InstRune1 || op == syntax.InstRuneAny || op == syntax.InstRuneAnyNotNL
	}
	// reach[i]: a ' '-matching rune instruction is reachable from i
	// through empty transitions (i itself included). Computed backwards
	// over the empty transitions, in time linear in the program.
	rev := make([][]uint32, len(insts))
	for i, in := range insts {
		switch in.Op {
		case syntax.InstEmptyWidth:
			return false
		case syntax.InstAlt, syntax.InstAltMatch:
			rev[in.Out] = append(rev[in.Out], uint32(i))
			rev[in.Arg] = append(rev[in.Arg], uint32(i))
		case syntax.InstCapture, syntax.InstNop:
			rev[in.Out] = append(rev[in.Out], uint32(i))
		}
	}
	reach := make([]bool, len(insts))
	var stack []uint32
	for i := range insts {
		if isRune(insts[i].Op) && insts[i].MatchRune(' ') {
			reach[i] = true
			stack = append(stack, uint32(i))
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range rev[i] {
			if !reach[j] {
				reach[j] = true
				stack = append(stack, j)
			}
		}
	}
	for i := range insts {
		in := &insts[i]
		if isRune(in.Op) && reach[in.Out] && matchesNonSpace(in) {
			return false
		}
	}
	return true
}

// matchesNonSpace reports whether a rune instruction can match a rune that
// is not whitespace.
func matchesNonSpace(in *syntax.Inst) bool {
	switch in.Op {
	case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		return true
	case syntax.InstRune1:
		return !isSpace(in.Rune[0])
	}
	rs := in.Rune
	if len(rs) == 1 {
		rs = []rune{rs[0], rs[0]}
	}
	for k := 0; k+1 < len(rs); k += 2 {
		if rs[k+1]-rs[k] > 64 {
			return true // more runes than there are spaces
		}
		for r := rs[k]; r <= rs[k+1]; r++ {
			if !isSpace(r) {
				return true
			}
		}
	}
	return false
}

// startOK reports whether B's first final piece s (starting with ' ')
// lets the first pre-tokenizer step split at its start.
func (pl *chunkPlan) startOK(s []byte) bool {
	switch pl.first {
	case preByteLevel:
		r, _ := utf8.DecodeRune(s[1:])
		return len(s) > 1 && !isSpace(r)
	case preSplit:
		return startsWithMatch(pl.pat, s)
	}
	return true
}

// endOK reports whether A's last final piece s allows the same.
func (pl *chunkPlan) endOK(s []byte) bool {
	if pl.first == preSplit {
		r, _ := utf8.DecodeLastRune(s)
		return len(s) > 0 && !isSpace(r)
	}
	return true
}

// startsWithMatch reports whether the first match of the cross-safe
// pattern p in s starts at 0.
func startsWithMatch(p pattern, s []byte) bool {
	switch p := p.(type) {
	case literalPattern:
		return len(p) > 0 && bytes.HasPrefix(s, []byte(p))
	case *regexPattern:
		loc := p.re.FindIndex(s)
		return loc != nil && loc[0] == 0
	case *spaceRunPattern:
		// The head, else the whitespace run that ' ' starts.
		return len(s) > 0 && s[0] == ' '
	}
	return false
}

// normEndOK reports whether A's last piece s, about to be normalized by
// step, meets the step's condition at the cut.
func normEndOK(step normalizer, s []byte) bool {
	if len(s) == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRune(s)
	switch step := step.(type) {
	case *precompiled:
		return gcb(r) != gcbPrepend && !step.dropsLead(s)
	case *replaceNormalizer:
		return !isSpace(r)
	}
	return true
}

// Chunk sizes in bytes: a truncated encoding starts with about 16 bytes per
// wanted token (at least chunkMin) and doubles up to chunkMax; a full one
// uses chunkMax. Texts up to twice the first chunk are encoded whole.
// Tests set smaller sizes (Tokenizer.chunkSize) to put cuts everywhere.
const (
	chunkMin = 1 << 10
	chunkMax = 1 << 16
)

// chunkSizes returns the smallest and largest chunk sizes of t.
func (t *Tokenizer) chunkSizes() (lo, hi int) {
	if t.chunkSize[1] > 0 {
		return t.chunkSize[0], t.chunkSize[1]
	}
	return chunkMin, chunkMax
}

// firstChunk returns the size of the first chunk for limit tokens (0: all).
func (t *Tokenizer) firstChunk(limit int) int {
	lo, hi := t.chunkSizes()
	if limit <= 0 {
		return hi
	}
	return min(max(16*limit, lo), hi)
}

// chunk is one prepared chunk: text[start:end] after stages (1)-(3).
type chunk struct {
	start, end int
	ar         arena  // holds the chunk's normalized text
	raw        []nstr // pieces after stage (1)
	pieces     []nstr // pieces after stage (3)
	// startOK and endOK: a cut at start (at end) passed the checks on
	// this chunk's side.
	startOK, endOK bool
}

// nextCut returns the first position at or after from+size where text has
// a space between two characters that make a cut likely to pass the
// checks (not whitespace, no Prepend before, nothing attached after), or
// len(text). With anySpace (tests), any space will do.
func nextCut(text string, from, size int, anySpace bool) int {
	for p := from + size; p < len(text)-1; p++ {
		k := strings.IndexByte(text[p:len(text)-1], ' ')
		if k < 0 {
			break
		}
		p += k
		if anySpace {
			return p
		}
		r1, _ := utf8.DecodeLastRuneInString(text[:p])
		r2, _ := utf8.DecodeRuneInString(text[p+1:])
		if r1 < utf8.RuneSelf && r2 < utf8.RuneSelf {
			if r1 > ' ' && r2 > ' ' && r1 != 0x7F && r2 != 0x7F {
				return p
			}
			continue
		}
		if isSpace(r1) || isSpace(r2) || gcb(r1) == gcbPrepend {
			continue
		}
		if g := gcb(r2); g == gcbExtend || g == gcbZWJ || g == gcbSpacingMark {
			continue
		}
		return p
	}
	return len(text)
}

// encodeChunked encodes text into s chunk by chunk, stopping at a chunk
// boundary once s has limit tokens (limit 0: never); capped reports
// whether it stopped before the end.
func (t *Tokenizer) encodeChunked(w *workspace, text string, s *seq, limit int) (capped bool, err error) {
	size := t.firstChunk(limit)
	_, hi := t.chunkSizes()
	cur, nxt := &w.chunks[0], &w.chunks[1]
	t.prepareChunk(w, cur, text, 0, nextCut(text, 0, size, t.anyCut))
	for {
		if cur.end == len(text) {
			return false, t.finishChunk(w, cur, s)
		}
		size = min(2*size, hi)
		t.prepareChunk(w, nxt, text, cur.end, nextCut(text, cur.end, size, t.anyCut))
		if !cur.endOK || !nxt.startOK {
			// Not a safe cut: take the chunk again, twice as long.
			t.prepareChunk(w, cur, text, cur.start, nextCut(text, cur.start, 2*(nxt.end-cur.start), t.anyCut))
			continue
		}
		if err := t.finishChunk(w, cur, s); err != nil {
			return false, err
		}
		if limit > 0 && s.len() >= limit {
			return true, nil
		}
		if cur.start == 0 && limit == 0 {
			// Room for the whole text at the first chunk's rate (plus a
			// sixteenth), instead of growing by doubling.
			s.reserve(s.len()*(len(text)-cur.end)/cur.end*17/16 + 1024)
		}
		cur, nxt = nxt, cur
	}
}

// prepareChunk runs stages (1)-(3) on text[start:end] into c, in c's
// arena, and checks the conditions of cuts at start and end.
func (t *Tokenizer) prepareChunk(w *workspace, c *chunk, text string, start, end int) {
	pl := t.chunks
	saved := w.ar
	w.ar = c.ar
	w.ar.reset()
	c.start, c.end = start, end
	n := w.inputAt(text[start:end], start)
	raw := c.raw[:0]
	if len(t.added.raw.pats) > 0 {
		raw = t.added.split(t.added.raw, &n, raw)
	} else if len(n.s) > 0 {
		raw = append(raw, n)
	}
	c.raw = raw
	c.startOK = start > 0 && len(raw) > 0 && raw[0].tok < 0
	c.endOK = end < len(text) && len(raw) > 0 && raw[len(raw)-1].tok < 0
	if r, _ := utf8.DecodeLastRuneInString(text[:end]); c.endOK && pl.rawLStrip && isSpace(r) {
		c.endOK = false
	}
	pieces := c.pieces[:0]
	if t.norm != nil || len(t.added.norm.pats) > 0 {
		for i := range raw {
			p := &raw[i]
			if p.tok >= 0 {
				pieces = append(pieces, *p)
				continue
			}
			first, last := i == 0 && c.startOK, i == len(raw)-1 && c.endOK
			if t.norm != nil {
				if first || last {
					for _, step := range pl.norms {
						if first && (len(p.s) == 0 || p.s[0] != ' ') {
							c.startOK, first = false, false
						}
						if last && !normEndOK(step, p.s) {
							c.endOK, last = false, false
						}
						step.normalize(w, p)
					}
				} else {
					t.norm.normalize(w, p)
				}
			}
			k := len(pieces)
			pieces = t.added.split(t.added.norm, p, pieces)
			if first && (len(pieces) == k || pieces[k].tok >= 0) {
				c.startOK = false
			}
			if last && (len(pieces) == k || pieces[len(pieces)-1].tok >= 0) {
				c.endOK = false
			}
		}
	} else {
		pieces = append(pieces, raw...)
	}
	c.pieces = pieces
	if c.startOK {
		f := pieces[0].s
		c.startOK = len(f) > 0 && f[0] == ' ' && pl.startOK(f)
	}
	if c.endOK {
		l := pieces[len(pieces)-1].s
		r, _ := utf8.DecodeLastRune(l)
		c.endOK = pl.endOK(l) && !(pl.normLStrip && isSpace(r))
	}
	c.ar = w.ar
	w.ar = saved
}

// finishChunk runs stages (4)-(5) on a prepared chunk, appending to s.
func (t *Tokenizer) finishChunk(w *workspace, c *chunk, s *seq) error {
	saved, pn := w.ar, w.pnext
	w.ar = c.ar
	pieces := t.pre.preTokenize(w, c.pieces, w.newPieces())
	s.reserve(c.end - c.start)
	err := t.modelPieces(w, pieces, s)
	w.keepPieces(pn, pieces)
	c.ar = w.ar
	w.ar, w.pnext = saved, pn
	return err
}

// compile-time check that the patterns this file knows are the pattern
// types (a new pattern type must be added to crossSafe and
// startsWithMatch, or it is never cut).
var _ = []pattern{literalPattern(""), &regexPattern{}, &spaceRunPattern{}, gpt2Pattern{}}
