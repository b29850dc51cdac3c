// This file implements the Precompiled normalizer: SentencePiece's compiled
// normalization rules (a Darts double-array trie plus a table of
// replacement strings), applied per grapheme cluster as the Rust
// spm_precompiled crate and tokenizers do.

package tokenizer

import (
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"
)

// precompiled is the Precompiled normalizer.
type precompiled struct {
	trie  []uint32
	norm  []byte
	ascii [128]int32 // cached lookup per ASCII byte: -2 unknown, -1 none, else index
}

func parsePrecompiled(o obj) (normalizer, error) {
	s, err := o.str("precompiled_charsmap", "", true)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return seqNormalizer(nil), nil
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fieldErr(o.path+".precompiled_charsmap", "invalid base64: %v", err)
	}
	if len(data) < 4 {
		return nil, fieldErr(o.path+".precompiled_charsmap", "truncated")
	}
	size := int(binary.LittleEndian.Uint32(data))
	if size%4 != 0 || 4+size > len(data) || size < 4 {
		return nil, fieldErr(o.path+".precompiled_charsmap", "bad trie size %d", size)
	}
	p := &precompiled{trie: make([]uint32, size/4), norm: data[4+size:]}
	for i := range p.trie {
		p.trie[i] = binary.LittleEndian.Uint32(data[4+4*i:])
	}
	for b := range p.ascii {
		p.ascii[b] = p.lookup([]byte{byte(b)})
	}
	return p, nil
}

// lookup returns the replacement index of the shortest trie key that is a
// prefix of key (the first common-prefix-search result), or -1.
func (p *precompiled) lookup(key []byte) int32 {
	t := p.trie
	pos := uint32(0)
	unit := t[0]
	pos ^= unitOffset(unit)
	for _, c := range key {
		if c == 0 {
			break
		}
		pos ^= uint32(c)
		if int(pos) >= len(t) {
			return -1
		}
		unit = t[pos]
		if unit&(1<<31|0xFF) != uint32(c) {
			return -1
		}
		pos ^= unitOffset(unit)
		if (unit>>8)&1 == 1 {
			if int(pos) >= len(t) {
				return -1
			}
			v := int32(t[pos] & (1<<31 - 1))
			if int(v) >= len(p.norm) {
				return -1
			}
			return v
		}
	}
	return -1
}

func unitOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }

// transform returns the replacement for chunk, if any.
func (p *precompiled) transform(chunk []byte) ([]byte, bool) {
	var v int32
	if len(chunk) == 1 && chunk[0] < 0x80 {
		v = p.ascii[chunk[0]]
	} else {
		v = p.lookup(chunk)
	}
	if v < 0 {
		return nil, false
	}
	end := int(v)
	for end < len(p.norm) && p.norm[end] != 0 {
		end++
	}
	return p.norm[v:end], true
}

func (p *precompiled) normalize(w *workspace, n *nstr) {
	s := n.s
	// Fast check: nothing to do when no character has a replacement.
	dest := w.rcs[:0]
	modified := false
	for i := 0; i < len(s); {
		g := i + 1
		if s[i] >= 0x80 || (i+1 < len(s) && s[i+1] >= 0x80) || (s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n') {
			g = graphemeEnd(s, i)
		}
		gr := s[i:g]
		i = g
		if len(gr) < 6 {
			if rep, ok := p.transform(gr); ok {
				modified = true
				dest = replaceRunes(dest, gr, rep)
				continue
			}
		}
		for k := 0; k < len(gr); {
			_, sz := utf8.DecodeRune(gr[k:])
			part := gr[k : k+sz]
			k += sz
			if rep, ok := p.transform(part); ok {
				modified = true
				dest = replaceRunes(dest, part, rep)
			} else {
				r, _ := utf8.DecodeRune(part)
				dest = append(dest, rc{r, 0})
			}
		}
	}
	w.rcs = dest
	if modified {
		w.transform(n, dest, 0)
	}
}

// dropsLead reports whether normalizing s drops its first character before
// writing anything: replaceRunes then has nothing to charge the removal to,
// as in the Rust crate, and the alignments of everything after it in the
// piece come from characters that much earlier (chunked.go must not cut
// such a piece).
func (p *precompiled) dropsLead(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	g := 1
	if s[0] >= 0x80 || (len(s) > 1 && s[1] >= 0x80) || (s[0] == '\r' && len(s) > 1 && s[1] == '\n') {
		g = graphemeEnd(s, 0)
	}
	if g < 6 {
		if rep, ok := p.transform(s[:g]); ok {
			return len(rep) == 0
		}
	}
	_, sz := utf8.DecodeRune(s)
	rep, ok := p.transform(s[:sz])
	return ok && len(rep) == 0
}

// replaceRunes appends the change codes for replacing old by new: the new
// runes replace one for one, extra new runes are insertions, and missing
// ones are removals charged to the last rune written so far.
func replaceRunes(dest []rc, old, new []byte) []rc {
	oldN := runeCount(old)
	newN := 0
	for k := 0; k < len(new); {
		r, sz := utf8.DecodeRune(new[k:])
		dest = append(dest, rc{r, 0})
		k += sz
		newN++
	}
	diff := newN - oldN
	switch {
	case diff > 0:
		for k := len(dest) - diff; k < len(dest); k++ {
			dest[k].ch = 1
		}
	case diff < 0:
		if len(dest) > 0 {
			dest[len(dest)-1].ch += int32(diff)
		}
	}
	return dest
}
