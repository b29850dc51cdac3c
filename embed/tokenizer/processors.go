// This file implements the post-processors of tokenizer.json:
// TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and
// Sequence. They add special tokens and set type ids.

package tokenizer

import "unicode/utf8"

// part is one segment of a post-processed encoding: a text (s != nil) or a
// run of special tokens.
type part struct {
	s    *seq
	sq   int8 // 0 or 1: which text s is
	ids  []int
	toks []string
	typ  int
}

// postProcessor lays out the final encoding.
type postProcessor interface {
	added(pair bool) int
	trim(a, b *seq)
	layout(parts []part, a, b *seq, addSpecial bool) []part
}

// defaultLayout is what the Rust crate does without a post-processor.
func defaultLayout(parts []part, a, b *seq) []part {
	parts = append(parts, part{s: a, typ: 0})
	if b != nil {
		parts = append(parts, part{s: b, sq: 1, typ: 1})
	}
	return parts
}

// specialTok is one named entry of TemplateProcessing's special_tokens.
type specialTok struct {
	ids  []int
	toks []string
}

// templatePiece is $A/$B (seq 0/1) or a special token (seq -1).
type templatePiece struct {
	seq int
	tok *specialTok
	typ int
}

// templateProcessor is TemplateProcessing.
type templateProcessor struct {
	single, pair       []templatePiece
	addSingle, addPair int
}

func (t *templateProcessor) added(pair bool) int {
	if pair {
		return t.addPair
	}
	return t.addSingle
}

func (t *templateProcessor) trim(a, b *seq) {}

func (t *templateProcessor) layout(parts []part, a, b *seq, addSpecial bool) []part {
	tpl := t.single
	if b != nil {
		tpl = t.pair
	}
	for _, p := range tpl {
		switch {
		case p.seq == 0:
			parts = append(parts, part{s: a, typ: p.typ})
		case p.seq == 1:
			if b != nil {
				parts = append(parts, part{s: b, sq: 1, typ: p.typ})
			}
		case addSpecial:
			parts = append(parts, part{ids: p.tok.ids, toks: p.tok.toks, typ: p.typ})
		}
	}
	return parts
}

// bertProcessor is BertProcessing.
type bertProcessor struct {
	sep, cls specialTok
}

func (p *bertProcessor) added(pair bool) int {
	if pair {
		return 3
	}
	return 2
}

func (p *bertProcessor) trim(a, b *seq) {}

func (p *bertProcessor) layout(parts []part, a, b *seq, addSpecial bool) []part {
	if !addSpecial {
		return defaultLayout(parts, a, b)
	}
	parts = append(parts, part{ids: p.cls.ids, toks: p.cls.toks}, part{s: a}, part{ids: p.sep.ids, toks: p.sep.toks})
	if b != nil {
		parts = append(parts, part{s: b, sq: 1, typ: 1}, part{ids: p.sep.ids, toks: p.sep.toks, typ: 1})
	}
	return parts
}

// robertaProcessor is RobertaProcessing.
type robertaProcessor struct {
	sep, cls       specialTok
	trimOffsets    bool
	addPrefixSpace bool
}

func (p *robertaProcessor) added(pair bool) int {
	if pair {
		return 4
	}
	return 2
}

func (p *robertaProcessor) trim(a, b *seq) {
	if p.trimOffsets {
		trimOffsets(a, p.addPrefixSpace)
		if b != nil {
			trimOffsets(b, p.addPrefixSpace)
		}
	}
}

func (p *robertaProcessor) layout(parts []part, a, b *seq, addSpecial bool) []part {
	if !addSpecial {
		parts = append(parts, part{s: a})
		if b != nil {
			parts = append(parts, part{s: b, sq: 1})
		}
		return parts
	}
	parts = append(parts, part{ids: p.cls.ids, toks: p.cls.toks}, part{s: a}, part{ids: p.sep.ids, toks: p.sep.toks})
	if b != nil {
		parts = append(parts, part{ids: p.sep.ids, toks: p.sep.toks}, part{s: b, sq: 1}, part{ids: p.sep.ids, toks: p.sep.toks})
	}
	return parts
}

// byteLevelProcessor is the ByteLevel post-processor: it only trims offsets.
type byteLevelProcessor struct {
	trimOffsets    bool
	addPrefixSpace bool
}

func (p *byteLevelProcessor) added(bool) int { return 0 }

func (p *byteLevelProcessor) trim(a, b *seq) {
	if p.trimOffsets {
		trimOffsets(a, p.addPrefixSpace)
		if b != nil {
			trimOffsets(b, p.addPrefixSpace)
		}
	}
}

