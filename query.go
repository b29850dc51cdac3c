// This file implements Query and QueryVector, their options and the Hit
// they return.

package ganada

import (
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"

	"github.com/ganada/ganada/index"
)

// Hit is one query result: a stored document and its score.
type Hit struct {
	ID       string
	Text     string
	Metadata map[string]string // a copy; the caller may modify it
	// Score is higher-is-better: the cosine similarity under Cosine (the
	// default), the inner product under Dot, and −‖q−x‖² under L2; the BM25
	// score under WithLexicalOnly, and the fused score (see Fusion) under
	// WithHybrid; the lexical matching score under WithSparseOnly, the
	// weighted combination under WithM3, the MaxSim score under WithMaxSim
	// and the reranker's score under WithRerank.
	Score float32
}

// A QueryOption tunes one Query or QueryVector call: WithFilter,
// WithQueryEf, WithExactSearch, WithHybrid, WithLexicalOnly or (Query only)
// WithRerank, WithSparseOnly, WithM3 and WithMaxSim. Nil options are skipped; an option with a
// bad value makes the call fail with an error wrapping errs.ErrInvalidOption
// that names it.
type QueryOption func(*queryConfig) error

// queryConfig is the resolved form of a list of QueryOptions.
type queryConfig struct {
	filters []Filter
	sopts   []index.SearchOption
	mode    queryMode             // dense (the zero value), lexical or hybrid
	fusion  Fusion                // how a hybrid query fuses its lists
	option  string                // the option that set mode, for errors
	rerank  *rerankSpec           // WithRerank (rerank.go)
	parents bool                  // WithParents (chunking.go)
	m3      embed.MultiWeights    // WithM3's weights (m3.go)
	maxsim  int                   // WithMaxSim's n (m3.go)
	qm      *embed.MultiEmbedding // the query's EncodeMulti outputs, when needed
}

// WithFilter restricts one query to the documents every filter admits
// (Where, WhereIn, And, ...; see Filter). Nil filters are skipped.
func WithFilter(filters ...Filter) QueryOption {
	return func(q *queryConfig) error {
		q.filters = append(q.filters, nonNil(filters)...)
		return nil
	}
}

// WithQueryEf sets the HNSW beam width of one query (hnsw's WithEfSearch
// gives the collection's default; at least k is used), at least 1, as
// index.WithEf checks. The Flat index ignores it.
func WithQueryEf(ef int) QueryOption {
	return func(q *queryConfig) error {
		q.sopts = append(q.sopts, index.WithEf(ef))
		return nil
	}
}

// WithExactSearch makes one query score every document exactly, even in an
// HNSW collection, at brute-force cost.
func WithExactSearch() QueryOption {
	return func(q *queryConfig) error {
		q.sopts = append(q.sopts, index.WithExact())
		return nil
	}
}

// Query encodes text as a query (with the encoder's EncodeQueries when it is
// an embed.QueryDocumentEncoder, so with its query prompt) and
// returns up to k documents whose vectors score best against it, best first.
// WithFilter options restrict the candidates (all must match); the index
// applies them during its search, possibly on several goroutines at once
// (see Filter), so k hits are found whenever k documents match. Fewer than k hits come back only when fewer documents (match).
// WithLexicalOnly ranks by BM25 instead, without encoding the query, and
// WithHybrid fuses both rankings (the collection needs WithLexical).
// WithSparseOnly, WithM3 and WithMaxSim encode the query with the
// encoder's EncodeMulti and score with the stored lexical weights and
// ColBERT vectors (the collection needs WithSparse or WithColBERT).
// Errors wrap errs.ErrInvalidInput (k ≤ 0), errs.ErrInvalidOption (a bad
// query option, or a lexical mode without WithLexical), the encoder's error, errs.ErrEncoder,
// errs.ErrInvalidVector (for example a zero query vector under Cosine: a
// word-vector encoder knows none of the query's words, and then the error
// also wraps errs.ErrNoKnownTokens), or ctx.Err().
func (c *Collection) Query(ctx context.Context, text string, k int, opts ...QueryOption) ([]Hit, error) {
	if err := checkK(k); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q, err := c.resolveQuery(opts, true)
	if err != nil {
		return nil, err
	}
	if q.parents {
		hits, err := c.query(ctx, text, parentsDepth(k), q)
		return groupByParent(hits, k), err
	}
	return c.query(ctx, text, k, q)
}

