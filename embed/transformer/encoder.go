// encoder.go runs the BERT / RoBERTa encoder stack over a batch of token
// sequences. Sequences are packed row after row without padding: every
// operation but attention works row by row, and attention runs per
// sequence over its own rows only, which equals masked attention over a
// right-padded batch (masked scores contribute exactly zero).

package transformer

import (
	"fmt"
	"math"
)

// encoder is the transformer proper: embeddings and layers.
type encoder struct {
	cfg *config
	w   *weights
}

// sequence is one tokenised text.
type sequence struct {
	ids     []int
	typeIDs []int // nil means all zero
}

// workspace holds one worker's activations; buffers grow to the largest
// batch seen and are reused, so the hot path does not allocate.
type workspace struct {
	x, qkv, ctx, tmp, ffn, scores []float32
	pos                           []int
	// Used by Encode around the encoder.
	seqs          []sequence
	mask          []int
	pooled, dense []float32
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n, n+n/4)
	}
	return buf[:n]
}

// check validates token and type ids against the embedding tables.
func (e *encoder) check(s sequence) error {
	c := e.cfg
	if len(s.ids) > c.maxTokens() {
		return fmt.Errorf("transformer: %d tokens exceed the model's %d positions", len(s.ids), c.maxTokens())
	}
	for _, id := range s.ids {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("%w: token id %d outside the vocabulary of %d (tokenizer does not match the model)", ErrBadModel, id, c.VocabSize)
		}
	}
	for _, t := range s.typeIDs {
		if t < 0 || t >= c.TypeVocabSize {
			return fmt.Errorf("%w: token type id %d outside type_vocab_size %d", ErrBadModel, t, c.TypeVocabSize)
		}
	}
	if s.typeIDs != nil && len(s.typeIDs) != len(s.ids) {
		return fmt.Errorf("transformer: %d type ids for %d tokens", len(s.typeIDs), len(s.ids))
	}
	return nil
}

// forward computes the last hidden state of every token of seqs. It
// returns ws.x: the rows of all sequences one after another (row offsets
// are the running sum of the sequence lengths), hidden_size wide.
func (e *encoder) forward(ws *workspace, seqs []sequence) ([]float32, error) {
	total := 0
	for _, s := range seqs {
		if err := e.check(s); err != nil {
			return nil, err
		}
		total += len(s.ids)
	}
	c, h := e.cfg, e.cfg.HiddenSize
	ws.x = grow(ws.x, total*h)
	ws.qkv = grow(ws.qkv, total*3*h)
	ws.ctx = grow(ws.ctx, total*h)
	ws.tmp = grow(ws.tmp, total*h)
	ws.ffn = grow(ws.ffn, total*c.IntermediateSize)
	x := ws.x
	if total == 0 {
		return x, nil
	}

	e.embed(ws, seqs)
	for li := range e.w.layers {
		l := &e.w.layers[li]
		// Self-attention.
		l.qkv.forward(ws.qkv, x, total)
		e.attention(ws, seqs)
		l.attnOut.forward(ws.tmp, ws.ctx, total)
		add(ws.tmp, x)
		copy(x, ws.tmp)
		layerNorm(x, total, h, l.attnLNW, l.attnLNB, c.eps)
		// Feed-forward.
		l.intermediate.forward(ws.ffn, x, total)
		c.act(ws.ffn)
		l.output.forward(ws.tmp, ws.ffn, total)
		add(x, ws.tmp)
		layerNorm(x, total, h, l.outLNW, l.outLNB, c.eps)
	}
	return x, nil
}

// embed writes word + position + token type embeddings, layer-normalised,
// into ws.x.
func (e *encoder) embed(ws *workspace, seqs []sequence) {
	c, h, w := e.cfg, e.cfg.HiddenSize, e.w
	row := 0
	for _, s := range seqs {
		ws.pos = positions(ws.pos[:0], s.ids, c)
		for i, id := range s.ids {
			t := 0
			if s.typeIDs != nil {
				t = s.typeIDs[i]
			}
			dst := ws.x[(row+i)*h : (row+i+1)*h]
			we := w.word[id*h : (id+1)*h]
			pe := w.pos[ws.pos[i]*h : (ws.pos[i]+1)*h]
			te := w.typ[t*h : (t+1)*h]
			for j := range dst {
				dst[j] = we[j] + te[j] + pe[j]
			}
		}
		row += len(s.ids)
	}
	layerNorm(ws.x, row, h, w.embLNW, w.embLNB, c.eps)
}

// positions appends the position ids of a sequence: 0..n-1 for BERT; for
// RoBERTa, as transformers' create_position_ids_from_input_ids, padding_idx
// plus the running count of non-padding tokens (padding_idx itself for a
// padding token).
func positions(dst []int, ids []int, c *config) []int {
	if c.family != familyRoBERTa {
		for i := range ids {
			dst = append(dst, i)
		}
		return dst
	}
	n := 0
	for _, id := range ids {
		if id == c.pad {
			dst = append(dst, c.pad)
			continue
		}
		n++
		dst = append(dst, c.pad+n)
	}
	return dst
}

// attention computes each sequence's multi-head self-attention from the
// fused QKV rows in ws.qkv into ws.ctx, one head at a time.
func (e *encoder) attention(ws *workspace, seqs []sequence) {
	h := e.cfg.HiddenSize
	heads := e.cfg.NumHeads
	dh := h / heads
	scale := float32(1 / math.Sqrt(float64(dh)))
	row := 0
	for _, s := range seqs {
		n := len(s.ids)
		ws.scores = grow(ws.scores, n*n)
		qkv := ws.qkv[row*3*h:]
		ctx := ws.ctx[row*h:]
		for hd := 0; hd < heads; hd++ {
			q := qkv[hd*dh:]
			k := qkv[h+hd*dh:]
			v := qkv[2*h+hd*dh:]
			mulABt(ws.scores, n, q, 3*h, k, 3*h, n, n, dh, scale)
			for i := 0; i < n; i++ {
				softmax(ws.scores[i*n : i*n+n])
			}
			mulAB(ctx[hd*dh:], h, ws.scores, n, v, 3*h, n, dh, n)
		}
		row += n
	}
}
