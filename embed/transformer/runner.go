// runner.go holds runner, the per-call execution state of the forward
// pass: a gemm.Workers (the threads one Encode call uses), the activation
// buffers of the batch being encoded and each worker's attention buffer.
// Runners are pooled by the Model and reused, so steady-state encoding
// allocates nothing but its outputs.

package transformer

import (
	"math"
	"slices"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/nn"
)

// runner runs the encoder over one batch at a time on its workers. A
// runner is used by one goroutine at a time.
type runner struct {
	e  *encoder
	gw *gemm.Workers
	nw int

	// Activations of the batch, rows of all sequences one after another.
	x        []float32 // residual stream [T×h]; the last hidden state at the end
	big      []float32 // fused QKV [T×3h], later the FFN's inner rows [T×ffn]
	bigWidth int       // floats per row of big: max(3h, ffn)
	ctx      []float32 // attention context [T×h], later the int8 path's scratch
	offs     []int     // first row of each sequence
	pos      [][]int   // per worker: position ids of one sequence

	// Per worker: one head's scores of one query block of one sequence
	// [rows×n] (see blockRows).
	scores [][]float32

	longest  int       // the batch's longest sequence
	ropes    *[2]*rope // posRotary: the tables of this batch (global, local)
	curLayer int       // the layer attendPart works on

	// Used by Model around the encoder.
	prompt promptSpec // the running call's prompt
	order  []int      // input positions, longest first
	seqs   []sequence
	encs   []tokenizer.Encoding // the batch's tokenisations, reused
	errs   []error
	texts  []string // the batch being tokenised by tokFn
	idx    []int
	tokFn  func(worker, i int)
	pooled []float32
	dense  []float32

	// The job the bound callbacks below run (set before each For).
	seqsNow        []sequence
	lnDst, lnSrc   []float32
	lnW, lnB       []float32
	lnRows, lnPart int
	attnFn, lnFn   func(worker, i int)
	embFn, spanFn  func(worker, i int)
	spans          []span // the parts of a batch split by whole texts

	// spanRows is the fewest rows per span for splitting a batch by
	// whole texts (splitSpans); tests lower it to cover both modes.
	spanRows int
	// attnBudget bounds the attention scores a worker holds at a time
	// (see blockRows); tests lower it to cover blocked attention.
	attnBudget int
}

// newRunner starts a runner with the given number of threads.
func newRunner(e *encoder, threads int) *runner {
	r := &runner{e: e, gw: gemm.NewWorkers(threads)}
	r.nw = r.gw.N()
	r.scores = make([][]float32, r.nw)
	r.pos = make([][]int, r.nw)
	// Bound once: a method value made at each call would allocate.
	r.attnFn = r.attendPart
	r.lnFn = r.layerNormPart
	r.embFn = r.embedPart
	r.spanFn = r.runSpan
	r.spanRows = minSpanRows
	r.attnBudget = defaultAttnBudget
	return r
}

// close stops the runner's helper goroutines.
func (r *runner) close() { r.gw.Close() }

// keepRows is the most token rows a runner keeps buffers for between
// calls (about 8 MB for a MiniLM-sized model; a batch of 32 texts of 64
// tokens): a call with larger batches grows them for its duration only.
const keepRows = 2048

// trim drops activation buffers grown beyond keepRows rows.
func (r *runner) trim() {
	h := r.e.cfg.HiddenSize
	if cap(r.x) > keepRows*h {
		r.x, r.big, r.ctx = nil, nil, nil
	}
	for w, s := range r.scores {
		if cap(s) > keepRows*keepRows/64 { // a 256-token text's scores fit
			r.scores[w] = nil
		}
	}
	// Let go of the texts' token ids (the caller's, for EncodeTokenIDs).
	clear(r.seqs[:cap(r.seqs)])
	r.seqsNow, r.seqs = nil, r.seqs[:0]
	r.ropes = nil
}

// grow returns buf resized to n elements, reallocating only when it is too
// small (with a quarter of headroom).
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n, n+n/4)
	}
	return buf[:n]
}

