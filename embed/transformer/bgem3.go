// bgem3.go runs BAAI/bge-m3's three outputs from one forward pass, as
// FlagEmbedding's BGEM3FlagModel (M3Embedder) computes them: the dense
// vector (the normalised [CLS] state), the sparse lexical weights
// (ReLU(sparse_linear(h)) per token, the largest per token id, special
// tokens dropped) and the ColBERT vectors (normalised colbert_linear(h) of
// every token after the first), and combines their scores as its
// compute_score does.

package transformer

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/similarity"
)

// M3 is a loaded BGE-M3 model. Encode gives its dense vectors (so an M3
// is an embed.Encoder for a Collection); EncodeM3 gives all three outputs.
// It is safe for concurrent use; Close waits for running calls.
type M3 struct {
	m       *Model
	colbert linear    // colbert_linear, packed: [colDim × hidden]
	sparseW []float64 // sparse_linear.weight [hidden]
	sparseB float64
	unused  []int // cls, eos, pad and unk ids: no lexical weight
}

var (
	_ embed.Encoder      = (*M3)(nil)
	_ embed.Identifier   = (*M3)(nil)
	_ embed.Reranker     = (*M3Reranker)(nil)
	_ embed.MultiEncoder = (*M3)(nil)
)

// M3Embedding is BGE-M3's encoding of one text: embed.MultiEmbedding,
// whose fields hold, for BGE-M3:
//
//   - Dense: the normalised last hidden state of the first token
//     (FlagEmbedding's dense_vecs with normalize_embeddings=True);
//   - Sparse: the lexical weights: for each token id of the text but the
//     tokenizer's cls, eos, pad and unk tokens, the largest
//     ReLU(sparse_linear(h)) over its occurrences, when positive; ids in
//     order of first occurrence (FlagEmbedding's lexical_weights);
//   - ColBERT: one normalised colbert_linear(h) per token after the first
//     (the final </s> included), ColBERTDim wide (FlagEmbedding's
//     colbert_vecs).
type M3Embedding = embed.MultiEmbedding

// maxColBERTDim bounds the width of colbert_linear's output.
const maxColBERTDim = 1 << 16

// LoadM3 opens a BGE-M3 model: a folder, cache repository or hub id as
// Load takes them, holding the XLM-RoBERTa body (config.json,
// model.safetensors, tokenizer.json) and FlagEmbedding's two heads at its
// root, colbert_linear and sparse_linear, as safetensors files
// (colbert_linear.safetensors with tensors weight [d, hidden] and bias [d];
// sparse_linear.safetensors with weight [1, hidden] and bias [1]). Folders
// that have only FlagEmbedding's colbert_linear.pt and sparse_linear.pt
// are read through package embed/pytorch, which never runs their pickle. Options are Load's; texts are
// prepared and truncated as Load's model does (MaxSeqLength, 8192 for
// BAAI/bge-m3, which FlagEmbedding's default max_length caps at 512: pass
// WithMaxSeqLength(512) to match it).
//
// The ids without lexical weight are those of the cls, eos, pad and unk
// tokens of special_tokens_map.json (else tokenizer_config.json), as
// FlagEmbedding takes them from the tokenizer's special_tokens_map.
// Errors are Load's; a head missing, of the wrong shape or with
// non-finite values wraps errs.ErrCorrupt naming the file and tensor.
func LoadM3(ctx context.Context, dirOrHubID string, opts ...Option) (*M3, error) {
	src, _, _, err := openSource(ctx, dirOrHubID, opts)
	if err != nil {
		return nil, err
	}
	m, err := Load(ctx, dirOrHubID, opts...)
	if err != nil {
		return nil, err
	}
	x := &M3{m: m}
	if err := x.loadHeads(ctx, src); err != nil {
		m.Close()
		return nil, err
	}
	if x.unused, err = m3Unused(ctx, src, m); err != nil {
		m.Close()
		return nil, err
	}
	return x, nil
}

