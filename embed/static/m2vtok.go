// This file holds the token-level lookup of Model2Vec models: tokenizer
// ids, unknown-token removal, truncation, vocabulary-quantisation mapping
// and per-token weights.

package static

import (
	"fmt"

	"github.com/ganada/ganada/errs"
)

// tokenEncoder turns text into token ids without special tokens.
type tokenEncoder interface {
	encodeIDs(text string) ([]int, error)
}

// m2vTokenizer is the lookup state of a Model2Vec model.
type m2vTokenizer struct {
	enc       tokenEncoder
	unk       int32     // unknown-token id, or -1
	n         int32     // number of token ids (mapping and weights entries)
	mapping   []int32   // token id → embedding row; nil: identity
	weights   []float32 // per token id; nil: all 1
	medianLen int       // median token length in characters, for truncation
}

// rows appends the ids of text's tokens to buf (unknown tokens dropped,
// at most maxTokens when maxTokens > 0, after cutting the text to
// maxTokens·medianLen characters as Model2Vec does) and returns them with
// the number of tokens before unknown removal.
func (t *m2vTokenizer) rows(buf []int32, text string, maxTokens int) ([]int32, int, error) {
	if maxTokens > 0 && t.medianLen > 0 {
		text = truncateRunes(text, maxTokens*t.medianLen)
	}
	ids, err := t.enc.encodeIDs(text)
	if err != nil {
		return buf, 0, err
	}
	for _, id := range ids {
		if id < 0 || id >= int(t.n) {
			// Checked at load for every id the tokenizer declares.
			return buf, 0, fmt.Errorf("static: the tokenizer produced token id %d, outside the model's %d: %w", id, t.n, errs.ErrCorrupt)
		}
		if int32(id) == t.unk {
			continue
		}
		buf = append(buf, int32(id))
		if maxTokens > 0 && len(buf) >= maxTokens {
			break
		}
	}
	return buf, len(ids), nil
}

// row maps token id to its embedding row and multiplies w by its weight.
func (t *m2vTokenizer) row(id int32, w float64) (int, float64) {
	if t.weights != nil {
		w *= float64(t.weights[id])
	}
	if t.mapping != nil {
		return int(t.mapping[id]), w
	}
	return int(id), w
}

// truncateRunes returns the first n code points of s.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