// query is Query after its checks.
func (c *Collection) query(ctx context.Context, text string, k int, q queryConfig) ([]Hit, error) {
	if q.needsMulti() {
		qm, err := c.encodeQueryMulti(ctx, text)
		if err != nil {
			return nil, err
		}
		q.qm = qm
		if q.maxsim == 0 {
			return c.searchRerank(ctx, qm.Dense, text, k, q)
		}
		hits, err := c.searchRerank(ctx, qm.Dense, text, max(k, q.maxsim), q)
		if len(hits) > k {
			hits = hits[:k]
		}
		return hits, err
	}
	if q.mode == modeLexical {
		return c.searchRerank(ctx, nil, text, k, q)
	}
	out, err := embed.EncodeQueries(ctx, c.enc, []string{text})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, err
		}
		return nil, fmt.Errorf("ganada: encoding the query: %w", err)
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("ganada: %d vectors for 1 text: %w", len(out), errs.ErrEncoder)
	}
	if err := c.checkVector(out[0], text); err != nil {
		return nil, fmt.Errorf("ganada: query: %w", err)
	}
	return c.searchRerank(ctx, out[0], text, k, q)
}

// QueryVector returns up to k documents whose vectors score best against
// vec, best first, like Query without encoding. vec must come from the
// collection's encoder (or one with the same Identity). Errors wrap
// errs.ErrInvalidInput (k ≤ 0), errs.ErrDimension, errs.ErrInvalidVector (NaN or
// infinite components, a zero vector under Cosine) or ctx.Err().
func (c *Collection) QueryVector(ctx context.Context, vec []float32, k int, opts ...QueryOption) ([]Hit, error) {
	if err := checkK(k); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := checkVec(vec, c.idx.Dim(), c.cfg.metric); err != nil {
		return nil, fmt.Errorf("ganada: query vector: %w", err)
	}
	q, err := c.resolveQuery(opts, false)
	if err != nil {
		return nil, err
	}
	if q.rerank != nil {
		return nil, fmt.Errorf("ganada: WithRerank: QueryVector has no query text to rerank with (use Query): %w", errs.ErrInvalidOption)
	}
	if q.parents {
		hits, err := c.search(ctx, vec, "", parentsDepth(k), q)
		return groupByParent(hits, k), err
	}
	return c.search(ctx, vec, "", k, q)
}

func checkK(k int) error {
	if k <= 0 {
		return fmt.Errorf("ganada: k = %d, want k > 0: %w", k, errs.ErrInvalidInput)
	}
	return nil
}

// search runs a checked query vector (nil for a lexical-only query) and
// the query's text through the indexes q's mode asks for.
func (c *Collection) search(ctx context.Context, vec []float32, text string, k int, q queryConfig) ([]Hit, error) {
	sopts := q.sopts

	if _, ok := c.idx.(index.DocumentIndex); ok {
		// The index holds the documents and evaluates the filters itself.
		// Hits that are not current documents (mid-Add or mid-Delete) are
		// dropped below, so a query racing a writer may return fewer than k.
		if len(q.filters) > 0 {
			conds := make([]index.Cond, len(q.filters))
			for i, f := range q.filters {
				conds[i] = f.Cond()
			}
			where := index.And(conds...)
			if name, ok := where.Opaque(); ok {
				return nil, fmt.Errorf("ganada: query: a %s filter cannot run in the index %T, which evaluates filters itself; use Where, WhereIn, WhereExists, WhereID, And, Or and Not: %w", name, c.idx, errs.ErrUnsupported)
			}
			sopts = append(sopts, index.WithWhere(where))
		}
		res, err := c.idx.Search(ctx, vec, k, sopts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: search: %w", err)
		}
		c.mu.RLock()
		defer c.mu.RUnlock()
		hits := make([]Hit, 0, len(res))
		for _, r := range res {
			if e := c.byNum[r.ID]; e != nil && c.byID[e.doc.ID] == r.ID {
				hits = append(hits, Hit{ID: e.doc.ID, Text: e.doc.Text, Metadata: copyMetadata(e.doc.Metadata), Score: r.Score})
			}
		}
		return hits, nil
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	var allow func(uint64) bool
	if len(q.filters) > 0 || c.pending > 0 {
		// The index may call this on several goroutines at once, all while
		// this goroutine holds mu.RLock; it only reads the maps. Only while
		// a writer is mid-Add or mid-Delete (pending > 0) can the index hold
		// ids that are not current documents.
		current := c.pending == 0
		allow = func(num uint64) bool {
			e := c.byNum[num]
			if e == nil || (!current && c.byID[e.doc.ID] != num) {
				return false
			}
			for _, f := range q.filters {
				if !f.Match(e.doc) {
					return false
				}
			}
			return true
		}
		sopts = append(sopts, index.WithFilter(allow))
	}
	res, err := c.searchMode(ctx, vec, text, k, q, sopts, allow)
	if err != nil {
		return nil, err
	}
	if q.maxsim > 0 {
		if err := c.rescoreMaxSim(q, res); err != nil {
			return nil, err
		}
	}
	hits := make([]Hit, 0, len(res))
	for _, r := range res {
		e := c.byNum[r.ID]
		if e == nil {
			continue // cannot happen: unfiltered searches run only when pending == 0
		}
		hits = append(hits, Hit{ID: e.doc.ID, Text: e.doc.Text, Metadata: copyMetadata(e.doc.Metadata), Score: r.Score})
	}
	return hits, nil
}
