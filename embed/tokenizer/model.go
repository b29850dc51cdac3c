// This file defines the model interface shared by WordPiece, Unigram and
// BPE, and the token type models produce.

package tokenizer

import "math"

// token is one model output: its id, its string and its byte range within
// the normalized piece it came from.
type token struct {
	id   int
	val  string
	a, b int
}

// model turns one pre-tokenized piece of normalized text into tokens.
type model interface {
	tokenize(w *workspace, s []byte, out []token) ([]token, error)
	tokenToID(tok string) (int, bool)
	idToToken(id int) (string, bool)
	vocabSize() int
	maxID() int
	table() *vocabTable
}

// vocabTable is a token-to-id map with its reverse. The reverse is a slice
// indexed by id when the ids are dense, as in every real vocabulary, and a
// map when they are sparse: the Rust crate keeps both directions in hash
// maps and accepts any u32 ids, so a file may give a handful of tokens huge
// ids, and a slice sized by the largest id would let a tiny file allocate
// gigabytes.
type vocabTable struct {
	ids    map[string]int
	toks   []string       // by id when dense; "" where no token has the id
	sparse map[int]string // by id when the ids are sparse (toks is nil)
	max    int            // the largest id, -1 for an empty vocabulary
}

// maxVocabID bounds the ids of a vocabulary: the Rust crate reads u32, and
// this package keeps ids in int32 inside its tries and merge tables.
const maxVocabID = math.MaxInt32

// maxTokenID bounds the other ids of tokenizer.json (added tokens, special
// tokens of post-processors, padding), which the Rust crate reads as u32.
const maxTokenID = math.MaxUint32

// newVocabTable builds the table of the map m (token to id, every id within
// 0..maxVocabID). The reverse is dense when the largest id is below twice
// the number of tokens (plus a little), so its size is bounded by the
// file's. When several tokens share an id, the reverse keeps the smallest
// string, so that the result does not depend on map order (the Rust crate
// keeps whichever its hash map yields last).
func newVocabTable(m map[string]int) vocabTable {
	v := vocabTable{ids: m, max: -1}
	for _, id := range m {
		v.max = max(v.max, id)
	}
	put := func(old string, had bool, tok string) bool {
		return !had || tok < old
	}
	if v.max < 2*len(m)+1024 {
		v.toks = make([]string, v.max+1)
		set := make([]bool, v.max+1)
		for tok, id := range m {
			if put(v.toks[id], set[id], tok) {
				v.toks[id], set[id] = tok, true
			}
		}
		return v
	}
	v.sparse = make(map[int]string, len(m))
	for tok, id := range m {
		old, had := v.sparse[id]
		if put(old, had, tok) {
			v.sparse[id] = tok
		}
	}
	return v
}

func (v *vocabTable) table() *vocabTable { return v }

// maxID returns the largest id of the vocabulary (-1 when it is empty).
func (v *vocabTable) maxID() int { return v.max }

func (v *vocabTable) tokenToID(tok string) (int, bool) {
	id, ok := v.ids[tok]
	return id, ok
}

// token returns the token string of an id of the vocabulary.
func (v *vocabTable) token(id int) string {
	if v.toks != nil {
		return v.toks[id]
	}
	return v.sparse[id]
}

func (v *vocabTable) idToToken(id int) (string, bool) {
	if id < 0 || id > v.max {
		return "", false
	}
	var t string
	if v.toks != nil {
		t = v.toks[id]
	} else {
		var ok bool
		if t, ok = v.sparse[id]; !ok {
			return "", false
		}
	}
	if t == "" {
		if eid, ok := v.ids[""]; !ok || eid != id {
			return "", false
		}
	}
	return t, true
}

// str returns the interned vocabulary string equal to b when id's token
// equals it, else a fresh string.
func (v *vocabTable) str(id int, b []byte) string {
	if id >= 0 && id <= v.max {
		if t := v.token(id); t == string(b) {
			return t
		}
	}
	return string(b)
}
