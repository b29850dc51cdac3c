// This file implements the Unigram model (SentencePiece): the Viterbi best
// segmentation with the Rust crate's tie-breaking, unknown-character fusing
// and byte fallback.

package tokenizer

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

const unkPenalty = 10.0

// unigram is the Unigram model.
type unigram struct {
	vocabTable
	scores   []float64
	unkID    int // -1 when absent
	byteFB   bool
	minScore float64
	trie     byteTrie
	byteIDs  [256]int // <0xXX> token ids for byte fallback, -1 if absent
}

func (m *unigram) vocabSize() int { return len(m.scores) }

// latNode is a Viterbi cell: the best path ending at a byte position.
type latNode struct {
	id    int32
	start int32 // -1: unreached
	score float64
}

func (m *unigram) tokenize(w *workspace, s []byte, out []token) ([]token, error) {
	if len(s) == 0 {
		return out, nil
	}
	n := len(s)
	if cap(w.lat) < n+1 {
		w.lat = make([]latNode, n+1)
	}
	lat := w.lat[:n+1]
	for i := range lat {
		lat[i] = latNode{start: -1}
	}
	lat[0].start = 0 // the origin has score 0
	unkScore := m.minScore - unkPenalty
	for i := 0; i < n; {
		base := lat[i].score
		mblen := 1
		if s[i] >= utf8.RuneSelf {
			_, mblen = utf8.DecodeRune(s[i:])
		}
		single := false
		node := int32(0)
		for j := i; j < n; j++ {
			node = m.trie.child(node, s[j])
			if node < 0 {
				break
			}
			id := m.trie.leaf[node]
			if id < 0 {
				continue
			}
			end := j + 1
			cand := m.scores[id] + base
			t := &lat[end]
			if t.start < 0 || cand > t.score || (end == 0) {
				t.score, t.start, t.id = cand, int32(i), id
			}
			if end-i == mblen {
				single = true
			}
		}
		if !single {
			if m.unkID < 0 {
				return out, fmt.Errorf("tokenizer: Unigram model has no unk_id and the text has an unknown character: %w", errs.ErrInvalidInput)
			}
			t := &lat[i+mblen]
			cand := unkScore + base
			if t.start < 0 || cand > t.score {
				t.score, t.start, t.id = cand, int32(i), int32(m.unkID)
			}
		}
		i += mblen
	}
	// Backtrack, fusing consecutive unknown pieces.
	first := len(out)
	end := n
	unkEnd := -1
	for end > 0 {
		c := lat[end]
		start := int(c.start)
		if int(c.id) == m.unkID {
			if unkEnd < 0 {
				unkEnd = end
			}
		} else {
			if unkEnd >= 0 {
				out = m.emit(out, s, end, unkEnd)
				unkEnd = -1
			}
			// A vocabulary piece: its id is the one the map gives for its
			// text (the trie stores exactly that id).
			id := int(c.id)
			out = append(out, token{id: id, val: m.toks[id], a: start, b: end})
		}
		end = start
	}
	if unkEnd >= 0 {
		out = m.emit(out, s, 0, unkEnd)
	}
	// reverse the pieces written backwards
	for a, b := first, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out, nil
}

// emit appends the token(s) for s[a:b]: its id if it is a vocabulary piece,
// byte-fallback tokens, or the unknown id with the text as its string.
// Byte-fallback tokens are appended in reverse, like everything here.
func (m *unigram) emit(out []token, s []byte, a, b int) []token {
	piece := s[a:b]
	if id, ok := m.ids[string(piece)]; ok {
		return append(out, token{id: id, val: m.str(id, piece), a: a, b: b})
	}
	if m.byteFB {
		ok := true
		for _, c := range piece {
			if m.byteIDs[c] < 0 {
				ok = false
				break
			}
		}
		if ok {
			for k := len(piece) - 1; k >= 0; k-- {
				id := m.byteIDs[piece[k]]
				out = append(out, token{id: id, val: m.toks[id], a: a, b: b})
			}
			return out
		}
	}
	return append(out, token{id: m.unkID, val: string(piece), a: a, b: b})
}

