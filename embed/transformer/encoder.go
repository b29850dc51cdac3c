// encoder.go runs the encoder stack of every family (see family.go) over
// a batch of token sequences. Sequences are packed row after row without padding: every
// operation but attention works row by row, and attention runs per
// sequence over its own rows only, which equals masked attention over a
// right-padded batch (masked scores contribute exactly zero).

package transformer

import (
	"fmt"
	"math"
	"sync"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/nn"
)

// encoder is the transformer proper: embeddings and layers.
type encoder struct {
	cfg *config
	w   *weights

	// relTable is biasRelBuckets' bias per head and relative position
	// (see relBiasTable), for sequences of up to relN tokens.
	relTable []float32
	relN     int

	ropeMu sync.Mutex
	ropes  *[2]*rope // posRotary: global and local layers' tables, grown on demand
}

// newEncoder returns the encoder of c's family with weights w,
// precomputing its position tables.
func newEncoder(c *config, w *weights) *encoder {
	e := &encoder{cfg: c, w: w}
	switch c.fam.attnBias {
	case biasNone:
	case biasRelBuckets:
		e.relN = c.maxTokens()
		e.relTable = relBiasTable(w.relBias, c.NumHeads, e.relN)
	}
	return e
}

// ropesFor returns rotary tables covering n positions, computing larger
// ones when needed. A table once returned is never written again, so a
// call running on an older, shorter table is unaffected.
func (e *encoder) ropesFor(n int) *[2]*rope {
	e.ropeMu.Lock()
	defer e.ropeMu.Unlock()
	if e.ropes != nil && len(e.ropes[0].cos) >= n*e.ropes[0].half {
		return e.ropes
	}
	c := e.cfg
	n = max(n, 128) // texts grow a few tokens at a time: round up
	dh := c.headDim
	e.ropes = &[2]*rope{newRope(c.globalTheta, dh, n), newRope(c.localTheta, dh, n)}
	return e.ropes
}

