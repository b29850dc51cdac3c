// encode.go runs texts through the model: sorting by length, batching,
// worker goroutines, tokenisation, the encoder, pooling and the modules
// after it, and restoring input order.

package transformer

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/ganada/ganada/matryoshka"
)

// batchSink consumes one encoded batch: idx are the input positions of the
// batch's texts, seqs their tokens, x the packed last hidden state.
type batchSink func(ws *workspace, idx []int, seqs []sequence, x []float32) error

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
// batches and returns ctx.Err().
func (m *Model) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	slab := make([]float32, len(texts)*m.dim)
	for i := range out {
		out[i] = slab[i*m.dim : (i+1)*m.dim : (i+1)*m.dim]
	}
	err := m.run(ctx, texts, func(ws *workspace, idx []int, seqs []sequence, x []float32) error {
		vecs, width, err := m.sentenceVectors(ws, seqs, x)
		if err != nil {
			return err
		}
		for i, j := range idx {
			full := vecs[i*width : (i+1)*width]
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
	out := make([][][]float32, len(texts))
	h := m.enc.cfg.HiddenSize
	var mu sync.Mutex
	err := m.run(ctx, texts, func(ws *workspace, idx []int, seqs []sequence, x []float32) error {
		row := 0
		for i, j := range idx {
			n := len(seqs[i].ids)
			slab := make([]float32, n*h)
			copy(slab, x[row*h:(row+n)*h])
			rows := make([][]float32, n)
			for r := range rows {
				rows[r] = slab[r*h : (r+1)*h : (r+1)*h]
			}
			mu.Lock()
			out[j] = rows
			mu.Unlock()
			row += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// run tokenises and encodes texts in length-sorted batches on the model's
// workers, handing each batch to sink.
func (m *Model) run(ctx context.Context, texts []string, sink batchSink) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(texts) == 0 {
		return nil
	}
	// Longest first, as sentence-transformers sorts, so batches hold texts
	// of similar length.
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(texts[order[a]]) > len(texts[order[b]]) })
	bs := m.opts.batchSize
	nb := (len(texts) + bs - 1) / bs
	workers := min(m.opts.workers, nb)

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
		done     int
	)
	fail := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
		cancel()
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws, _ := m.workspaces.Get().(*workspace)
			if ws == nil {
				ws = &workspace{}
			}
			defer m.workspaces.Put(ws)
			for b := range jobs {
				idx := order[b*bs : min((b+1)*bs, len(order))]
				if err := m.runBatch(ws, texts, idx, sink); err != nil {
					fail(err)
					continue
				}
				if m.opts.progress != nil {
					errMu.Lock()
					done += len(idx)
					if firstErr == nil {
						m.opts.progress(done, len(texts))
					}
					errMu.Unlock()
				}
			}
		}()
	}
feed:
	for b := 0; b < nb; b++ {
		select {
		case jobs <- b:
		case <-wctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstErr
}

func (m *Model) runBatch(ws *workspace, texts []string, idx []int, sink batchSink) error {
	ws.seqs = ws.seqs[:0]
	for _, j := range idx {
		enc, err := m.tok.Encode(m.prepare(m.prompt+texts[j]), true)
		if err != nil {
			return fmt.Errorf("transformer: text %d: %w", j, err)
		}
		ws.seqs = append(ws.seqs, sequence{ids: enc.IDs, typeIDs: enc.TypeIDs})
	}
	x, err := m.enc.forward(ws, ws.seqs)
	if err != nil {
		return err
	}
	return sink(ws, idx, ws.seqs, x)
}

// sentenceVectors pools each sequence of a batch and applies the modules
// after pooling. It returns the batch's vectors as rows of the returned
// width (before truncation).
func (m *Model) sentenceVectors(ws *workspace, seqs []sequence, x []float32) ([]float32, int, error) {
	h := m.enc.cfg.HiddenSize
	width := m.pool.OutDim(h)
	ws.pooled = grow(ws.pooled, len(seqs)*width)
	row := 0
	for i, s := range seqs {
		n := len(s.ids)
		for len(ws.mask) < n {
			ws.mask = append(ws.mask, 1)
		}
		if err := m.pool.Pool(ws.pooled[i*width:(i+1)*width], x[row*h:(row+n)*h], ws.mask[:n], h, m.promptLen); err != nil {
			return nil, 0, fmt.Errorf("transformer: pooling: %w", err)
		}
		row += n
	}
	vecs := ws.pooled
	for _, st := range m.post {
		switch {
		case st.dense != nil:
			d := st.dense
			ws.dense = grow(ws.dense, len(seqs)*d.lin.Out)
			d.lin.forward(ws.dense, vecs, len(seqs))
			d.act(ws.dense)
			vecs, ws.dense = ws.dense, vecs
			ws.pooled = vecs
			width = d.lin.Out
		case st.normalize:
			for i := range seqs {
				normalize(vecs[i*width : (i+1)*width])
			}
		}
	}
	return vecs, width, nil
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
