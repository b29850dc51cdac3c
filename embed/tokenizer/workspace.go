// This file holds the per-call scratch state, reused across calls through a
// sync.Pool so that encoding allocates little more than its result.

package tokenizer

import (
	"sync"
	"unicode/utf8"
)

// workspace is the scratch memory of one encode call.
type workspace struct {
	ar    arena
	tb    []byte
	ta    []span
	rcs   []rc
	dec   []decEntry
	ms    []match
	wb    []byte
	toks  []token
	pbufs [][]nstr
	pnext int
	seqs  [2]seq
	parts []part
	lat   []latNode
	// chunks are the two chunks of a text encoded chunk by chunk.
	chunks [2]chunk
}

var workspaces = sync.Pool{New: func() any { return newWorkspace() }}

func newWorkspace() *workspace { return &workspace{} }

func getWorkspace() *workspace {
	w := workspaces.Get().(*workspace)
	w.ar.reset()
	w.pnext = 0
	return w
}

func putWorkspace(w *workspace) {
	// Do not keep the buffers of a huge text around.
	const limit = 1 << 20
	if cap(w.ar.b) > 4*limit || cap(w.ar.a) > limit {
		w.ar = arena{}
	}
	if cap(w.tb) > limit || cap(w.ta) > limit || cap(w.rcs) > limit || cap(w.dec) > limit ||
		cap(w.ms) > limit || cap(w.toks) > limit || cap(w.lat) > limit {
		*w = workspace{}
	}
	for i := range w.chunks {
		c := &w.chunks[i]
		if cap(c.ar.b) > 4*limit || cap(c.ar.a) > limit {
			c.ar = arena{}
		}
		if cap(c.raw) > limit/64 || cap(c.pieces) > limit/64 {
			c.raw, c.pieces = nil, nil
		}
	}
	for i := range w.pbufs {
		if cap(w.pbufs[i]) > limit {
			w.pbufs[i] = nil
		}
	}
	for i := range w.seqs {
		if cap(w.seqs[i].ids) > limit {
			w.seqs[i] = seq{}
		}
		w.seqs[i].text = ""
	}
	workspaces.Put(w)
}

// newPieces returns an empty piece list owned by the workspace.
func (w *workspace) newPieces() []nstr {
	if w.pnext == len(w.pbufs) {
		w.pbufs = append(w.pbufs, make([]nstr, 0, 16))
	}
	p := w.pbufs[w.pnext][:0]
	w.pnext++
	return p
}

// keepPieces stores p, grown from the list newPieces handed out as the
// k-th (k = w.pnext before the call), back in its slot once p is no longer
// used, so that the next use of the slot reuses its memory.
func (w *workspace) keepPieces(k int, p []nstr) {
	if k >= 0 && k < len(w.pbufs) && cap(p) > cap(w.pbufs[k]) {
		w.pbufs[k] = p[:0]
	}
}

// input turns the text into the first piece: invalid UTF-8 bytes become
// U+FFFD, each aligned with the one byte it replaces.
func (w *workspace) input(text string) nstr { return w.inputAt(text, 0) }

// inputAt is input for text found at byte base of the whole input: the
// alignments are offsets into the whole input.
func (w *workspace) inputAt(text string, base int) nstr {
	nb := w.tb[:0]
	na := w.ta[:0]
	for i := 0; i < len(text); {
		c := text[i]
		o := int32(base + i)
		if c < utf8.RuneSelf {
			nb = append(nb, c)
			na = append(na, span{o, o + 1})
			i++
			continue
		}
		r, sz := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && sz == 1 {
			nb = append(nb, "\uFFFD"...)
			na = append(na, span{o, o + 1}, span{o, o + 1}, span{o, o + 1})
			i++
			continue
		}
		nb = append(nb, text[i:i+sz]...)
		for k := 0; k < sz; k++ {
			na = append(na, span{o, o + int32(sz)})
		}
		i += sz
	}
	w.tb, w.ta = nb, na
	s, al := w.ar.commit(nb, na)
	return nstr{s: s, al: al, o0: base, o1: base + len(text), tok: -1}
}
