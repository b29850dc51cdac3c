// This file holds Search: BM25 scoring of a query's terms over the
// postings, term at a time, and the top-k selection with the filter.

package lexical

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
)

// accumulator holds the per-slot scores of one search.
type accumulator struct {
	scores  []float32
	touched []uint32
}

var accumulators = sync.Pool{New: func() any { return new(accumulator) }}

// IDF returns Lucene's BM25 idf of a term held by df of n documents:
// ln(1 + (n − df + 0.5)/(df + 0.5)).
func IDF(df, n int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// queryTerm is a distinct term of a query and its number of occurrences.
type queryTerm struct {
	term  string
	count int
}

func (x *Index) queryTerms(query string) []queryTerm {
	ts := x.an.Terms(nil, query)
	sort.Strings(ts)
	var out []queryTerm
	for _, t := range ts {
		if n := len(out); n > 0 && out[n-1].term == t {
			out[n-1].count++
			continue
		}
		out = append(out, queryTerm{t, 1})
	}
	return out
}

// Search returns up to k documents matching query, best first, scored by
// BM25 as Lucene's BM25Similarity (since Lucene 8) scores a BooleanQuery of
// one SHOULD TermQuery per query term:
//
//	score(d) = Σ_t idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
//
// where tf is the term's count in d, dl is d's length in terms, avgdl the
// mean length of the documents with terms, and idf is IDF(df, N) over N
// documents with terms. A term repeated in the query counts once per
// occurrence, as Lucene's repeated clauses do. Unlike Lucene, dl is the
// exact length (Lucene stores it lossily in one byte, exact only up to 39
// terms) and deleted documents leave the statistics at once (Lucene keeps
// them until segments merge). Scores are computed in float32 from float64
// idf and avgdl.
//
// Only documents holding at least one query term are returned, so fewer
// than k results come back when fewer documents match (or pass the
// filter). index.WithFilter restricts the results to the ids it admits;
// WithEf and WithExact are ignored (the search is exact). A query without
// terms returns no results. k ≤ 0 yields an error wrapping
// errs.ErrInvalidInput.
func (x *Index) Search(ctx context.Context, query string, k int, opts ...index.SearchOption) ([]index.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := core.CheckK(k); err != nil {
		return nil, fmt.Errorf("lexical: %w", err)
	}
	o, err := index.ResolveSearch(opts...)
	if err != nil {
		return nil, err
	}
	qts := x.queryTerms(query)
	if len(qts) == 0 {
		return nil, nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.docs == 0 {
		return nil, nil
	}
	acc := accumulators.Get().(*accumulator)
	defer accumulators.Put(acc)
	if cap(acc.scores) < len(x.ids) {
		acc.scores = make([]float32, len(x.ids))
	}
	scores := acc.scores[:len(x.ids)]
	touched := acc.touched[:0]
	avgdl := float64(x.sumLen) / float64(x.docs)
	c0 := float32(x.k1 * (1 - x.b))
	c1 := float32(x.k1 * x.b / avgdl)
	lens := x.lens
	for _, qt := range qts {
		tid, ok := x.termID[qt.term]
		if !ok || x.df[tid] == 0 {
			continue
		}
		w := float32(float64(qt.count) * IDF(int(x.df[tid]), x.docs))
		for _, p := range x.post[tid] {
			l := lens[p.doc]
			if l == dead {
				continue
			}
			tf := float32(p.tf)
			s := w * tf / (tf + c0 + c1*float32(l))
			if scores[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			scores[p.doc] += s
		}
	}
	top := core.NewTopK(k)
	for _, d := range touched {
		s := scores[d]
		scores[d] = 0
		if !top.Admits(s) {
			continue
		}
		id := x.ids[d]
		if o.Filter != nil && !o.Filter(id) {
			continue
		}
		top.Push(index.Result{ID: id, Score: s})
	}
	acc.touched = touched[:0]
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return top.Results(), nil
}