// local reports whether layer li attends within a sliding window.
func (c *config) local(li int) bool {
	if c.localLayers != nil {
		return c.localLayers[li]
	}
	return c.fam.localAttention && li%c.globalEvery != 0
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
	if !c.fam.tokenTypes {
		return nil // type ids are not used
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
	if e.cfg.fam.positions == posRotary {
		r.ropes = e.ropesFor(r.longest)
	}
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
//
// A post-norm layer (BERT) computes x = LN(x + Attention(x)) and then
// x = LN(x + MLP(x)); a pre-norm layer (ModernBERT) x = x + Attention(LN(x))
// and x = x + MLP(LN(x)), with a last LayerNorm after all layers.
func (r *runner) layers(worker int, sp span, shared bool) {
	c, h := r.e.cfg, r.e.cfg.HiddenSize
	pre := c.fam.preNorm
	rows := sp.r1 - sp.r0
	x := r.x[sp.r0*h : sp.r1*h]
	cw := c.ctxWidth()
	ctx := r.ctx[sp.r0*cw : sp.r1*cw]
	big := r.big[sp.r0*r.bigWidth : sp.r1*r.bigWidth]
	qkv := big[:rows*c.qkvWidth()]
	for li := range r.e.w.layers {
		l := &r.e.w.layers[li]
		// Self-attention.
		in := x
		if pre && l.attnLNW != nil {
			r.layerNorm(shared, ctx, x, l.attnLNW, l.attnLNB, rows)
			in = ctx
		}
		r.mul(worker, shared, &l.qkv, qkv, in, rows, gemm.Epilogue{Bias: l.qkv.B})
		if c.fam.decoder {
			r.prepareQK(l, li, sp, qkv)
		}
		if shared {
			r.attention(sp, li)
		} else {
			for i := sp.s0; i < sp.s1; i++ {
				for hd := 0; hd < c.NumHeads; hd++ {
					r.attend(worker, i, hd, li, qkv, ctx, sp.r0)
				}
			}
		}
		if l.attnPostW != nil {
			// x += PostNorm(ctx·Woᵀ), the product held in big (its QKV
			// rows are spent).
			r.addNormed(worker, shared, &l.attnOut, x, ctx, big, l.attnPostW, rows)
		} else {
			sum := r.addInto(worker, shared, &l.attnOut, x, ctx, big, rows)
			r.residual(shared, pre, x, sum, l.attnLNW, l.attnLNB, rows)
		}
		// Feed-forward.
		in = x
		if pre {
			r.layerNorm(shared, ctx, x, l.outLNW, l.outLNB, rows)
			in = ctx
		}
		inner := r.mlpInner(worker, shared, l, big, in, rows)
		if l.outPostW != nil {
			r.addNormed(worker, shared, &l.output, x, inner, ctx, l.outPostW, rows)
		} else {
			sum := r.addInto(worker, shared, &l.output, x, inner, ctx, rows)
			r.residual(shared, pre, x, sum, l.outLNW, l.outLNB, rows)
		}
	}
	if r.e.w.finalLNW != nil {
		r.layerNorm(shared, x, x, r.e.w.finalLNW, r.e.w.finalLNB, rows)
	}
}

// addNormed adds Norm(a·wᵀ + b) to the residual stream x, the product
// computed into scratch: the output norm of Gemma3's sublayers
// (post_attention_layernorm, post_feedforward_layernorm).
func (r *runner) addNormed(worker int, shared bool, l *linear, x, a, scratch, normW []float32, rows int) {
	out := scratch[:rows*l.Out]
	r.mul(worker, shared, l, out, a, rows, gemm.Epilogue{Bias: l.B})
	r.layerNorm(shared, out, out, normW, nil, rows)
	nn.Add(x[:rows*l.Out], x[:rows*l.Out], out)
}

// residual stores x + f(·), computed into sum (x itself, or scratch on
// the int8 path), into the residual stream x: layer-normalised for a
// post-norm family, as it is for a pre-norm one.
func (r *runner) residual(shared, pre bool, x, sum, lnW, lnB []float32, rows int) {
	if !pre {
		r.layerNorm(shared, x, sum, lnW, lnB, rows)
	} else if &sum[0] != &x[0] {
		copy(x, sum[:len(x)])
	}
}

// mlpInner computes the MLP's inner rows from in into big and returns
// them: act(in·W1ᵀ + b1), or for a gated MLP act(in·W1ᵀ)·(in·Wgᵀ), the
// gate's rows held in big after the input's.
func (r *runner) mlpInner(worker int, shared bool, l *layer, big, in []float32, rows int) []float32 {
	act := r.e.cfg.gemmAct
	ffn := l.intermediate.Out
	inner := big[:rows*ffn]
	r.mul(worker, shared, &l.intermediate, inner, in, rows, gemm.Epilogue{Bias: l.intermediate.B, Act: act})
	if f := r.e.cfg.postAct; f != nil {
		f(inner)
	}
	if l.gate.Out == 0 {
		return inner
	}
	gate := big[rows*ffn : 2*rows*ffn]
	r.mul(worker, shared, &l.gate, gate, in, rows, gemm.Epilogue{Bias: l.gate.B})
	nn.Mul(inner, inner, gate)
	return inner
}

// runSpan embeds and encodes span i of r.spans on worker.
func (r *runner) runSpan(worker, i int) {
	sp := r.spans[i]
	for s := sp.s0; s < sp.s1; s++ {
		r.embedPart(worker, s)
	}
	r.layers(worker, sp, false)
}

// embed writes word + token type + position embeddings (those the family
// has), layer-normalised,
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
	if w.pos != nil {
		r.pos[worker] = positions(r.pos[worker][:0], s.ids, c)
	}
	for t, id := range s.ids {
		dst := x[t*h : (t+1)*h]
		copy(dst, w.word[id*h:(id+1)*h])
		if c.fam.embedScale {
			// Gemma: × √hidden_size, the scale rounded to float32 as the
			// reference's embed_scale buffer is.
			sc := float32(math.Sqrt(float64(h)))
			for i := range dst {
				dst[i] *= sc
			}
		}
		if w.typ != nil {
			typ := 0
			if s.typeIDs != nil {
				typ = s.typeIDs[t]
			}
			nn.Add(dst, dst, w.typ[typ*h:(typ+1)*h])
		}
		if w.pos != nil {
			p := r.pos[worker][t]
			nn.Add(dst, dst, w.pos[p*h:(p+1)*h])
		}
	}
	if w.embLNW != nil {
		nn.LayerNorm(x, x, w.embLNW, w.embLNB, c.eps)
	}
}

// prepareQK normalises (per-head RMSNorm, when the layer has one) and
// rotates the queries and keys of the rows of sp in qkv, before
// attention: done once per key/value head here, since grouped-query
// attention shares each among several query heads.
func (r *runner) prepareQK(l *layer, li int, sp span, qkv []float32) {
	c := r.e.cfg
	dh, qw := c.headDim, c.qkvWidth()
	heads := c.NumHeads + c.kvHeads // queries then keys; values untouched
	rp := r.ropes[0]
	if c.local(li) {
		rp = r.ropes[1] // Gemma3: the sliding layers' own theta
	}
	for s := sp.s0; s < sp.s1; s++ {
		n := len(r.seqsNow[s].ids)
		base := (r.offs[s] - sp.r0) * qw
		for hd := 0; hd < heads; hd++ {
			col := qkv[base+hd*dh:]
			if l.qNorm != nil {
				g := l.qNorm
				if hd >= c.NumHeads {
					g = l.kNorm
				}
				for t := 0; t < n; t++ {
					v := col[t*qw : t*qw+dh]
					rmsNorm(v, v, g, c.eps)
				}
			}
			rp.apply(col, n, qw)
		}
	}
}

// norm normalises the rows of x (each len(w) wide) into dst with the
// family's norm: LayerNorm, or RMSNorm (b unused).
func (c *config) norm(dst, x, w, b []float32) {
	if !c.fam.rmsNorm {
		nn.LayerNorm(dst, x, w, b, c.eps)
		return
	}
	h := len(w)
	for i := 0; i+h <= len(x); i += h {
		rmsNorm(dst[i:i+h], x[i:i+h], w, c.eps)
	}
}

// rmsNorm sets dst = x / sqrt(mean(x²) + eps) · w for one row, as
// transformers' Qwen3RMSNorm does in float32 (the mean accumulated in
// float64 here).
func rmsNorm(dst, x, w []float32, eps float32) {
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	inv := float32(1 / math.Sqrt(float64(float32(ss/float64(len(x)))+eps)))
	for i, v := range x {
		dst[i] = w[i] * (v * inv)
	}
}

// positions appends the position ids of a sequence: 0..n-1 (posAbsolute);
// for posAfterPad, as transformers' create_position_ids_from_input_ids,
// padding_idx plus the running count of non-padding tokens (padding_idx
// itself for a padding token).
func positions(dst []int, ids []int, c *config) []int {
	if c.fam.positions != posAfterPad {
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
