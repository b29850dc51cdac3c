// This file implements the added vocabulary: tokens listed in
// tokenizer.json's added_tokens, found in the input before the model runs
// (before normalization when normalized=false, after it otherwise), with
// their single_word, lstrip and rstrip rules.

package tokenizer

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// AddedToken is one entry of tokenizer.json's added_tokens.
type AddedToken struct {
	ID         int    // the id the token encodes to
	Content    string // the literal text matched in the input
	SingleWord bool   // match only when not inside a word
	LStrip     bool   // the match swallows whitespace on its left
	RStrip     bool   // the match swallows whitespace on its right
	Normalized bool   // match in the normalized text rather than the original
	Special    bool   // a special token (skipped by Decode with skipSpecialTokens)
}

// matcher finds added tokens with leftmost-longest semantics.
type matcher struct {
	pats  []string
	ids   []int
	first [256][]int // pattern indexes by first byte, longest first
}

func newMatcher(pats []string, ids []int) *matcher {
	m := &matcher{pats: pats, ids: ids}
	for i, p := range pats {
		if p != "" {
			m.first[p[0]] = append(m.first[p[0]], i)
		}
	}
	// Longest first, earlier pattern first among equals (a stable sort:
	// inserting one by one was quadratic in the number of added tokens).
	for c := range m.first {
		l := m.first[c]
		sort.SliceStable(l, func(a, b int) bool { return len(pats[l[a]]) > len(pats[l[b]]) })
	}
	return m
}

// next returns the leftmost-longest match in s at or after from.
func (m *matcher) next(s []byte, from int) (pat, a, b int, ok bool) {
	for i := from; i < len(s); i++ {
		for _, k := range m.first[s[i]] {
			p := m.pats[k]
			if len(p) <= len(s)-i && string(s[i:i+len(p)]) == p {
				return k, i, i + len(p), true
			}
		}
	}
	return 0, 0, 0, false
}

// addedVocab is the added vocabulary of a tokenizer.
type addedVocab struct {
	byContent map[string]int
	byID      map[int]*AddedToken
	special   map[string]bool
	raw       *matcher // tokens matched before normalization
	norm      *matcher // tokens matched after normalization
	list      []AddedToken
}

func (v *addedVocab) isEmpty() bool { return len(v.byContent) == 0 }

// buildAddedVocab registers tokens the way the Rust AddedVocabulary does:
// ids come from the added map or the model vocabulary when the content is
// already known, else they are assigned after the model vocabulary.
func buildAddedVocab(tokens []AddedToken, m model, norm normalizer) *addedVocab {
	v := &addedVocab{byContent: map[string]int{}, byID: map[int]*AddedToken{}, special: map[string]bool{}}
	var specials, classic []AddedToken
	for _, t := range tokens {
		if t.Special && t.Content != "" && !v.special[t.Content] {
			specials = append(specials, t)
			v.special[t.Content] = true
		}
	}
	toID := func(c string) (int, bool) {
		if id, ok := v.byContent[c]; ok {
			return id, true
		}
		return m.tokenToID(c)
	}
	next := m.vocabSize()
	existing := map[AddedToken]bool{}
	for _, t := range tokens {
		key := t
		key.ID = 0
		if t.Content == "" || existing[key] {
			continue
		}
		id, ok := toID(t.Content)
		if !ok {
			id = next
			next++
		}
		v.byContent[t.Content] = id
		tt := t
		tt.ID = id
		v.byID[id] = &tt
		if !v.special[t.Content] {
			classic = append(classic, t)
		}
		existing[key] = true
	}
	var rawP, normP []string
	var rawI, normI []int
	for _, t := range append(specials, classic...) {
		id, _ := toID(t.Content)
		if t.Normalized {
			content := t.Content
			if norm != nil {
				w := newWorkspace()
				n := w.input(t.Content)
				norm.normalize(w, &n)
				content = string(n.s)
			}
			normP = append(normP, content)
			normI = append(normI, id)
		} else {
			rawP = append(rawP, t.Content)
			rawI = append(rawI, id)
		}
	}
	v.raw = newMatcher(rawP, rawI)
	v.norm = newMatcher(normP, normI)
	for id, t := range v.byID {
		_ = id
		v.list = append(v.list, *t)
	}
	return v
}

// endsWithWord reports whether s ends with a \w character.
func endsWithWord(s []byte) bool {
	r, _ := utf8.DecodeLastRune(s)
	return len(s) > 0 && isWordChar(r)
}

// startsWithWord reports whether s starts with a \w character.
func startsWithWord(s []byte) bool {
	r, _ := utf8.DecodeRune(s)
	return len(s) > 0 && isWordChar(r)
}

// split cuts n at the added tokens m finds, appending the pieces to out;
// token pieces get their id in tok.
func (v *addedVocab) split(m *matcher, n *nstr, out []nstr) []nstr {
	s := n.s
	if len(m.pats) == 0 {
		// Still a slice, as in the Rust crate: the piece's original start
		// becomes that of its first normalized character.
		if len(s) > 0 {
			out = append(out, n.slice(0, len(s)))
		}
		return out
	}
	startOffset := 0
	from := 0
	for {
		k, a, b, ok := m.next(s, from)
		if !ok {
			break
		}
		from = b
		id := m.ids[k]
		t := v.byID[id]
		start, stop := a, b
		if t.SingleWord {
			startSpace := start == 0 || !endsWithWord(s[:start])
			stopSpace := stop == len(s) || !startsWithWord(s[stop:])
			if !startSpace || !stopSpace {
				continue
			}
		}
		if t.LStrip {
			ns := start
			for ns > 0 {
				r, sz := utf8.DecodeLastRune(s[:ns])
				if !isSpace(r) {
					break
				}
				ns -= sz
			}
			start = max(ns, startOffset)
		}
		if t.RStrip {
			for stop < len(s) {
				r, sz := utf8.DecodeRune(s[stop:])
				if !isSpace(r) {
					break
				}
				stop += sz
			}
		}
		if startOffset < start {
			out = append(out, n.slice(startOffset, start))
		}
		if stop > start {
			p := n.slice(start, stop)
			p.tok = id
			if bytes.Equal(p.s, []byte(t.Content)) {
				p.tv = t.Content
			} else {
				p.tv = string(p.s)
			}
			out = append(out, p)
		}
		startOffset = stop
	}
	if startOffset < len(s) {
		out = append(out, n.slice(startOffset, len(s)))
	}
	return out
}