// loadHeads reads colbert_linear and sparse_linear.
func (x *M3) loadHeads(ctx context.Context, src hub.Source) error {
	h := x.m.enc.cfg.HiddenSize
	var temps []string // safetensors files converted from .pt heads
	defer func() {
		for _, p := range temps {
			os.Remove(p)
		}
	}()
	open := func(name string) (*safetensors.File, error) {
		st := name + ".safetensors"
		ok, err := src.Has(ctx, st)
		if err != nil {
			return nil, fmt.Errorf("transformer: %w", err)
		}
		if !ok {
			if pt, _ := src.Has(ctx, name+".pt"); pt {
				// FlagEmbedding's own files: read without running the
				// pickle (embed/pytorch), as a temporary safetensors file.
				p, files, err := convertPyTorch(ctx, src, "", name+".pt")
				if err != nil {
					return nil, err
				}
				temps = append(temps, p)
				x.m.files = append(x.m.files, files...)
				f, err := safetensors.Open(p)
				if err != nil {
					return nil, fmt.Errorf("transformer: %s: %w", files[0], asCorrupt(err))
				}
				return f, nil
			}
		}
		p, err := need(ctx, src, st, "no "+st+" (BGE-M3's "+name+" head)")
		if err != nil {
			return nil, err
		}
		f, err := safetensors.Open(p)
		if err != nil {
			return nil, fmt.Errorf("transformer: %w", asCorrupt(err))
		}
		return f, nil
	}
	f, err := open("colbert_linear")
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := f.Tensor("weight")
	if err != nil {
		return fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	if len(t.Shape) != 2 || t.Shape[1] != h || t.Shape[0] < 1 || t.Shape[0] > maxColBERTDim {
		return fmt.Errorf("transformer: %s: tensor \"weight\" has shape %v, want [d, %d] (hidden_size) with d in 1..%d: %w", f.Path(), t.Shape, h, maxColBERTDim, errs.ErrCorrupt)
	}
	d := t.Shape[0]
	r := &tensorReader{f: f}
	w, b := r.get("weight", d, h), r.get("bias", d)
	if r.err != nil {
		return r.err
	}
	x.colbert = newLinear(w, b, h, d, false)

	g, err := open("sparse_linear")
	if err != nil {
		return err
	}
	defer g.Close()
	r = &tensorReader{f: g}
	sw, sb := r.get("weight", 1, h), r.get("bias", 1)
	if r.err != nil {
		return r.err
	}
	x.sparseW, x.sparseB = f64(sw), float64(sb[0])
	return nil
}

// m3Unused returns the ids of the cls, eos, pad and unk tokens.
func m3Unused(ctx context.Context, src hub.Source, m *Model) ([]int, error) {
	var maps [2]map[string]any
	for i, name := range []string{"special_tokens_map.json", "tokenizer_config.json"} {
		if _, err := readJSON(ctx, src, name, &maps[i]); err != nil {
			return nil, err
		}
	}
	var ids []int
	for _, key := range []string{"cls_token", "eos_token", "pad_token", "unk_token"} {
		for i, mp := range maps {
			v, ok := mp[key]
			if !ok || v == nil {
				continue
			}
			tok, _ := v.(string)
			if o, isObj := v.(map[string]any); isObj {
				tok, _ = o["content"].(string)
			}
			id, known := m.tok.TokenToID(tok)
			if !known {
				file := []string{"special_tokens_map.json", "tokenizer_config.json"}[i]
				return nil, fmt.Errorf("transformer: %s: %s %q is not a token of tokenizer.json: %w", file, key, tok, errs.ErrCorrupt)
			}
			ids = append(ids, id)
			break
		}
	}
	return ids, nil
}

// Dim returns the length of the dense vectors.
func (x *M3) Dim() int { return x.m.enc.cfg.HiddenSize }

// ColBERTDim returns the length of the ColBERT vectors.
func (x *M3) ColBERTDim() int { return x.colbert.Out }

// MaxSeqLength returns the token limit per text, special tokens included.
func (x *M3) MaxSeqLength() int { return x.m.maxSeq }

// Identity describes the dense embedding space (see Model.Identity), with
// unit-length vectors.
func (x *M3) Identity() embed.Identity {
	id := x.m.Identity()
	id.Normalized = true
	id.Dim = x.Dim()
	return id
}

// Close releases the model's weights; see Model.Close.
func (x *M3) Close() error { return x.m.Close() }

// Encode returns the dense vector of each text, in input order: the
// normalised first-token state, FlagEmbedding's dense_vecs.
func (x *M3) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	out, err := x.encode(ctx, texts, false)
	if err != nil {
		return nil, err
	}
	vecs := make([][]float32, len(out))
	for i := range out {
		vecs[i] = out[i].Dense
	}
	return vecs, nil
}