func (p *byteLevelProcessor) layout(parts []part, a, b *seq, addSpecial bool) []part {
	return defaultLayout(parts, a, b)
}

// seqProcessor is Sequence: every processor trims, the last one that adds
// tokens lays out.
type seqProcessor []postProcessor

func (s seqProcessor) added(pair bool) int {
	n := 0
	for _, p := range s {
		n += p.added(pair)
	}
	return n
}

func (s seqProcessor) trim(a, b *seq) {
	for _, p := range s {
		p.trim(a, b)
	}
}

func (s seqProcessor) layout(parts []part, a, b *seq, addSpecial bool) []part {
	for i := len(s) - 1; i >= 0; i-- {
		if _, ok := s[i].(*byteLevelProcessor); !ok {
			return s[i].layout(parts, a, b, addSpecial)
		}
	}
	return defaultLayout(parts, a, b)
}

// trimOffsets removes leading and trailing spaces (the byte-level 'Ġ' or
// whitespace) from token offsets, as the Rust process_offsets does. The Rust
// library does this on character offsets, so the counts of trimmed runes
// move the byte offsets by whole characters of the input text.
func trimOffsets(s *seq, addPrefixSpace bool) {
	const g = 0x120
	text := s.text
	for i, t := range s.toks {
		lead, trail := 0, 0
		for _, r := range t {
			if r != g && !isSpace(r) {
				break
			}
			lead++
		}
		for j := len(t); j > 0; {
			r, sz := utf8.DecodeLastRuneInString(t[:j])
			if r != g && !isSpace(r) {
				break
			}
			trail++
			j -= sz
		}
		if lead == 0 && trail == 0 {
			continue
		}
		o := &s.offs[i]
		if o[0] < 0 || o[1] > len(text) || o[0] > o[1] {
			continue
		}
		if lead > 0 {
			first := i == 0 || o[0] == 0
			if first && addPrefixSpace && lead == 1 {
				lead = 0
			}
			p := o[0]
			for k := 0; k < lead && p < o[1]; k++ {
				_, sz := utf8.DecodeRuneInString(text[p:])
				p += sz
			}
			o[0] = min(p, o[1])
		}
		if trail > 0 {
			p := o[1]
			k := 0
			for ; k < trail && p > 0; k++ {
				_, sz := utf8.DecodeLastRuneInString(text[:p])
				p -= sz
			}
			if k == trail {
				o[1] = max(p, o[0])
			}
		}
	}
}

// assemble builds the final encoding from parts, with room for padding; it
// reuses e's slices when they are large enough (e may be nil).
func assemble(e *Encoding, parts []part, capacity int) *Encoding {
	n := 0
	for _, p := range parts {
		if p.s != nil {
			n += p.s.len()
		} else {
			n += len(p.ids)
		}
	}
	c := max(n, capacity)
	if e == nil || cap(e.IDs) < c || cap(e.TypeIDs) < c || cap(e.AttentionMask) < c || cap(e.SpecialTokensMask) < c ||
		cap(e.seqIDs) < c || cap(e.Tokens) < c || cap(e.Offsets) < c {
		ne := newEncoding(n, c)
		if e == nil {
			e = ne
		} else {
			*e = *ne
		}
	} else {
		e.IDs, e.TypeIDs, e.AttentionMask = e.IDs[:n], e.TypeIDs[:n], e.AttentionMask[:n]
		e.SpecialTokensMask, e.seqIDs, e.Tokens, e.Offsets = e.SpecialTokensMask[:n], e.seqIDs[:n], e.Tokens[:n], e.Offsets[:n]
	}
	k := 0
	for _, p := range parts {
		if p.s != nil {
			m := p.s.len()
			copy(e.IDs[k:], p.s.ids)
			copy(e.Tokens[k:], p.s.toks)
			copy(e.Offsets[k:], p.s.offs)
			for i := 0; i < m; i++ {
				e.TypeIDs[k+i] = p.typ
				e.AttentionMask[k+i] = 1
				e.SpecialTokensMask[k+i] = 0
				e.seqIDs[k+i] = int(p.sq)
			}
			k += m
			continue
		}
		copy(e.IDs[k:], p.ids)
		copy(e.Tokens[k:], p.toks)
		for i := range p.ids {
			e.seqIDs[k+i] = -1
			e.TypeIDs[k+i] = p.typ
			e.AttentionMask[k+i] = 1
			e.SpecialTokensMask[k+i] = 1
			e.Offsets[k+i] = [2]int{}
		}
		k += len(p.ids)
	}
	return e
}
