// This file holds lexical and hybrid queries: the query options
// WithLexicalOnly and WithHybrid, the Fusion methods (Reciprocal Rank
// Fusion and a weighted sum of normalised scores) and the search that runs
// the vector and BM25 indexes and fuses their lists.

package ganada

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
)

// queryMode says which indexes a query searches.
type queryMode uint8

const (
	modeDense queryMode = iota
	modeLexical
	modeHybrid
	modeSparse // WithSparseOnly (m3.go)
	modeM3     // WithM3 (m3.go)
)

// DefaultRRFK is the k of Reciprocal Rank Fusion (Cormack, Clarke and
// Büttcher, 2009), as Elasticsearch and OpenSearch use by default.
const DefaultRRFK = 60

// DefaultFusionDepth is how many results a hybrid query takes from each
// list before fusing them, when k is smaller.
const DefaultFusionDepth = 100

// Fusion says how a hybrid query (WithHybrid) combines the dense list of
// the vector index and the lexical list of the BM25 index. Make one with
// RRF or WeightedSum; the zero Fusion is RRF(DefaultRRFK). Each list is
// taken max(k, depth) deep (WithDepth; DefaultFusionDepth).
type Fusion struct {
	weighted bool
	rrfK     int
	dense    float64 // weight of the dense list in a weighted sum
	depth    int
	err      error
}

// RRF fuses by Reciprocal Rank Fusion: a document scores Σ 1/(k + rank)
// over the lists it is in, rank counted from 1; k ≥ 1 (DefaultRRFK is 60).
// Hit.Score is that sum.
func RRF(k int) Fusion {
	f := Fusion{rrfK: k}
	if k < 1 {
		f.err = fmt.Errorf("ganada: WithHybrid(RRF(%d)): want k ≥ 1: %w", k, errs.ErrInvalidOption)
	}
	return f
}

// WeightedSum fuses by a weighted sum of normalised scores: each list's
// scores are scaled to [0, 1] by min-max normalisation (all 1 when they are
// equal), and a document scores dense·s_dense + (1 − dense)·s_lexical, a
// list it is absent from counting 0. dense is in [0, 1]. Hit.Score is
// that sum.
func WeightedSum(dense float64) Fusion {
	f := Fusion{weighted: true, dense: dense}
	if !(dense >= 0 && dense <= 1) {
		f.err = fmt.Errorf("ganada: WithHybrid(WeightedSum(%v)): want a dense weight in [0, 1]: %w", dense, errs.ErrInvalidOption)
	}
	return f
}

// WithDepth returns f taking n results from each list (at least k are
// taken), n ≥ 1.
func (f Fusion) WithDepth(n int) Fusion {
	if n < 1 && f.err == nil {
		f.err = fmt.Errorf("ganada: WithHybrid(...WithDepth(%d)): want n ≥ 1: %w", n, errs.ErrInvalidOption)
	}
	f.depth = n
	return f
}

// String describes f, as "RRF(60)" or "WeightedSum(0.7)".
func (f Fusion) String() string {
	if f.weighted {
		return fmt.Sprintf("WeightedSum(%v)", f.dense)
	}
	k := f.rrfK
	if k == 0 {
		k = DefaultRRFK
	}
	return fmt.Sprintf("RRF(%d)", k)
}

// WithHybrid makes Query search both the vector index and the BM25 index
// of the query's text and fuse the two lists with f (RRF(60) when f is the
// zero Fusion). Filters apply to both lists. The collection must have been
// made WithLexical; QueryVector, which has no text, refuses this option.
func WithHybrid(f Fusion) QueryOption {
	return func(q *queryConfig) error {
		if f.err != nil {
			return f.err
		}
		q.mode, q.fusion, q.option = modeHybrid, f, "WithHybrid("+f.String()+")"
		return nil
	}
}