// prepare sizes the activation buffers for seqs and records the row offset
// of each sequence. It returns the total number of rows.
func (r *runner) prepare(seqs []sequence) int {
	c := r.e.cfg
	h := c.HiddenSize
	r.offs = r.offs[:0]
	total, longest := 0, 0
	for _, s := range seqs {
		r.offs = append(r.offs, total)
		total += len(s.ids)
		longest = max(longest, len(s.ids))
	}
	r.x = grow(r.x, total*h)
	r.bigWidth = max(c.qkvWidth(), c.innerWidth())
	r.big = grow(r.big, total*r.bigWidth)
	r.ctx = grow(r.ctx, total*c.ctxWidth())
	for w := range r.scores {
		r.scores[w] = grow(r.scores[w], r.blockRows(longest)*longest)
		// Sized here, not by append in embedPart: which worker embeds the
		// longest text depends on scheduling, and a warm runner must not
		// allocate.
		r.pos[w] = slices.Grow(r.pos[w][:0], longest)
	}
	r.seqsNow = seqs
	r.longest = longest
	return total
}

// minSpanRows is the default of runner.spanRows: texts are split across
// workers only when each worker's spans hold at least this many token
// rows. Below it the per-text products are too small to keep a core busy
// on their own and the weights would be streamed once per worker; the
// products of the whole batch are split instead.
const minSpanRows = 32

// splitSpans decides how forward splits the batch across the workers. It
// returns 1 to split each step of the whole batch, or the number of spans
// of whole texts it put in r.spans: contiguous runs of the (length-sorted)
// texts with about equal work, at least one per worker and up to four per
// worker (handed out dynamically, so a worker that loses its core for a
// while holds up only a small part).
func (r *runner) splitSpans(seqs []sequence) int {
	if r.nw == 1 || len(seqs) < r.nw {
		return 1
	}
	rows := r.offs[len(seqs)-1] + len(seqs[len(seqs)-1].ids)
	parts := min(4*r.nw, len(seqs), rows/r.spanRows)
	if parts < r.nw {
		return 1
	}
	// The work of a text of n tokens: n rows through the dense layers,
	// plus attention, which grows as n² and runs at a fraction of the
	// products' speed: about n·(1 + n/attnCost).
	const attnCost = 400
	cost := func(n int) float64 { return float64(n) * (1 + float64(n)/attnCost) }
	var all, most float64
	for _, s := range seqs {
		c := cost(len(s.ids))
		all += c
		most = max(most, c)
	}
	if most > all/float64(r.nw) {
		// One text is more than a worker's share: spans cannot balance.
		return 1
	}
	r.spans = r.spans[:0]
	var acc float64
	s0 := 0
	for i, s := range seqs {
		acc += cost(len(s.ids))
		left := len(seqs) - (i + 1)
		want := len(r.spans) + 1
		// The last span takes every text left; the others close at their
		// share of the work, or when each span still to come needs one of
		// the texts left.
		if left == 0 || want < parts && (acc >= all*float64(want)/float64(parts) || left == parts-want) {
			r.spans = append(r.spans, span{s0: s0, s1: i + 1, r0: r.offs[s0], r1: r.offs[i] + len(s.ids)})
			s0 = i + 1
		}
	}
	return len(r.spans)
}

// mul computes dst = a·wᵀ with the epilogue: split across the workers
// when shared, else on the calling goroutine, which is worker.
func (r *runner) mul(worker int, shared bool, l *linear, dst, a []float32, rows int, ep gemm.Epilogue) {
	dst, a = dst[:rows*l.Out], a[:rows*l.In]
	switch {
	case l.q != nil && shared:
		r.gw.MulInt8(l.q, dst, a, rows, ep)
	case l.q != nil:
		r.gw.WorkerMulInt8(worker, l.q, dst, a, rows, ep)
	case shared:
		r.gw.Mul(l.packed, dst, a, rows, ep)
	default:
		r.gw.WorkerMul(worker, l.packed, dst, a, rows, ep)
	}
}

