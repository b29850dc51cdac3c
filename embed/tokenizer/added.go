// This file implements the added vocabulary: tokens listed in
// tokenizer.json's added_tokens, found in the input before the model runs
// (before normalization when normalized=false, after it otherwise), with
// their single_word, lstrip and rstrip rules.

package tokenizer

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
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

// matcher finds added tokens with leftmost-longest semantics (the Rust
// crate's aho-corasick MatchKind::LeftmostLongest): at the first position
// where some pattern matches, the longest one, the earliest pattern among
// equal ones. It is an Aho-Corasick automaton over a double-array trie, so
// a search reads each byte of the text once (plus failure moves, fewer in
// total): comparing every pattern that shares the first byte took 1.1 s
// for 10 KB of text and 20,000 added tokens, and walking the trie from
// every position 7 s for 100 KB of text and long tokens sharing a prefix.
type matcher struct {
	pats []string
	ids  []int
	trie byteTrie // the distinct non-empty patterns; leaf: first index
	// Per trie slot: the failure link (the node of the longest proper
	// suffix of the node's path that is a trie path), the pattern that is
	// the longest suffix of the path (-1 if none) and the path's length.
	fail, out, depth []int32
}

func newMatcher(pats []string, ids []int) *matcher {
	m := &matcher{pats: pats, ids: ids}
	first := make(map[string]int, len(pats))
	keys := make([]string, 0, len(pats))
	for i, p := range pats {
		if _, ok := first[p]; !ok && p != "" {
			first[p] = i
			keys = append(keys, p)
		}
	}
	if len(keys) == 0 {
		return m
	}
	m.trie = buildByteTrie(keys, first, nil, false)
	n := len(m.trie.check)
	m.fail, m.out, m.depth = make([]int32, n), make([]int32, n), make([]int32, n)
	for i := range m.out {
		m.out[i] = -1
	}
	// Breadth first: depth by depth, walking the keys (longest first, so
	// that each depth visits only the keys that reach it), each node once.
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	at := make([]int32, len(keys)) // each key's node at the previous depth
	for d := 1; d <= len(keys[0]); d++ {
		for k := 0; k < len(keys) && len(keys[k]) >= d; k++ {
			u, c := at[k], keys[k][d-1]
			v := m.trie.child(u, c)
			at[k] = v
			if m.depth[v] != 0 {
				continue // reached by a shorter path's key already
			}
			m.depth[v] = int32(d)
			f := int32(0)
			if u != 0 {
				for x := m.fail[u]; ; x = m.fail[x] {
					if y := m.trie.child(x, c); y >= 0 {
						f = y
						break
					}
					if x == 0 {
						break
					}
				}
			}
			m.fail[v] = f
			if l := m.trie.leaf[v]; l >= 0 {
				m.out[v] = l
			} else {
				m.out[v] = m.out[f]
			}
		}
	}
	return m
}

// next returns the leftmost-longest match in s at or after from. After
// each byte, the automaton's node is the longest suffix of the text read
// that is a prefix of some pattern: no later match can start before that
// suffix, so once the best match found starts before it, it is final; while
// it starts there, longer matches from the same start may still come.
func (m *matcher) next(s []byte, from int) (pat, a, b int, ok bool) {
	if len(m.fail) == 0 {
		return 0, 0, 0, false
	}
	node := int32(0)
	best, bestA, bestB := int32(-1), 0, 0
	for j := from; j < len(s); j++ {
		c := s[j]
		for {
			if y := m.trie.child(node, c); y >= 0 {
				node = y
				break
			}
			if node == 0 {
				break
			}
			node = m.fail[node]
		}
		if o := m.out[node]; o >= 0 {
			st := j + 1 - len(m.pats[o])
			if best < 0 || st < bestA || (st == bestA && j+1 > bestB) {
				best, bestA, bestB = o, st, j+1
			}
		}
		if best >= 0 && bestA < j+1-int(m.depth[node]) {
			break
		}
	}
	if best < 0 {
		return 0, 0, 0, false
	}
	return int(best), bestA, bestB, true
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

// buildAddedVocab registers tokens the way the Rust AddedVocabulary does:
// ids come from the added map or the model vocabulary when the content is
// already known, else they are assigned after the model vocabulary.
func buildAddedVocab(tokens []AddedToken, m model, norm normalizer) (*addedVocab, error) {
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
				if len(content) > maxTrieKey {
					return nil, &FieldError{Field: "added_tokens", Err: fmt.Errorf("added token %s is %d bytes once normalized (at most %d): %w", quoteShort(t.Content), len(content), maxTrieKey, errs.ErrUnsupported)}
				}
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
	return v, nil
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