// WithLexicalOnly makes Query rank by BM25 over the query's text alone,
// without encoding it; Hit.Score is the BM25 score, and only documents
// sharing a term with the query are returned, so fewer than k hits can come
// back. The collection must have been made WithLexical; QueryVector
// refuses this option.
func WithLexicalOnly() QueryOption {
	return func(q *queryConfig) error {
		q.mode, q.option = modeLexical, "WithLexicalOnly"
		return nil
	}
}

// resolveQuery applies opts, skipping nil ones, and checks the mode they
// set against the collection and the call (text tells whether the call
// has a text).
func (c *Collection) resolveQuery(opts []QueryOption, text bool) (queryConfig, error) {
	var q queryConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&q); err != nil {
			return queryConfig{}, err
		}
	}
	if q.mode == modeLexical || q.mode == modeHybrid {
		if c.lex == nil {
			return queryConfig{}, fmt.Errorf("ganada: %s: the collection has no lexical index (make it WithLexical): %w", q.option, errs.ErrInvalidOption)
		}
		if !text {
			return queryConfig{}, fmt.Errorf("ganada: %s: QueryVector has no text to search: %w", q.option, errs.ErrInvalidOption)
		}
	}
	if err := c.checkMultiQuery(&q, text); err != nil {
		return queryConfig{}, err
	}
	return q, nil
}

// searchMode runs the search q's mode asks for; the caller holds mu for
// reading and sopts carries its filter, allow (nil: none).
func (c *Collection) searchMode(ctx context.Context, vec []float32, text string, k int, q queryConfig, sopts []index.SearchOption, allow func(uint64) bool) ([]index.Result, error) {
	switch q.mode {
	case modeSparse:
		return c.searchSparse(ctx, q, k, allow)
	case modeM3:
		return c.searchM3(ctx, vec, k, q, sopts, allow)
	case modeLexical:
		res, err := c.lex.Search(ctx, text, k, sopts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: lexical search: %w", err)
		}
		return res, nil
	case modeHybrid:
		depth := q.fusion.depth
		if depth == 0 {
			depth = DefaultFusionDepth
		}
		depth = max(depth, k)
		dense, err := c.idx.Search(ctx, vec, depth, sopts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: search: %w", err)
		}
		lex, err := c.lex.Search(ctx, text, depth, sopts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: lexical search: %w", err)
		}
		return fuse(q.fusion, dense, lex, k), nil
	}
	res, err := c.idx.Search(ctx, vec, k, sopts...)
	if err != nil {
		return nil, fmt.Errorf("ganada: search: %w", err)
	}
	return res, nil
}

// fuse combines two best-first lists by f and returns the k best, ties
// broken by ascending id.
func fuse(f Fusion, dense, lex []index.Result, k int) []index.Result {
	scores := make(map[uint64]float64, len(dense)+len(lex))
	if f.weighted {
		addNormalised(scores, dense, f.dense)
		addNormalised(scores, lex, 1-f.dense)
	} else {
		rk := f.rrfK
		if rk == 0 {
			rk = DefaultRRFK
		}
		for _, list := range [][]index.Result{dense, lex} {
			for i, r := range list {
				scores[r.ID] += 1 / float64(rk+i+1)
			}
		}
	}
	out := make([]index.Result, 0, len(scores))
	for id, s := range scores {
		out = append(out, index.Result{ID: id, Score: float32(s)})
	}
	sort.Slice(out, func(i, j int) bool {
		si, sj := scores[out[i].ID], scores[out[j].ID]
		if si != sj {
			return si > sj
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(k, len(out))]
}

// addNormalised adds w times each result's min-max normalised score.
func addNormalised(scores map[uint64]float64, list []index.Result, w float64) {
	if len(list) == 0 {
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range list {
		lo, hi = min(lo, float64(r.Score)), max(hi, float64(r.Score))
	}
	for _, r := range list {
		s := 1.0
		if hi > lo {
			s = (float64(r.Score) - lo) / (hi - lo)
		}
		scores[r.ID] += w * s
	}
}
