// m3.go stores and searches the extra outputs of a multi-output encoder
// (embed.MultiEncoder: BGE-M3's lexical weights and ColBERT vectors): the
// options WithSparse and WithColBERT that keep them beside the dense
// vectors, and the query options WithSparseOnly, WithM3 and WithMaxSim
// that score with them, as FlagEmbedding's compute_score does, from the
// stored outputs, with no document re-encoded.

package ganada

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/multivec"
	"github.com/ganada/ganada/index/sparse"
	"github.com/ganada/ganada/similarity"
)

// WithSparse keeps the lexical weights the encoder gives each document
// (an embed.MultiEncoder, such as transformer.M3: BGE-M3's sparse output)
// in a sparse inverted index (package index/sparse), in step with Add and
// Delete and saved in the collection's file, so that queries can rank by
// them (WithSparseOnly) or combine them with the dense score (WithM3).
// Add then encodes with the encoder's EncodeMulti. An encoder that is not
// an embed.MultiEncoder makes NewCollection fail with an error wrapping
// errs.ErrInvalidOption. Given to Load for a file saved without sparse
// weights, it encodes the stored texts again to build them.
func WithSparse() Option {
	return func(c *config) error {
		c.sparse = true
		return nil
	}
}

// WithColBERT keeps the per-token (ColBERT) vectors the encoder gives each
// document (an embed.MultiEncoder: BGE-M3's multi-vector output), in step
// with Add and Delete and saved in the collection's file, so that queries
// can rescore their candidates by late interaction (WithMaxSim, or the
// ColBERT weight of WithM3) from the stored vectors. They take much
// memory: a float32 vector per token (BGE-M3: 4 KiB per token). Otherwise
// as WithSparse.
func WithColBERT() Option {
	return func(c *config) error {
		c.colbert = true
		return nil
	}
}

// Sparse reports whether the collection stores lexical weights
// (WithSparse).
func (c *Collection) Sparse() bool { return c.sp != nil }

// ColBERT reports whether the collection stores ColBERT vectors
// (WithColBERT).
func (c *Collection) ColBERT() bool { return c.col != nil }

// initMulti makes the stores the options ask for, checking the encoder.
func (c *Collection) initMulti(sp, col bool) error {
	if !sp && !col {
		return nil
	}
	me, ok := c.enc.(embed.MultiEncoder)
	if !ok {
		return fmt.Errorf("ganada: WithSparse, WithColBERT: the encoder %T gives no lexical weights or ColBERT vectors (it is not an embed.MultiEncoder): %w", c.enc, errs.ErrInvalidOption)
	}
	if sp {
		c.sp = sparse.New()
	}
	if col {
		s, err := multivec.New(me.ColBERTDim())
		if err != nil {
			return fmt.Errorf("ganada: WithColBERT: %w: %w", errs.ErrInvalidOption, err)
		}
		c.col = s
	}
	return nil
}

// multi reports whether Add must encode with EncodeMulti.
func (c *Collection) multi() bool { return c.sp != nil || c.col != nil }

func denseOf(ms []embed.MultiEmbedding) [][]float32 {
	out := make([][]float32, len(ms))
	for i := range ms {
		out[i] = ms[i].Dense
	}
	return out
}

// checkMulti validates the outputs the collection stores.
func (c *Collection) checkMulti(m embed.MultiEmbedding) error {
	if c.sp != nil {
		if err := checkSparse(m.Sparse); err != nil {
			return fmt.Errorf("lexical weights: %w: %w", errs.ErrEncoder, err)
		}
	}
	if c.col != nil {
		if err := c.col.Check(m.ColBERT); err != nil {
			return fmt.Errorf("ColBERT vectors: %w: %w", errs.ErrEncoder, err)
		}
	}
	return nil
}

