// This file implements the BPE model: characters (or byte-level runes)
// merged pair by pair in rank order, with unknown handling, byte fallback
// and a cache of merged words.

package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// bpe is the BPE model.
type bpe struct {
	vocabTable
	merges       map[uint64]uint64 // (a<<32|b) -> (rank<<32|new id)
	unk          string
	hasUnk       bool
	prefix       string
	suffix       string
	fuseUnk      bool
	byteFallback bool
	ignoreMerges bool
	byteIDs      [256]int
	cache        bpeCache
}

func (m *bpe) vocabSize() int { return len(m.ids) }

// bpeSym is one symbol of a word being merged.
type bpeSym struct {
	c          int32
	prev, next int32
	n          int32 // byte length, 0 once merged away
}

// bpeMerge is a candidate merge in the priority queue.
type bpeMerge struct {
	pos   int32
	rank  uint32
	newID int32
}

func mergeLess(a, b bpeMerge) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.pos < b.pos
}

// bpeCacheCap bounds the number of cached words, as in the Rust crate.
const (
	bpeCacheCap    = 10000
	bpeCacheMaxLen = 256
)

// bpeCache maps a word to its merged symbols (id, byte length pairs).
type bpeCache struct {
	mu sync.RWMutex
	m  map[string][]int32
}

func (c *bpeCache) get(b []byte) ([]int32, bool) {
	c.mu.RLock()
	v, ok := c.m[string(b)]
	c.mu.RUnlock()
	return v, ok
}

func (c *bpeCache) put(b []byte, v []int32) {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string][]int32)
	}
	if len(c.m) < bpeCacheCap {
		c.m[string(b)] = v
	}
	c.mu.Unlock()
}

func (m *bpe) tokenize(w *workspace, s []byte, out []token) ([]token, error) {
	if len(s) == 0 {
		return out, nil
	}
	if m.ignoreMerges {
		if id, ok := m.ids[string(s)]; ok {
			return append(out, token{id: id, val: m.token(id), a: 0, b: len(s)}), nil
		}
	}
	if v, ok := m.cache.get(s); ok {
		return m.emit(out, v), nil
	}
	syms, err := m.mergeWord(w, s)
	if err != nil {
		return out, err
	}
	v := make([]int32, 0, 2*len(syms))
	for _, sy := range syms {
		if sy.n > 0 {
			v = append(v, sy.c, sy.n)
		}
	}
	if len(s) < bpeCacheMaxLen {
		m.cache.put(s, v)
	}
	return m.emit(out, v), nil
}

func (m *bpe) emit(out []token, v []int32) []token {
	pos := 0
	for k := 0; k < len(v); k += 2 {
		id := int(v[k])
		n := int(v[k+1])
		out = append(out, token{id: id, val: m.token(id), a: pos, b: pos + n})
		pos += n
	}
	return out
}

// mergeWord splits s into initial symbols and applies the merges.
func (m *bpe) mergeWord(w *workspace, s []byte) ([]bpeSym, error) {
	syms := make([]bpeSym, 0, len(s))
	add := func(c, n int) {
		prev := int32(len(syms) - 1)
		if len(syms) > 0 {
			syms[len(syms)-1].next = int32(len(syms))
		}
		syms = append(syms, bpeSym{c: int32(c), prev: prev, next: -1, n: int32(n)})
	}
	unkID, unkLen := -1, 0
	buf := w.wb[:0]
	for i := 0; i < len(s); {
		sz := 1
		if s[i] >= utf8.RuneSelf {
			_, sz = utf8.DecodeRune(s[i:])
		}
		ch := s[i : i+sz]
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, m.prefix...)
		}
		buf = append(buf, ch...)
		if i+sz == len(s) {
			buf = append(buf, m.suffix...)
		}
		i += sz
		if id, ok := m.ids[string(buf)]; ok {
			if unkID >= 0 {
				add(unkID, unkLen)
				unkID = -1
			}
			add(id, sz)
			continue
		}
		if m.byteFallback {
			ok := true
			for _, c := range buf {
				if m.byteIDs[c] < 0 {
					ok = false
					break
				}
			}
			if ok {
				for _, c := range buf {
					add(m.byteIDs[c], 1)
				}
				continue
			}
		}
		if m.unk != "" {
			if !m.hasUnk {
				w.wb = buf
				return nil, fmt.Errorf("tokenizer: BPE unk token %s is not in the vocabulary: %w", quoteShort(m.unk), errs.ErrInvalidInput)
			}
			id := m.ids[m.unk]
			switch {
			case unkID >= 0 && m.fuseUnk:
				unkLen += sz
			case unkID >= 0:
				add(unkID, unkLen)
				unkID, unkLen = id, sz
			default:
				unkID, unkLen = id, sz
			}
		}
	}
	w.wb = buf
	if unkID >= 0 {
		add(unkID, unkLen)
	}
	// priority queue of merges
	q := make([]bpeMerge, 0, len(syms))
	push := func(x bpeMerge) {
		q = append(q, x)
		i := len(q) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !mergeLess(q[i], q[p]) {
				break
			}
			q[i], q[p] = q[p], q[i]
			i = p
		}
	}
	pop := func() bpeMerge {
		top := q[0]
		last := len(q) - 1
		q[0] = q[last]
		q = q[:last]
		i := 0
		for {
			l := 2*i + 1
			if l >= len(q) {
				break
			}
			c := l
			if r := l + 1; r < len(q) && mergeLess(q[r], q[l]) {
				c = r
			}
			if !mergeLess(q[c], q[i]) {
				break
			}
			q[i], q[c] = q[c], q[i]
			i = c
		}
		return top
	}
	lookup := func(a, b int32) (uint64, bool) {
		v, ok := m.merges[uint64(uint32(a))<<32|uint64(uint32(b))]
		return v, ok
	}
	for i := 0; i+1 < len(syms); i++ {
		if v, ok := lookup(syms[i].c, syms[i+1].c); ok {
			push(bpeMerge{pos: int32(i), rank: uint32(v >> 32), newID: int32(uint32(v))})
		}
	}
	for len(q) > 0 {
		top := pop()
		cur := &syms[top.pos]
		if cur.n == 0 || cur.next == -1 {
			continue
		}
		nextPos := cur.next
		right := syms[nextPos]
		v, ok := lookup(cur.c, right.c)
		if !ok || int32(uint32(v)) != top.newID {
			continue
		}
		cur.c = top.newID
		cur.n += right.n
		cur.next = right.next
		syms[nextPos].n = 0
		if right.next > -1 && int(right.next) < len(syms) {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if v, ok := lookup(syms[cur.prev].c, cur.c); ok {
				push(bpeMerge{pos: cur.prev, rank: uint32(v >> 32), newID: int32(uint32(v))})
			}
		}
		if nx := cur.next; nx >= 0 && int(nx) < len(syms) {
			if v, ok := lookup(cur.c, syms[nx].c); ok {
				push(bpeMerge{pos: top.pos, rank: uint32(v >> 32), newID: int32(uint32(v))})
			}
		}
	}
	return syms, nil
}