// addInto computes x + a·wᵀ + b for the residual stream x. The float32
// path accumulates into x in place and returns x; the int8 path, which
// cannot, writes into scratch and returns it. The caller layer-normalises
// the result into x.
func (r *runner) addInto(worker int, shared bool, l *linear, x, a, scratch []float32, rows int) []float32 {
	x = x[:rows*l.Out]
	if l.q != nil {
		r.mul(worker, shared, l, scratch, a, rows, gemm.Epilogue{Bias: l.B, Residual: x})
		return scratch[:rows*l.Out]
	}
	r.mul(worker, shared, l, x, a, rows, gemm.Epilogue{Bias: l.B, Residual: x})
	return x
}

// minParallelRows is the batch size in rows below which row operations
// (LayerNorm, embeddings) run on the calling goroutine: handing them to
// the workers costs more than they take.
const minParallelRows = 64

// layerNorm sets dst = LayerNorm(src) row by row (dst may be src), on the
// workers when shared and the batch is large.
func (r *runner) layerNorm(shared bool, dst, src, w, b []float32, rows int) {
	h := len(w)
	if !shared || r.nw == 1 || rows < minParallelRows {
		r.e.cfg.norm(dst[:rows*h], src[:rows*h], w, b)
		return
	}
	r.lnDst, r.lnSrc, r.lnW, r.lnB, r.lnRows = dst, src, w, b, rows
	r.lnPart = (rows + 4*r.nw - 1) / (4 * r.nw)
	r.gw.For((rows+r.lnPart-1)/r.lnPart, r.lnFn)
	r.lnDst, r.lnSrc, r.lnW, r.lnB = nil, nil, nil, nil
}

func (r *runner) layerNormPart(_, i int) {
	h := len(r.lnW)
	lo, hi := i*r.lnPart, min((i+1)*r.lnPart, r.lnRows)
	r.e.cfg.norm(r.lnDst[lo*h:hi*h], r.lnSrc[lo*h:hi*h], r.lnW, r.lnB)
}

// attention computes the multi-head self-attention of layer li for the
// sequences of sp (the whole batch) from the fused QKV rows in r.big into
// r.ctx, split across the workers: each (sequence, head) pair is one part.
func (r *runner) attention(sp span, li int) {
	parts := (sp.s1 - sp.s0) * r.e.cfg.NumHeads
	r.curLayer = li
	if r.nw == 1 {
		for i := 0; i < parts; i++ {
			r.attendPart(0, i)
		}
		return
	}
	r.gw.For(parts, r.attnFn)
}

func (r *runner) attendPart(worker, i int) {
	heads := r.e.cfg.NumHeads
	r.attend(worker, i/heads, i%heads, r.curLayer, r.big, r.ctx, 0)
}

