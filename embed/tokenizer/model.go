// This file defines the model interface shared by WordPiece, Unigram and
// BPE, and the token type models produce.

package tokenizer

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
	table() *vocabTable
}

// vocabTable is a token-to-id map with its reverse.
type vocabTable struct {
	ids  map[string]int
	toks []string // by id; "" where no token has the id
}

func newVocabTable(n int) vocabTable {
	return vocabTable{ids: make(map[string]int, n)}
}

func (v *vocabTable) add(tok string, id int) {
	v.ids[tok] = id
	for len(v.toks) <= id {
		v.toks = append(v.toks, "")
	}
	v.toks[id] = tok
}

func (v *vocabTable) table() *vocabTable { return v }

func (v *vocabTable) tokenToID(tok string) (int, bool) {
	id, ok := v.ids[tok]
	return id, ok
}

func (v *vocabTable) idToToken(id int) (string, bool) {
	if id < 0 || id >= len(v.toks) {
		return "", false
	}
	t := v.toks[id]
	if t == "" {
		if _, ok := v.ids[""]; !ok || v.ids[""] != id {
			return "", false
		}
	}
	return t, true
}

// str returns the interned vocabulary string equal to b when id's token
// equals it, else a fresh string.
func (v *vocabTable) str(id int, b []byte) string {
	if id >= 0 && id < len(v.toks) && v.toks[id] == string(b) {
		return v.toks[id]
	}
	return string(b)
}