// checkSparse validates v as the sparse index does, without storing it.
func checkSparse(v embed.SparseVector) error {
	if len(v.IDs) != len(v.Weights) {
		return fmt.Errorf("%d ids and %d weights: %w", len(v.IDs), len(v.Weights), errs.ErrInvalidVector)
	}
	if len(v.IDs) > sparse.MaxIDs {
		return fmt.Errorf("%d ids, more than %d: %w", len(v.IDs), sparse.MaxIDs, errs.ErrInvalidVector)
	}
	seen := make(map[int]struct{}, len(v.IDs))
	for i, id := range v.IDs {
		if id < 0 || id > sparse.MaxTokenID {
			return fmt.Errorf("token id %d outside 0..%d: %w", id, sparse.MaxTokenID, errs.ErrInvalidVector)
		}
		if _, dup := seen[id]; dup {
			return fmt.Errorf("token id %d twice: %w", id, errs.ErrInvalidVector)
		}
		seen[id] = struct{}{}
		if w := float64(v.Weights[i]); math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("weight %v of token id %d: %w", v.Weights[i], id, errs.ErrNonFinite)
		}
	}
	return nil
}

// addMulti stores the sparse weights and ColBERT vectors of new ids.
func (c *Collection) addMulti(ctx context.Context, nums []uint64, ms []embed.MultiEmbedding) error {
	for i, n := range nums {
		if c.sp != nil {
			if err := c.sp.Add(ctx, n, ms[i].Sparse); err != nil {
				return fmt.Errorf("ganada: adding to the sparse index: %w", err)
			}
		}
		if c.col != nil {
			if err := c.col.Add(ctx, n, ms[i].ColBERT); err != nil {
				return fmt.Errorf("ganada: storing the ColBERT vectors: %w", err)
			}
		}
	}
	return nil
}

// deleteMulti removes id's sparse weights and ColBERT vectors.
func (c *Collection) deleteMulti(n uint64) {
	if c.sp != nil {
		c.sp.Delete(n)
	}
	if c.col != nil {
		c.col.Delete(n)
	}
}

// WithSparseOnly makes Query rank by the lexical matching score alone: the
// dot product of the query's lexical weights with each document's stored
// ones (FlagEmbedding's compute_lexical_matching_score), which is
// Hit.Score. Only documents sharing a token with the query come back, so
// fewer than k hits can. The collection must have been made WithSparse;
// QueryVector refuses this option.
func WithSparseOnly() QueryOption {
	return func(q *queryConfig) error {
		q.mode, q.option = modeSparse, "WithSparseOnly"
		return nil
	}
}

// WithM3 makes Query score by BGE-M3's combination of its three scores,
// as FlagEmbedding's compute_score does with weights_for_different_modes
// w: (w.Dense·dense + w.Sparse·sparse + w.ColBERT·colbert) / (w.Dense +
// w.Sparse + w.ColBERT), which is Hit.Score. dense is the cosine of the
// query's dense vector and the document's stored one under Cosine (the
// default; for BGE-M3's unit vectors it is their dot product, as
// FlagEmbedding computes it), their dot product under Dot and L2; sparse the lexical matching score of their
// lexical weights and colbert the MaxSim of their ColBERT vectors, all
// computed from what the collection stored at Add.
//
// The candidates are the depth best of the dense search and, when
// w.Sparse > 0, the depth best of the sparse search (depth is
// DefaultFusionDepth, or k if larger; filters apply to both); each is
// scored as above and the k best come back. A positive w.Sparse needs
// WithSparse and a positive w.ColBERT needs WithColBERT. Weights must be
// finite and non-negative with a positive sum (FlagEmbedding suggests
// {0.4, 0.2, 0.4}); QueryVector refuses this option.
func WithM3(w embed.MultiWeights) QueryOption {
	return func(q *queryConfig) error {
		name := fmt.Sprintf("WithM3(%v, %v, %v)", w.Dense, w.Sparse, w.ColBERT)
		for _, v := range []float32{w.Dense, w.Sparse, w.ColBERT} {
			if !(v >= 0) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("ganada: %s: weights must be finite and non-negative: %w", name, errs.ErrInvalidOption)
			}
		}
		if w.Dense+w.Sparse+w.ColBERT == 0 {
			return fmt.Errorf("ganada: %s: all weights zero: %w", name, errs.ErrInvalidOption)
		}
		q.mode, q.option, q.m3 = modeM3, name, w
		return nil
	}
}

