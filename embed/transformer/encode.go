// encode.go runs texts through the model: sorting by length, batching,
// worker goroutines, tokenisation, the encoder, pooling and the modules
// after it, and restoring input order.

package transformer

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/matryoshka"
)

// batchSink consumes one encoded batch: idx are the input positions of
// the batch's texts, r.seqs their tokens, x the packed last hidden state.
type batchSink func(r *runner, idx []int, x []float32) error

// Encode returns one vector per text, in input order: what
// sentence-transformers' SentenceTransformer.encode returns for the model
// (Transformer → Pooling → Dense → Normalize as modules.json lists them),
// then WithTruncateDim and WithNormalize.
//
// Each text is prefixed with the prompt, stripped of surrounding whitespace
// (Python str.strip), lower-cased if sentence_bert_config.json says so,
// tokenised with special tokens and truncated to MaxSeqLength tokens. An
// empty text encodes as its special tokens alone; invalid UTF-8 is read as
// the tokenizer documents (each invalid byte becomes U+FFFD). An empty
// slice returns an empty result. A cancelled context stops the work between
// batches and returns ctx.Err(). A vector with a NaN or infinite component
// (weights so large that the forward pass overflows float32) is an error
// wrapping errs.ErrNonFinite that names the text's
// index; EncodeTokens and EncodeTokenIDs check every token vector so.
func (m *Model) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return m.encode(ctx, m.prompt, texts)
}

