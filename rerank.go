// This file implements WithRerank: a query that reorders its best
// candidates with an embed.Reranker (a cross-encoder, or BGE-M3's
// combined score) before returning them.

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
)

// rerankSpec is WithRerank's setting.
type rerankSpec struct {
	r embed.Reranker
	n int
}

// MaxRerankCandidates bounds WithRerank's n: a cross-encoder reads every
// candidate with the query, so a few hundred is already slow.
const MaxRerankCandidates = 10000

// WithRerank makes Query rerank its best candidates with r: the search
// (dense, WithLexicalOnly or WithHybrid) fetches the n best documents (k
// when n < k; filters apply as usual), r.Rerank scores each one's text against the query text, and the
// k best by that score come back, best first (ties keep the index's
// order). Each Hit's Score is then the reranker's score, on its scale (a
// cross-encoder's sigmoid score, for instance), not the vector
// similarity.
//
// r must not be nil and n must be in 1..MaxRerankCandidates; otherwise
// the query fails with an error wrapping errs.ErrInvalidOption naming the
// option. QueryVector, which has no query text, refuses it the same way.
// The reranker's error is returned wrapped; a reranker that returns the
// wrong number of scores gives errs.ErrEncoder, a NaN or infinite score
// errs.ErrNonFinite.
func WithRerank(r embed.Reranker, n int) QueryOption {
	return func(q *queryConfig) error {
		if r == nil {
			return fmt.Errorf("ganada: WithRerank(nil, %d): nil reranker: %w", n, errs.ErrInvalidOption)
		}
		if n < 1 || n > MaxRerankCandidates {
			return fmt.Errorf("ganada: WithRerank(%T, %d): n outside 1..%d: %w", r, n, MaxRerankCandidates, errs.ErrInvalidOption)
		}
		q.rerank = &rerankSpec{r: r, n: n}
		return nil
	}
}

// searchRerank is search, followed by WithRerank's reranking when q
// asks for it: the search then fetches max(k, n) candidates.
func (c *Collection) searchRerank(ctx context.Context, vec []float32, text string, k int, q queryConfig) ([]Hit, error) {
	if q.rerank == nil {
		return c.search(ctx, vec, text, k, q)
	}
	hits, err := c.search(ctx, vec, text, max(k, q.rerank.n), q)
	if err != nil {
		return nil, err
	}
	return c.rerank(ctx, q.rerank, text, hits, k)
}

// rerank reorders hits by rs.r's scores against query and keeps the best
// k.
func (c *Collection) rerank(ctx context.Context, rs *rerankSpec, query string, hits []Hit, k int) ([]Hit, error) {
	if len(hits) == 0 {
		return hits, nil
	}
	texts := make([]string, len(hits))
	for i, h := range hits {
		texts[i] = h.Text
	}
	scores, err := rs.r.Rerank(ctx, query, texts)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, err
		}
		return nil, fmt.Errorf("ganada: reranking: %w", err)
	}
	if len(scores) != len(hits) {
		return nil, fmt.Errorf("ganada: reranking: %d scores for %d passages: %w", len(scores), len(hits), errs.ErrEncoder)
	}
	for i, s := range scores {
		if math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("ganada: reranking: score %v for document %q: %w", s, hits[i].ID, errs.ErrNonFinite)
		}
		hits[i].Score = s
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return hits[:min(k, len(hits))], nil
}