// EncodeM3 returns the dense, sparse and ColBERT outputs of each text, in
// input order, from one forward pass. Texts are prepared as Model.Encode
// prepares them. Errors are Model.Encode's.
func (x *M3) EncodeM3(ctx context.Context, texts []string) ([]M3Embedding, error) {
	return x.encode(ctx, texts, true)
}

// EncodeMulti is EncodeM3: it makes an M3 an embed.MultiEncoder, whose
// sparse and ColBERT outputs a Collection made WithSparse or WithColBERT
// stores.
func (x *M3) EncodeMulti(ctx context.Context, texts []string) ([]embed.MultiEmbedding, error) {
	return x.encode(ctx, texts, true)
}

func (x *M3) encode(ctx context.Context, texts []string, all bool) ([]M3Embedding, error) {
	m := x.m
	h := m.enc.cfg.HiddenSize
	d := x.colbert.Out
	out := make([]M3Embedding, len(texts))
	var col []float32
	err := m.run(ctx, m.prompt, texts, nil, func(r *runner, idx []int, hs []float32) error {
		rows := len(hs) / h
		if all {
			col = grow(col, rows*d)
			// All rows at once (the first of each text is dropped below).
			r.mul(0, true, &x.colbert, col, hs, rows, gemm.Epilogue{Bias: x.colbert.B})
		}
		row := 0
		for i, j := range idx {
			ids := r.seqs[i].ids
			n := len(ids)
			if n == 0 {
				return fmt.Errorf("transformer: text %d has no tokens (the tokenizer adds no <s>): %w", j, errs.ErrInvalidInput)
			}
			e := &out[j]
			e.Dense = append([]float32(nil), hs[row*h:(row+1)*h]...)
			normalize(e.Dense)
			if err := checkFinite(e.Dense, j); err != nil {
				return err
			}
			if all {
				e.Sparse = x.lexical(ids, hs[row*h:(row+n)*h])
				if err := checkFinite(e.Sparse.Weights, j); err != nil {
					return err
				}
				slab := make([]float32, (n-1)*d)
				copy(slab, col[(row+1)*d:(row+n)*d])
				e.ColBERT = make([][]float32, n-1)
				for t := range e.ColBERT {
					v := slab[t*d : (t+1)*d : (t+1)*d]
					normalize(v)
					e.ColBERT[t] = v
				}
				if err := checkFinite(slab, j); err != nil {
					return err
				}
			}
			row += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lexical computes the lexical weights of one text from its token ids
// and hidden states.
func (x *M3) lexical(ids []int, hs []float32) embed.SparseVector {
	h := len(x.sparseW)
	var v embed.SparseVector
	var at map[int]int // id → index in v, for long texts
	if len(ids) > 64 {
		at = make(map[int]int, len(ids))
	}
	for t, id := range ids {
		skip := false
		for _, u := range x.unused {
			skip = skip || id == u
		}
		if skip {
			continue
		}
		s := x.sparseB
		for i, w := range x.sparseW {
			s += w * float64(hs[t*h+i])
		}
		if !(s > 0) { // ReLU, and FlagEmbedding keeps only w > 0
			continue
		}
		w := float32(s)
		k := -1
		if at != nil {
			if i, ok := at[id]; ok {
				k = i
			}
		} else {
			k = slices.Index(v.IDs, id)
		}
		if k >= 0 {
			v.Weights[k] = max(v.Weights[k], w)
			continue
		}
		if at != nil {
			at[id] = len(v.IDs)
		}
		v.IDs = append(v.IDs, id)
		v.Weights = append(v.Weights, w)
	}
	return v
}

// M3Scores are the three relevance scores of a query and a passage.
type M3Scores struct {
	// Dense is the dot product of the dense vectors (their cosine).
	Dense float32
	// Sparse is the lexical matching score: the dot product of the
	// lexical weights.
	Sparse float32
	// ColBERT is the late-interaction score (similarity.MaxSim of the
	// ColBERT vectors).
	ColBERT float32
}

// M3Score computes the three scores of query q against passage p.
func M3Score(q, p M3Embedding) M3Scores {
	return M3Scores{
		Dense:   similarity.Dot(q.Dense, p.Dense),
		Sparse:  q.Sparse.Dot(p.Sparse),
		ColBERT: similarity.MaxSim(q.ColBERT, p.ColBERT),
	}
}

// M3Weights weigh the three scores in Combined, as FlagEmbedding's
// compute_score takes weights_for_different_modes: [dense, sparse,
// colbert]. It is embed.MultiWeights, which a Collection's WithM3 query
// option takes too.
type M3Weights = embed.MultiWeights

// DefaultM3Weights is compute_score's default: equal weights.
var DefaultM3Weights = M3Weights{Dense: 1, Sparse: 1, ColBERT: 1}

// Combined returns compute_score's "colbert+sparse+dense" score:
// (w.Dense·Dense + w.Sparse·Sparse + w.ColBERT·ColBERT) divided by the
// sum of the weights.
func (s M3Scores) Combined(w M3Weights) float32 {
	num := float64(w.Dense)*float64(s.Dense) + float64(w.Sparse)*float64(s.Sparse) + float64(w.ColBERT)*float64(s.ColBERT)
	return float32(num / (float64(w.Dense) + float64(w.Sparse) + float64(w.ColBERT)))
}

// SparseDense returns compute_score's "sparse+dense" score:
// (w.Dense·Dense + w.Sparse·Sparse) / (w.Dense + w.Sparse).
func (s M3Scores) SparseDense(w M3Weights) float32 {
	num := float64(w.Dense)*float64(s.Dense) + float64(w.Sparse)*float64(s.Sparse)
	return float32(num / (float64(w.Dense) + float64(w.Sparse)))
}

// M3Reranker reranks with BGE-M3's combined score (FlagEmbedding's
// compute_score "colbert+sparse+dense"): it encodes the query and the
// passages and scores each pair. Make one with M3.Reranker.
type M3Reranker struct {
	x *M3
	w M3Weights
}

// Reranker returns an embed.Reranker scoring with weights w (FlagEmbedding
// suggests {0.4, 0.2, 0.4} for reranking). The weights must be finite and
// non-negative with a positive sum; otherwise the error wraps
// errs.ErrInvalidInput.
func (x *M3) Reranker(w M3Weights) (*M3Reranker, error) {
	for _, v := range []float32{w.Dense, w.Sparse, w.ColBERT} {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("transformer: M3 reranker weights %+v: each must be finite and non-negative: %w", w, errs.ErrInvalidInput)
		}
	}
	if w.Dense+w.Sparse+w.ColBERT == 0 {
		return nil, fmt.Errorf("transformer: M3 reranker weights %+v: all zero: %w", w, errs.ErrInvalidInput)
	}
	return &M3Reranker{x: x, w: w}, nil
}

// Rerank scores each passage against query with the combined score.
func (rr *M3Reranker) Rerank(ctx context.Context, query string, passages []string) ([]float32, error) {
	if len(passages) == 0 {
		return []float32{}, ctx.Err()
	}
	all, err := rr.x.EncodeM3(ctx, append([]string{query}, passages...))
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(passages))
	for i := range passages {
		out[i] = M3Score(all[0], all[i+1]).Combined(rr.w)
	}
	return out, nil
}
