// This file implements the WordPiece model: greedy longest-match-first
// subwords with a continuing prefix, and one unknown token for a word that
// cannot be split or is too long.

package tokenizer

import (
	"fmt"
	"strings"

	"github.com/ganada/ganada/errs"
)

// wordPiece is the WordPiece model.
type wordPiece struct {
	vocabTable
	unk      string
	unkID    int
	hasUnk   bool
	prefix   string
	maxChars int
	first    byteTrie
	cont     byteTrie
}

func (m *wordPiece) vocabSize() int { return len(m.ids) }

func (m *wordPiece) tokenize(w *workspace, s []byte, out []token) ([]token, error) {
	if runeCount(s) > m.maxChars {
		return m.unkToken(out, len(s))
	}
	base := len(out)
	start := 0
	for start < len(s) {
		// The longest vocabulary entry (with the continuing prefix after the
		// first piece) that s[start:] starts with; the Rust crate finds the
		// same by shrinking the end one character at a time.
		tr := &m.first
		if start > 0 {
			tr = &m.cont
		}
		node := int32(0)
		best, bestEnd := int32(-1), 0
		for j := start; j < len(s); j++ {
			node = tr.child(node, s[j])
			if node < 0 {
				break
			}
			if tr.leaf[node] >= 0 {
				best, bestEnd = node, j+1
			}
		}
		if best < 0 {
			return m.unkToken(out[:base], len(s))
		}
		out = append(out, token{id: int(tr.leaf[best]), val: tr.val[best], a: start, b: bestEnd})
		start = bestEnd
	}
	return out, nil
}

func (m *wordPiece) unkToken(out []token, n int) ([]token, error) {
	if !m.hasUnk {
		return out, fmt.Errorf("tokenizer: WordPiece unk token %s is not in the vocabulary: %w", quoteShort(m.unk), errs.ErrInvalidInput)
	}
	return append(out, token{id: m.unkID, val: m.unk, a: 0, b: n}), nil
}

// buildTries prepares the longest-match tries: one over every entry (for a
// word's first piece) and one over the entries that start with the
// continuing prefix, keyed without it.
func (m *wordPiece) buildTries() {
	all := make([]string, 0, len(m.ids))
	var cont []string
	contIDs := map[string]int{}
	contVals := map[string]string{}
	for k, id := range m.ids {
		all = append(all, k)
		if strings.HasPrefix(k, m.prefix) {
			c := k[len(m.prefix):]
			cont = append(cont, c)
			contIDs[c] = id
			contVals[c] = k
		}
	}
	m.first = buildByteTrie(all, m.ids, nil, true)
	m.cont = buildByteTrie(cont, contIDs, contVals, true)
}