// encode is Encode with the prompt pr.
func (m *Model) encode(ctx context.Context, pr promptSpec, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	slab := make([]float32, len(texts)*m.dim)
	for i := range out {
		out[i] = slab[i*m.dim : (i+1)*m.dim : (i+1)*m.dim]
	}
	err := m.run(ctx, pr, texts, nil, func(r *runner, idx []int, x []float32) error {
		vecs, width, err := m.sentenceVectors(r, r.seqs, x)
		if err != nil {
			return err
		}
		for i, j := range idx {
			full := vecs[i*width : (i+1)*width]
			if err := checkFinite(full, j); err != nil {
				return err
			}
			if m.dim < width && m.normalized {
				// Matryoshka truncation of a normalised model: keep unit length.
				t, err := matryoshka.TruncateInPlace(full, m.dim)
				if err != nil {
					return fmt.Errorf("transformer: text %d: %w", j, err)
				}
				full = t
			} else if m.opts.normalize != nil && *m.opts.normalize {
				normalize(full[:m.dim])
			}
			copy(out[j], full[:m.dim])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeTokens returns, per text, the transformer's last hidden state: one
// HiddenSize-wide vector per token of the text (special tokens and prompt
// included, after truncation), before pooling. Texts are prepared as by
// Encode.
func (m *Model) EncodeTokens(ctx context.Context, texts []string) ([][][]float32, error) {
	return m.encodeTokens(ctx, m.prompt, texts)
}

// encodeTokens is EncodeTokens with the prompt pr.
func (m *Model) encodeTokens(ctx context.Context, pr promptSpec, texts []string) ([][][]float32, error) {
	out := make([][][]float32, len(texts))
	if err := m.run(ctx, pr, texts, nil, m.tokenSink(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeTokenIDs is EncodeTokens for token ids from a tokenizer of the
// caller's: ids[i] is one text's ids as the model's tokenizer makes them,
// special tokens included (for BERT models [CLS] … [SEP]), all token type
// ids 0. They are used as given: no prompt is added and nothing is
// truncated, so each sequence may be at most as long as the model's
// position embeddings allow (MaxSeqLength is what the model was trained
// for). It returns each sequence's last hidden state, one HiddenSize-wide
// vector per token, batched and ordered as EncodeTokens does.
//
// It is the entry point of the speed comparisons in bench/encoder, which
// feed the same ids to ONNX Runtime and to this method. An empty sequence,
// an id outside the vocabulary or a sequence beyond the positions returns
// an error wrapping errs.ErrInvalidInput.
func (m *Model) EncodeTokenIDs(ctx context.Context, ids [][]int) ([][][]float32, error) {
	for i, s := range ids {
		if len(s) == 0 {
			return nil, fmt.Errorf("transformer: sequence %d is empty: %w", i, errs.ErrInvalidInput)
		}
		if err := m.enc.check(sequence{ids: s}); err != nil {
			return nil, fmt.Errorf("transformer: sequence %d: %v: %w", i, err, errs.ErrInvalidInput)
		}
	}
	out := make([][][]float32, len(ids))
	if err := m.run(ctx, promptSpec{}, nil, ids, m.tokenSink(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// tokenSink copies each sequence's rows of a batch into out.
func (m *Model) tokenSink(out [][][]float32) batchSink {
	h := m.enc.cfg.HiddenSize
	return func(r *runner, idx []int, x []float32) error {
		row := 0
		for i, j := range idx {
			n := len(r.seqs[i].ids)
			slab := make([]float32, n*h)
			copy(slab, x[row*h:(row+n)*h])
			if err := checkFinite(slab, j); err != nil {
				return err
			}
			rows := make([][]float32, n)
			for t := range rows {
				rows[t] = slab[t*h : (t+1)*h : (t+1)*h]
			}
			out[j] = rows
			row += n
		}
		return nil
	}
}

// run encodes texts prefixed with the prompt pr (or, when texts is nil, the
// token id sequences ids) in batches of the model's batch size, longest first as
// sentence-transformers sorts them, handing each batch to sink. The
// batches run one after another on one runner, each split across its
// workers.
// errClosed is the error of a call after Close.
var errClosed = fmt.Errorf("transformer: model closed: %w", errs.ErrClosed)

func (m *Model) run(ctx context.Context, pr promptSpec, texts []string, ids [][]int, sink batchSink) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n := len(ids)
	if texts != nil {
		n = len(texts)
	}
	if n == 0 {
		return nil
	}
	r := m.getRunner()
	defer m.putRunner(r)
	r.prompt = pr
	order := r.order[:0]
	for i := 0; i < n; i++ {
		order = append(order, i)
	}
	r.order = order
	// Longest first (by characters for texts, as sentence-transformers
	// sorts), so batches hold texts of similar length.
	if texts != nil {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(texts[b]), len(texts[a])) })
	} else {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(ids[b]), len(ids[a])) })
	}
	bs := m.opts.batchSize
	for lo := 0; lo < n; lo += bs {
		if err := ctx.Err(); err != nil {
			return err
		}
		idx := order[lo:min(lo+bs, n)]
		if texts != nil {
			if err := m.tokenize(r, texts, idx); err != nil {
				return err
			}
		} else {
			r.seqs = r.seqs[:0]
			for _, j := range idx {
				r.seqs = append(r.seqs, sequence{ids: ids[j]})
			}
		}
		x, err := m.enc.forward(r, r.seqs)
		if err != nil {
			return err
		}
		if err := sink(r, idx, x); err != nil {
			return err
		}
		if m.opts.progress != nil {
			m.progressMu.Lock()
			m.opts.progress(lo+len(idx), n)
			m.progressMu.Unlock()
		}
	}
	return ctx.Err()
}

// tokenize prepares and tokenises the texts of a batch into r.seqs, on
// the runner's workers, reusing the runner's Encodings.
func (m *Model) tokenize(r *runner, texts []string, idx []int) error {
	n := len(idx)
	if len(r.encs) < n {
		r.encs = append(r.encs, make([]tokenizer.Encoding, n-len(r.encs))...)
		r.errs = make([]error, n)
	}
	r.seqs = slices.Grow(r.seqs[:0], n)[:n]
	r.texts, r.idx = texts, idx
	if r.tokFn == nil {
		// Bound once per runner, so that a batch allocates no closure.
		r.tokFn = func(_, i int) { m.tokenizeOne(r, i) }
	}
	if r.nw == 1 || n == 1 {
		for i := range idx {
			m.tokenizeOne(r, i)
		}
	} else {
		r.gw.For(n, r.tokFn)
	}
	r.texts, r.idx = nil, nil
	for _, err := range r.errs[:n] {
		if err != nil {
			clear(r.errs)
			return err
		}
	}
	return nil
}

// tokenizeOne tokenises text r.idx[i] of the batch into r.encs[i].
func (m *Model) tokenizeOne(r *runner, i int) {
	j := r.idx[i]
	enc := &r.encs[i]
	text := m.prepare(r.prompt.text + r.texts[j])
	if err := m.tok.EncodeInto(enc, text, true); err != nil {
		r.errs[i] = fmt.Errorf("transformer: text %d: %w", j, err)
		return
	}
	if err := m.checkTruncation(j, text, enc.Len()); err != nil {
		r.errs[i] = err
		return
	}
	r.seqs[i] = sequence{ids: enc.IDs, typeIDs: enc.TypeIDs}
}

// sentenceVectors pools each sequence of a batch and applies the modules
// after pooling. It returns the batch's vectors as rows of the returned
// width (before truncation).
func (m *Model) sentenceVectors(r *runner, seqs []sequence, x []float32) ([]float32, int, error) {
	h := m.enc.cfg.HiddenSize
	width := m.pool.OutDim(h)
	r.pooled = grow(r.pooled, len(seqs)*width)
	row := 0
	for i, s := range seqs {
		n := len(s.ids)
		if err := m.pool.Pool(r.pooled[i*width:(i+1)*width], x[row*h:(row+n)*h], nil, h, r.prompt.tokens); err != nil {
			return nil, 0, fmt.Errorf("transformer: pooling: %w", err)
		}
		row += n
	}
	vecs := r.pooled
	for _, st := range m.post {
		switch {
		case st.dense != nil:
			d := st.dense
			r.dense = grow(r.dense, len(seqs)*d.lin.Out)
			r.mul(0, false, &d.lin, r.dense, vecs, len(seqs), gemm.Epilogue{Bias: d.lin.B})
			d.act(r.dense[:len(seqs)*d.lin.Out])
			vecs, r.dense = r.dense, vecs
			r.pooled = vecs
			width = d.lin.Out
		case st.normalize:
			for i := range seqs {
				normalize(vecs[i*width : (i+1)*width])
			}
		}
	}
	return vecs, width, nil
}

// checkFinite reports a NaN or infinite component of the output for
// input i: weights that are finite but large (3e38, say) overflow float32
// in the sums of the forward pass. The error wraps errs.ErrNonFinite.
func checkFinite(v []float32, i int) error {
	for k, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("transformer: input %d: output component %d is %v, the weights overflow float32: %w", i, k, x, errs.ErrNonFinite)
		}
	}
	return nil
}

// normalize divides v by max(‖v‖₂, 1e-12), as torch.nn.functional.normalize.
func normalize(v []float32) {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	n := math.Max(math.Sqrt(ss), 1e-12)
	for i := range v {
		v[i] = float32(float64(v[i]) / n)
	}
}