// WithMaxSim makes Query rescore its n best candidates (k when n < k) by
// late interaction: the MaxSim of the query's ColBERT vectors against each
// candidate's stored ones (FlagEmbedding's colbert_score), which becomes
// Hit.Score; the k best by it come back. The candidates come from the
// query's search (dense, WithLexicalOnly, WithHybrid, WithSparseOnly or
// WithM3). The collection must have been made WithColBERT; n must be in
// 1..MaxRerankCandidates; it excludes WithRerank, and QueryVector refuses
// it.
func WithMaxSim(n int) QueryOption {
	return func(q *queryConfig) error {
		if n < 1 || n > MaxRerankCandidates {
			return fmt.Errorf("ganada: WithMaxSim(%d): n outside 1..%d: %w", n, MaxRerankCandidates, errs.ErrInvalidOption)
		}
		q.maxsim = n
		return nil
	}
}

// needsMulti reports whether q needs the query's EncodeMulti outputs.
func (q *queryConfig) needsMulti() bool {
	return q.mode == modeSparse || q.mode == modeM3 || q.maxsim > 0
}

// checkMultiQuery checks q's sparse, M3 and MaxSim settings against the
// collection; text tells whether the call has a text.
func (c *Collection) checkMultiQuery(q *queryConfig, text bool) error {
	if q.mode == modeSparse && c.sp == nil {
		return fmt.Errorf("ganada: WithSparseOnly: the collection stores no lexical weights (make it WithSparse): %w", errs.ErrInvalidOption)
	}
	if q.mode == modeM3 {
		if q.m3.Sparse > 0 && c.sp == nil {
			return fmt.Errorf("ganada: %s: the collection stores no lexical weights (make it WithSparse): %w", q.option, errs.ErrInvalidOption)
		}
		if q.m3.ColBERT > 0 && c.col == nil {
			return fmt.Errorf("ganada: %s: the collection stores no ColBERT vectors (make it WithColBERT): %w", q.option, errs.ErrInvalidOption)
		}
	}
	if q.maxsim > 0 {
		if c.col == nil {
			return fmt.Errorf("ganada: WithMaxSim(%d): the collection stores no ColBERT vectors (make it WithColBERT): %w", q.maxsim, errs.ErrInvalidOption)
		}
		if q.rerank != nil {
			return fmt.Errorf("ganada: WithMaxSim(%d) and WithRerank: use one: %w", q.maxsim, errs.ErrInvalidOption)
		}
	}
	if !q.needsMulti() {
		return nil
	}
	name := q.option
	if q.mode != modeSparse && q.mode != modeM3 {
		name = fmt.Sprintf("WithMaxSim(%d)", q.maxsim)
	}
	if !text {
		return fmt.Errorf("ganada: %s: QueryVector has no text to encode: %w", name, errs.ErrInvalidOption)
	}
	if _, ok := c.enc.(embed.MultiEncoder); !ok {
		return fmt.Errorf("ganada: %s: the encoder %T gives no lexical weights or ColBERT vectors (it is not an embed.MultiEncoder): %w", name, c.enc, errs.ErrInvalidOption)
	}
	return nil
}

