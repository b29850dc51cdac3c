// runner.go holds runner, the per-call execution state of the forward
// pass: a gemm.Workers (the threads one Encode call uses), the activation
// buffers of the batch being encoded and each worker's attention buffer.
// Runners are pooled by the Model and reused, so steady-state encoding
// allocates nothing but its outputs.

package transformer

import (
	"math"

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
	x    []float32 // residual stream [T×h]; the last hidden state at the end
	big  []float32 // fused QKV [T×3h], later the FFN's inner rows [T×ffn]
	ctx  []float32 // attention context [T×h], later the int8 path's scratch
	offs []int     // first row of each sequence
	pos  [][]int   // per worker: position ids of one sequence

	// Per worker: one head's scores of one sequence [n×n].
	scores [][]float32

	// Used by Model around the encoder.
	order  []int // input positions, longest first
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
	embFn          func(worker, i int)
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
	return r
}

// close stops the runner's helper goroutines.
func (r *runner) close() { r.gw.Close() }

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
	r.big = grow(r.big, total*max(3*h, c.IntermediateSize))
	r.ctx = grow(r.ctx, total*h)
	for w := range r.scores {
		r.scores[w] = grow(r.scores[w], longest*longest)
	}
	r.seqsNow = seqs
	return total
}

// mul computes dst = a·wᵀ with the epilogue, split across the workers.
func (r *runner) mul(l *linear, dst, a []float32, rows int, ep gemm.Epilogue) {
	if l.q != nil {
		r.gw.MulInt8(l.q, dst[:rows*l.Out], a[:rows*l.In], rows, ep)
		return
	}
	r.gw.Mul(l.packed, dst[:rows*l.Out], a[:rows*l.In], rows, ep)
}

// addInto computes x + a·wᵀ + b for the residual stream x. The float32
// path accumulates into x in place and returns x; the int8 path, which
// cannot, writes into scratch and returns it. The caller layer-normalises
// the result into x.
func (r *runner) addInto(l *linear, x, a, scratch []float32, rows int) []float32 {
	if l.q != nil {
		r.mul(l, scratch, a, rows, gemm.Epilogue{Bias: l.B, Residual: x[:rows*l.Out]})
		return scratch[:rows*l.Out]
	}
	r.mul(l, x, a, rows, gemm.Epilogue{Bias: l.B, Residual: x[:rows*l.Out]})
	return x[:rows*l.Out]
}

// minParallelRows is the batch size in rows below which row operations
// (LayerNorm, embeddings) run on the calling goroutine: handing them to
// the workers costs more than they take.
const minParallelRows = 64

// layerNorm sets dst = LayerNorm(src) row by row (dst may be src), on the
// workers for large batches.
func (r *runner) layerNorm(dst, src, w, b []float32, rows int) {
	h := len(w)
	eps := r.e.cfg.eps
	if r.nw == 1 || rows < minParallelRows {
		nn.LayerNorm(dst[:rows*h], src[:rows*h], w, b, eps)
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
	nn.LayerNorm(r.lnDst[lo*h:hi*h], r.lnSrc[lo*h:hi*h], r.lnW, r.lnB, r.e.cfg.eps)
}

// attention computes every sequence's multi-head self-attention from the
// fused QKV rows in r.big into r.ctx. Each (sequence, head) pair is one
// part: its scores, n×n for a sequence of n tokens, live in the worker's
// own buffer, so no more than one head's scores per worker exist at a
// time.
func (r *runner) attention(seqs []sequence) {
	parts := len(seqs) * r.e.cfg.NumHeads
	if r.nw == 1 {
		for i := 0; i < parts; i++ {
			r.attendPart(0, i)
		}
		return
	}
	r.gw.For(parts, r.attnFn)
}

func (r *runner) attendPart(worker, i int) {
	c := r.e.cfg
	h, heads := c.HiddenSize, c.NumHeads
	dh := h / heads
	s, hd := i/heads, i%heads
	n := len(r.seqsNow[s].ids)
	if n == 0 {
		return
	}
	row := r.offs[s]
	scores := r.scores[worker][:n*n]
	qkv := r.big[row*3*h:]
	q, k, v := qkv[hd*dh:], qkv[h+hd*dh:], qkv[2*h+hd*dh:]
	r.gw.WorkerMulABt(worker, n, n, dh, q, 3*h, k, 3*h, scores, n)
	nn.SoftmaxRows(scores, n, n, n, float32(1/math.Sqrt(float64(dh))))
	r.gw.WorkerMulAB(worker, n, dh, n, scores, n, v, 3*h, r.ctx[row*h+hd*dh:], h)
}