// attend computes head hd of sequence s's self-attention in layer li on
// worker: its scores, one block of query rows at a time (blockRows), live
// in the worker's own buffer, so no more than one block of one head's
// scores per worker exists at a time. qkv (fused QKV rows, 3h wide) and ctx (h wide) start at row r0 of
// the batch.
//
// The family decides what happens between the scores and the softmax:
// rotary positions rotate the head's queries and keys first (each (s, hd)
// pair owns its columns of qkv, so parts never touch each other's); a
// relative position bias is added to the scaled scores; a sliding-window
// layer takes the softmax of each query's window only (the keys outside
// get probability 0, as the reference's finfo.min mask gives them).
func (r *runner) attend(worker, s, hd, li int, qkv, ctx []float32, r0 int) {
	e := r.e
	c := e.cfg
	dh, qw, aw := c.headDim, c.qkvWidth(), c.attnWidth()
	n := len(r.seqsNow[s].ids)
	if n == 0 {
		return
	}
	row := r.offs[s] - r0
	qkv = qkv[row*qw:]
	kvh := hd / (c.NumHeads / c.kvHeads) // the key/value head of query head hd
	kw := c.kvHeads * dh
	q, k, v := qkv[hd*dh:], qkv[aw+kvh*dh:], qkv[aw+kw+kvh*dh:]
	local := c.local(li)
	if r.ropes != nil && !c.fam.decoder { // a decoder's are rotated by prepareQK
		rp := r.ropes[0]
		if local {
			rp = r.ropes[1]
		}
		rp.apply(q, n, qw)
		rp.apply(k, n, qw)
	}
	// Query blocks of qb rows: a block's scores against its keys (all of
	// them, or a sliding window's band) are computed, normalised and
	// multiplied into the context before the next block's, so the buffer
	// holds qb·n scores, not n·n: O(n) memory per worker for long texts,
	// and one block (the whole matrix) for texts up to attnBudget/n rows.
	qb := r.blockRows(n)
	w, cw := c.window, c.causalWindow
	scale := c.attnScale
	for i0 := 0; i0 < n; i0 += qb {
		i1 := min(n, i0+qb)
		kLo, kHi := 0, n
		switch {
		case local:
			kLo, kHi = max(0, i0-w), min(n, i1+w)
		case c.fam.causal:
			kHi = i1
			if cw > 0 {
				kLo = max(0, i0-cw+1)
			}
		}
		m, cols := i1-i0, kHi-kLo
		sc := r.scores[worker][:m*cols]
		r.gw.WorkerMulABt(worker, m, cols, dh, q[i0*qw:], qw, k[kLo*qw:], qw, sc, cols)
		switch {
		case e.relTable != nil:
			// MPNet: scores / √dh + bias[bucket(j - i)], then the softmax.
			sd := float32(math.Sqrt(float64(dh)))
			width := 2*e.relN - 1
			tab := e.relTable[hd*width : (hd+1)*width]
			for ii := 0; ii < m; ii++ {
				sr := sc[ii*cols : (ii+1)*cols]
				at := e.relN - 1 - (i0 + ii) + kLo // relative position kLo - i
				b := tab[at : at+cols]
				for j := range sr {
					sr[j] = sr[j]/sd + b[j]
				}
			}
			nn.SoftmaxRows(sc, m, cols, cols, 1)
		case local:
			for ii := 0; ii < m; ii++ {
				i := i0 + ii
				sr := sc[ii*cols : (ii+1)*cols]
				lo, hi := max(kLo, i-w)-kLo, min(kHi, i+w+1)-kLo
				clear(sr[:lo])
				nn.Softmax(sr[lo:hi], scale)
				clear(sr[hi:])
			}
		case c.fam.causal:
			// Query i sees keys 0..i (i-cw+1..i with a causal window):
			// the others get probability 0, as the reference's finfo.min
			// mask gives them.
			for ii := 0; ii < m; ii++ {
				i := i0 + ii
				sr := sc[ii*cols : (ii+1)*cols]
				lo, hi := 0, i+1-kLo
				if cw > 0 {
					lo = max(kLo, i-cw+1) - kLo
				}
				clear(sr[:lo])
				nn.Softmax(sr[lo:hi], scale)
				clear(sr[hi:])
			}
		default:
			nn.SoftmaxRows(sc, m, cols, cols, scale)
		}
		r.gw.WorkerMulAB(worker, m, dh, cols, sc, cols, v[kLo*qw:], qw, ctx[(row+i0)*aw+hd*dh:], aw)
	}
}

// defaultAttnBudget is the default of runner.attnBudget: the most
// attention scores (floats) a worker holds at a time, 4 MiB. Texts of up
// to 1,024 tokens have their whole score matrix in one block, as before
// blocking; an 8,192-token text takes blocks of 128 query rows instead of
// a 256 MiB matrix.
const defaultAttnBudget = 1 << 20

// minBlockRows is the fewest query rows of a block: fewer would make the
// score products too thin to run near the kernels' speed.
const minBlockRows = 8

// blockRows returns the query rows per attention block for a text of n
// tokens.
func (r *runner) blockRows(n int) int {
	return min(n, max(minBlockRows, r.attnBudget/max(n, 1)))
}
