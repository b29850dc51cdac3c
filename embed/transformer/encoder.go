// encoder.go runs the BERT / RoBERTa encoder stack over a batch of token
// sequences. Sequences are packed row after row without padding: every
// operation but attention works row by row, and attention runs per
// sequence over its own rows only, which equals masked attention over a
// right-padded batch (masked scores contribute exactly zero).

package transformer

import (
	"fmt"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/nn"
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

// check validates token and type ids against the embedding tables. Its
// error says what is wrong and wraps no sentinel: the caller knows whose
// fault it is (the caller's ids, or a tokenizer that does not match the
// model).
func (e *encoder) check(s sequence) error {
	c := e.cfg
	if len(s.ids) > c.maxTokens() {
		return fmt.Errorf("%d tokens exceed the model's %d positions", len(s.ids), c.maxTokens())
	}
	for _, id := range s.ids {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("token id %d outside the vocabulary of %d", id, c.VocabSize)
		}
	}
	for _, t := range s.typeIDs {
		if t < 0 || t >= c.TypeVocabSize {
			return fmt.Errorf("token type id %d outside type_vocab_size %d", t, c.TypeVocabSize)
		}
	}
	if s.typeIDs != nil && len(s.typeIDs) != len(s.ids) {
		return fmt.Errorf("%d type ids for %d tokens", len(s.typeIDs), len(s.ids))
	}
	return nil
}

// forward computes the last hidden state of every token of seqs on r's
// workers. It returns r.x: the rows of all sequences one after another
// (row offsets are the running sum of the sequence lengths), hidden_size
// wide.
//
// With several workers the batch is split one of two ways. A batch with
// enough texts is cut into spans of whole texts with about the same work,
// and each worker runs the whole network over the spans it takes, with no
// synchronisation until the end (splitSpans). A batch of a few texts
// (batch size 1, or very long texts) runs as one span whose products are
// split over row blocks and column panels, and whose attention is split
// over (text, head) pairs, with one barrier per step.
func (e *encoder) forward(r *runner, seqs []sequence) ([]float32, error) {
	for _, s := range seqs {
		if err := e.check(s); err != nil {
			return nil, fmt.Errorf("transformer: %v (the tokenizer does not match the model): %w", err, errs.ErrCorrupt)
		}
	}
	total := r.prepare(seqs)
	x := r.x[:total*e.cfg.HiddenSize]
	if total == 0 {
		return x, nil
	}
	if parts := r.splitSpans(seqs); parts > 1 {
		r.gw.For(parts, r.spanFn)
		return x, nil
	}
	r.embed(seqs)
	r.layers(0, span{s0: 0, s1: len(seqs), r0: 0, r1: total}, true)
	return x, nil
}

// span is a run of whole sequences of a batch, [s0, s1), and their rows,
// [r0, r1).
type span struct{ s0, s1, r0, r1 int }

// layers runs the encoder layers over the rows of sp. With shared, the
// steps are split across all workers (sp is then the whole batch);
// otherwise everything runs on the calling goroutine, which is worker.
func (r *runner) layers(worker int, sp span, shared bool) {
	c, h := r.e.cfg, r.e.cfg.HiddenSize
	rows := sp.r1 - sp.r0
	x := r.x[sp.r0*h : sp.r1*h]
	ctx := r.ctx[sp.r0*h : sp.r1*h]
	big := r.big[sp.r0*r.bigWidth : sp.r1*r.bigWidth]
	qkv := big[:rows*3*h]
	ffn := big[:rows*c.IntermediateSize]
	for li := range r.e.w.layers {
		l := &r.e.w.layers[li]
		// Self-attention: x = LN(x + Attention(x)·Woᵀ + bo).
		r.mul(worker, shared, &l.qkv, qkv, x, rows, gemm.Epilogue{Bias: l.qkv.B})
		if shared {
			r.attention(sp)
		} else {
			for i := sp.s0; i < sp.s1; i++ {
				for hd := 0; hd < c.NumHeads; hd++ {
					r.attend(worker, i, hd, qkv, ctx, sp.r0)
				}
			}
		}
		sum := r.addInto(worker, shared, &l.attnOut, x, ctx, big, rows)
		r.layerNorm(shared, x, sum, l.attnLNW, l.attnLNB, rows)
		// Feed-forward: x = LN(x + act(x·W1ᵀ + b1)·W2ᵀ + b2).
		r.mul(worker, shared, &l.intermediate, ffn, x, rows, gemm.Epilogue{Bias: l.intermediate.B, Act: c.gemmAct})
		sum = r.addInto(worker, shared, &l.output, x, ffn, ctx, rows)
		r.layerNorm(shared, x, sum, l.outLNW, l.outLNB, rows)
	}
}

// runSpan embeds and encodes span i of r.spans on worker.
func (r *runner) runSpan(worker, i int) {
	sp := r.spans[i]
	for s := sp.s0; s < sp.s1; s++ {
		r.embedPart(worker, s)
	}
	r.layers(worker, sp, false)
}

// embed writes word + position + token type embeddings, layer-normalised,
// into r.x: one part per sequence.
func (r *runner) embed(seqs []sequence) {
	total := r.offs[len(seqs)-1] + len(seqs[len(seqs)-1].ids)
	if r.nw == 1 || total < minParallelRows {
		for i := range seqs {
			r.embedPart(0, i)
		}
		return
	}
	r.gw.For(len(seqs), r.embFn)
}

// embedPart embeds sequence i of the batch.
func (r *runner) embedPart(worker, i int) {
	e := r.e
	c, h, w := e.cfg, e.cfg.HiddenSize, e.w
	s := r.seqsNow[i]
	row := r.offs[i]
	x := r.x[row*h : (row+len(s.ids))*h]
	r.pos[worker] = positions(r.pos[worker][:0], s.ids, c)
	for t, id := range s.ids {
		typ := 0
		if s.typeIDs != nil {
			typ = s.typeIDs[t]
		}
		p := r.pos[worker][t]
		dst := x[t*h : (t+1)*h]
		nn.Add(dst, w.word[id*h:(id+1)*h], w.typ[typ*h:(typ+1)*h])
		nn.Add(dst, dst, w.pos[p*h:(p+1)*h])
	}
	nn.LayerNorm(x, x, w.embLNW, w.embLNB, c.eps)
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