// encodeQueryMulti encodes the query text with EncodeMulti and checks
// its outputs.
func (c *Collection) encodeQueryMulti(ctx context.Context, text string) (*embed.MultiEmbedding, error) {
	out, err := c.enc.(embed.MultiEncoder).EncodeMulti(ctx, []string{text})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, err
		}
		return nil, fmt.Errorf("ganada: encoding the query: %w", err)
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("ganada: %d encodings for 1 text: %w", len(out), errs.ErrEncoder)
	}
	if err := c.checkVector(out[0].Dense, text); err != nil {
		return nil, fmt.Errorf("ganada: query: %w", err)
	}
	if err := checkSparse(out[0].Sparse); err != nil {
		return nil, fmt.Errorf("ganada: query: lexical weights: %w: %w", errs.ErrEncoder, err)
	}
	if c.col != nil {
		if err := c.col.Check(out[0].ColBERT); err != nil {
			return nil, fmt.Errorf("ganada: query: ColBERT vectors: %w: %w", errs.ErrEncoder, err)
		}
	}
	return &out[0], nil
}

// searchSparse is WithSparseOnly's search; allow is the query's filter
// (nil: none).
func (c *Collection) searchSparse(ctx context.Context, q queryConfig, k int, allow func(uint64) bool) ([]index.Result, error) {
	res, err := c.sp.Search(ctx, q.qm.Sparse, k, allow)
	if err != nil {
		return nil, fmt.Errorf("ganada: sparse search: %w", err)
	}
	return res, nil
}

