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

// keepPieces stores a grown piece list back so its memory is reused.
func (w *workspace) keepPieces(p []nstr) {
	for i := w.pnext - 1; i >= 0; i-- {
		if cap(w.pbufs[i]) < cap(p) && len(w.pbufs[i]) == 0 {
			w.pbufs[i] = p[:0]
			return
		}
	}
}

// input turns the text into the first piece: invalid UTF-8 bytes become
// U+FFFD, each aligned with the one byte it replaces.
func (w *workspace) input(text string) nstr {
	nb := w.tb[:0]
	na := w.ta[:0]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			nb = append(nb, c)
			na = append(na, span{int32(i), int32(i + 1)})
			i++
			continue
		}
		r, sz := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && sz == 1 {
			nb = append(nb, "\uFFFD"...)
			na = append(na, span{int32(i), int32(i + 1)}, span{int32(i), int32(i + 1)}, span{int32(i), int32(i + 1)})
			i++
			continue
		}
		nb = append(nb, text[i:i+sz]...)
		for k := 0; k < sz; k++ {
			na = append(na, span{int32(i), int32(i + sz)})
		}
		i += sz
	}
	w.tb, w.ta = nb, na
	s, al := w.ar.commit(nb, na)
	return nstr{s: s, al: al, o0: 0, o1: len(text), tok: -1}
}