func parseUnigram(o obj) (model, error) {
	l, err := o.list("vocab")
	if err != nil {
		return nil, err
	}
	m := &unigram{vocabTable: vocabTable{ids: make(map[string]int, len(l)), toks: make([]string, 0, len(l)), max: len(l) - 1},
		scores: make([]float64, len(l)), minScore: math.Inf(1)}
	for i, r := range l {
		var piece string
		pair, ok := o.d.elements(bytes.TrimSpace(r))
		if !ok || len(pair) != 2 || !isString(pair[0]) || !jsonString(pair[0], &piece) {
			return nil, fieldErr(fmt.Sprintf("%s.vocab[%d]", o.path, i), "expected [piece, score]")
		}
		if len(piece) > maxTrieKey {
			return nil, &FieldError{Field: fmt.Sprintf("%s.vocab[%d]", o.path, i), Err: fmt.Errorf("piece of %d bytes (at most %d): %w", len(piece), maxTrieKey, errs.ErrUnsupported)}
		}
		sc, ok := parseSerdeFloat(pair[1])
		if !ok {
			return nil, fieldErr(fmt.Sprintf("%s.vocab[%d]", o.path, i), "expected a numeric score")
		}
		m.ids[piece] = i
		m.toks = append(m.toks, piece)
		m.scores[i] = sc
		if sc < m.minScore {
			m.minScore = sc
		}
	}
	m.unkID = -1
	if o.has("unk_id") {
		u, err := o.integer("unk_id", 0, true)
		if err != nil {
			return nil, err
		}
		if len(l) == 0 {
			return nil, fieldErr(o.path+".vocab", "empty vocabulary")
		}
		if u >= len(l) {
			return nil, fieldErr(o.path+".unk_id", "unk_id %d not in the vocabulary", u)
		}
		m.unkID = u
	}
	if m.byteFB, err = o.boolean("byte_fallback", false); err != nil {
		return nil, err
	}
	for b := range m.byteIDs {
		m.byteIDs[b] = -1
		if id, ok := m.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteIDs[b] = id
		}
	}
	keys := make([]string, 0, len(m.ids))
	for k := range m.ids {
		keys = append(keys, k)
	}
	m.trie = buildByteTrie(keys, m.ids, nil, false)
	return m, nil
}

// parseSerdeFloat parses a JSON number the way serde_json does without its
// float_roundtrip feature: the decimal significand as an integer (extra
// digits beyond u64 are dropped), then one multiplication or division by a
// power of ten. The result can be one ULP away from the correctly rounded
// value, exactly as in the Rust library.
func parseSerdeFloat(raw []byte) (float64, bool) {
	s := string(raw)
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\n' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if s == "" {
		return 0, false
	}
	neg := false
	i := 0
	if s[0] == '-' {
		neg = true
		i++
	}
	var sig uint64
	exp := 0
	digits := 0
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if overflow {
			exp++
		} else if sig > (math.MaxUint64-d)/10 {
			overflow = true
			exp++
		} else {
			sig = sig*10 + d
		}
		i++
		digits++
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		fd := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			d := uint64(s[i] - '0')
			if !overflow && sig <= (math.MaxUint64-d)/10 {
				sig = sig*10 + d
				exp--
			} else {
				overflow = true
			}
			i++
			fd++
		}
		if fd == 0 {
			return 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		e := 0
		ed := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e < 100000 {
				e = e*10 + int(s[i]-'0')
			}
			i++
			ed++
		}
		if ed == 0 {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(s) {
		return 0, false
	}
	f := float64(sig)
	for {
		a := exp
		if a < 0 {
			a = -a
		}
		if a <= 308 {
			p := math.Pow10(a)
			if exp >= 0 {
				f *= p
			} else {
				f /= p
			}
			break
		}
		if f == 0 {
			break
		}
		if exp >= 0 {
			return 0, false
		}
		f /= 1e308
		exp += 308
	}
	if neg {
		f = -f
	}
	return f, true
}