// searchM3 is WithM3's search: the dense and sparse candidates, each
// scored by the weighted combination of its three scores.
func (c *Collection) searchM3(ctx context.Context, vec []float32, k int, q queryConfig, sopts []index.SearchOption, allow func(uint64) bool) ([]index.Result, error) {
	depth := max(k, DefaultFusionDepth)
	dense, err := c.idx.Search(ctx, vec, depth, sopts...)
	if err != nil {
		return nil, fmt.Errorf("ganada: search: %w", err)
	}
	cand := make([]uint64, 0, 2*len(dense))
	seen := make(map[uint64]bool, 2*len(dense))
	for _, r := range dense {
		cand, seen[r.ID] = append(cand, r.ID), true
	}
	if q.m3.Sparse > 0 {
		sp, err := c.sp.Search(ctx, q.qm.Sparse, depth, allow)
		if err != nil {
			return nil, fmt.Errorf("ganada: sparse search: %w", err)
		}
		for _, r := range sp {
			if !seen[r.ID] {
				cand, seen[r.ID] = append(cand, r.ID), true
			}
		}
	}
	if c.cfg.metric == index.Cosine {
		// The stored vectors are unit length; so is the query's now, and
		// their dot product is the cosine.
		var ss float64
		for _, x := range vec {
			ss += float64(x) * float64(x)
		}
		u := make([]float32, len(vec))
		for i, x := range vec {
			u[i] = float32(float64(x) / math.Sqrt(ss))
		}
		vec = u
	}
	out := make([]index.Result, 0, len(cand))
	for _, id := range cand {
		s, err := c.m3Score(q, vec, id)
		if err != nil {
			return nil, err
		}
		out = append(out, index.Result{ID: id, Score: s})
	}
	slices.SortStableFunc(out, func(a, b index.Result) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out[:min(k, len(out))], nil
}

// m3Score is compute_score's weighted combination for document id.
func (c *Collection) m3Score(q queryConfig, vec []float32, id uint64) (float32, error) {
	w := q.m3
	var dense, sp, col float64
	if w.Dense > 0 {
		v, err := c.idx.Vector(id)
		if err != nil {
			return 0, fmt.Errorf("ganada: reading the vector of index id %d: %w", id, err)
		}
		dense = float64(similarity.Dot(vec, v))
	}
	if w.Sparse > 0 {
		if v, ok := c.sp.Vector(id); ok {
			sp = float64(q.qm.Sparse.Dot(v))
		}
	}
	if w.ColBERT > 0 {
		s, _, err := c.col.MaxSim(q.qm.ColBERT, id)
		if err != nil {
			return 0, fmt.Errorf("ganada: ColBERT score: %w", err)
		}
		col = float64(s)
	}
	num := float64(w.Dense)*dense + float64(w.Sparse)*sp + float64(w.ColBERT)*col
	return float32(num / (float64(w.Dense) + float64(w.Sparse) + float64(w.ColBERT))), nil
}

// rescoreMaxSim replaces the scores of res by their MaxSim against the
// query's ColBERT vectors and sorts them best first (ties keep the
// search's order).
func (c *Collection) rescoreMaxSim(q queryConfig, res []index.Result) error {
	for i := range res {
		s, _, err := c.col.MaxSim(q.qm.ColBERT, res[i].ID)
		if err != nil {
			return fmt.Errorf("ganada: ColBERT score: %w", err)
		}
		res[i].Score = s
	}
	slices.SortStableFunc(res, func(a, b index.Result) int { return cmp.Compare(b.Score, a.Score) })
	return nil
}

// checkOutputs checks that enc gives the extra outputs a saved file
// stores (CONF's outputs byte).
func checkOutputs(enc embed.Encoder, outputs byte) error {
	if outputs == 0 {
		return nil
	}
	if _, ok := enc.(embed.MultiEncoder); !ok {
		return fmt.Errorf("ganada: the saved collection stores lexical weights or ColBERT vectors, which the encoder %T does not give (it is not an embed.MultiEncoder): %w", enc, errs.ErrEncoderMismatch)
	}
	return nil
}

// loadMulti installs the sparse index and ColBERT store read from a file
// (nil when absent), after checking that they hold exactly the documents,
// and builds those the options ask for that the file lacks by encoding
// the stored texts.
func (c *Collection) loadMulti(ctx context.Context, sp *sparse.Index, col *multivec.Store, entries []*entry) error {
	has := func(n int, contains func(uint64) bool, what string) error {
		if n != len(entries) {
			return fmt.Errorf("%s for %d of %d documents: %w", what, n, len(entries), errs.ErrCorrupt)
		}
		for _, e := range entries {
			if !contains(e.num) {
				return fmt.Errorf("document %q has no %s: %w", e.doc.ID, what, errs.ErrCorrupt)
			}
		}
		return nil
	}
	if sp != nil {
		if err := has(sp.Len(), sp.Contains, "lexical weights"); err != nil {
			return err
		}
		c.sp = sp
	}
	if col != nil {
		if err := has(col.Len(), col.Contains, "ColBERT vectors"); err != nil {
			return err
		}
		if d := c.enc.(embed.MultiEncoder).ColBERTDim(); col.Dim() != d {
			return fmt.Errorf("ganada: the saved ColBERT vectors have %d dimensions, the encoder's %d: %w", col.Dim(), d, errs.ErrEncoderMismatch)
		}
		c.col = col
	}
	buildSp, buildCol := c.cfg.sparse && c.sp == nil, c.cfg.colbert && c.col == nil
	if !buildSp && !buildCol {
		return nil
	}
	// Build the missing stores alone, then keep the ones read.
	keepSp, keepCol := c.sp, c.col
	c.sp, c.col = nil, nil
	if err := c.initMulti(buildSp, buildCol); err != nil {
		return err
	}
	if err := c.encodeMultiOf(ctx, entries); err != nil {
		return err
	}
	if keepSp != nil {
		c.sp = keepSp
	}
	if keepCol != nil {
		c.col = keepCol
	}
	return nil
}

// encodeMultiOf encodes the texts of stored entries with EncodeMulti and
// stores their lexical weights and ColBERT vectors (as the collection
// keeps them): the outputs a file lacks, or that a replayed change did not
// carry.
func (c *Collection) encodeMultiOf(ctx context.Context, entries []*entry) error {
	if !c.multi() || len(entries) == 0 {
		return nil
	}
	docs := make([]Document, len(entries))
	nums := make([]uint64, len(entries))
	for i, e := range entries {
		docs[i], nums[i] = e.doc, e.num
	}
	_, extra, err := c.encodeDocuments(ctx, docs)
	if err != nil {
		return fmt.Errorf("ganada: encoding stored texts for their lexical weights or ColBERT vectors: %w", err)
	}
	return c.addMulti(ctx, nums, extra)
}