func parseBPE(o obj) (model, error) {
	v, err := parseVocabMap(o)
	if err != nil {
		return nil, err
	}
	m := &bpe{vocabTable: v}
	if o.has("dropout") {
		var d float64
		if err := json.Unmarshal(o.m["dropout"], &d); err != nil {
			return nil, fieldErr(o.path+".dropout", "expected a number")
		}
		if d > 0 {
			return nil, &FieldError{Field: o.path + ".dropout", Err: fmt.Errorf("BPE dropout %v (only deterministic BPE is supported): %w", d, errs.ErrUnsupported)}
		}
	}
	if m.unk, err = o.str("unk_token", "", false); err != nil {
		return nil, err
	}
	_, m.hasUnk = v.ids[m.unk]
	if m.prefix, err = o.str("continuing_subword_prefix", "", false); err != nil {
		return nil, err
	}
	if m.suffix, err = o.str("end_of_word_suffix", "", false); err != nil {
		return nil, err
	}
	if m.fuseUnk, err = o.boolean("fuse_unk", false); err != nil {
		return nil, err
	}
	if m.byteFallback, err = o.boolean("byte_fallback", false); err != nil {
		return nil, err
	}
	if m.ignoreMerges, err = o.boolean("ignore_merges", false); err != nil {
		return nil, err
	}
	for b := range m.byteIDs {
		m.byteIDs[b] = -1
		if id, ok := v.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteIDs[b] = id
		}
	}
	l, err := o.list("merges")
	if err != nil {
		return nil, err
	}
	m.merges = make(map[uint64]uint64, len(l))
	rank := 0
	var nt []byte
	for i, r := range l {
		p := func() string { return fmt.Sprintf("%s.merges[%d]", o.path, i) }
		var a, b string
		var str string
		var pair []string
		if isString(r) && jsonString(r, &str) {
			if strings.HasPrefix(str, "#version") {
				continue
			}
			var ok bool
			if a, b, ok = strings.Cut(str, " "); !ok || strings.IndexByte(b, ' ') >= 0 {
				return nil, fieldErr(p(), "expected \"a b\"")
			}
		} else if json.Unmarshal(r, &pair) == nil && len(pair) == 2 {
			a, b = pair[0], pair[1]
		} else {
			return nil, fieldErr(p(), "expected \"a b\" or [\"a\", \"b\"]")
		}
		ai, ok := v.ids[a]
		if !ok {
			return nil, fieldErr(p(), "merge token %s not in the vocabulary", quoteShort(a))
		}
		bi, ok := v.ids[b]
		if !ok {
			return nil, fieldErr(p(), "merge token %s not in the vocabulary", quoteShort(b))
		}
		cut := min(len(m.prefix), len(b))
		nt = append(append(nt[:0], a...), b[cut:]...)
		ni, ok := v.ids[string(nt)]
		if !ok {
			return nil, fieldErr(p(), "merged token %s not in the vocabulary", quoteShort(string(nt)))
		}
		m.merges[uint64(uint32(ai))<<32|uint64(uint32(bi))] = uint64(rank)<<32 | uint64(uint32(ni))
		rank++
	}
	return m, nil
}
