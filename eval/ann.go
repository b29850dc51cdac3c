// This file measures the recall of an approximate index against exact
// search.

package eval

import (
	"context"
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
)

// ANNResult is the recall of an approximate index on a query set.
type ANNResult struct {
	// Recall is mean recall@k over the queries: the share of each query's
	// exact top k that the approximate index returned in its top k.
	Recall float64
	// MinRecall is the lowest per-query recall.
	MinRecall float64
	// Queries is the number of queries scored (queries for which exact
	// search returned nothing are skipped).
	Queries int
}

// ANNRecall measures recall@k of approx against exact — normally an
// index/flat holding the same vectors with the same metric — over queries:
// per query, the number of ids approx returns in its top k that are in
// exact's top k, divided by the size of exact's top k (k, or fewer when
// fewer vectors pass). An id outside exact's top k also counts when the
// score approx reports for it ties exact's k-th score (within 1e-6
// relative), since exact's choice among tied vectors is arbitrary. opts
// (for example index.WithEf, index.WithFilter) go to both searches. A
// cancelled context stops between queries.
func ANNRecall(ctx context.Context, approx, exact index.Index, queries [][]float32, k int, opts ...index.SearchOption) (ANNResult, error) {
	if approx.Dim() != exact.Dim() {
		return ANNResult{}, fmt.Errorf("eval: ANN recall: dimensions %d and %d differ: %w", approx.Dim(), exact.Dim(), errs.ErrDimension)
	}
	if k <= 0 {
		return ANNResult{}, fmt.Errorf("eval: ANN recall: k = %d: %w", k, errs.ErrInvalidInput)
	}
	res := ANNResult{MinRecall: 1}
	var sum float64
	for qi, q := range queries {
		if err := ctx.Err(); err != nil {
			return ANNResult{}, err
		}
		truth, err := exact.Search(ctx, q, k, opts...)
		if err != nil {
			return ANNResult{}, fmt.Errorf("eval: ANN recall: query %d: exact search: %w", qi, err)
		}
		if len(truth) == 0 {
			continue
		}
		got, err := approx.Search(ctx, q, k, opts...)
		if err != nil {
			return ANNResult{}, fmt.Errorf("eval: ANN recall: query %d: approximate search: %w", qi, err)
		}
		want := make(map[uint64]struct{}, len(truth))
		for _, r := range truth {
			want[r.ID] = struct{}{}
		}
		kth := float64(truth[len(truth)-1].Score)
		tol := 1e-6 * math.Max(1, math.Abs(kth))
		hits := 0
		seen := make(map[uint64]struct{}, len(got))
		for i, r := range got {
			if i == k {
				break
			}
			if _, dup := seen[r.ID]; dup {
				continue
			}
			seen[r.ID] = struct{}{}
			if _, ok := want[r.ID]; ok || float64(r.Score) >= kth-tol {
				hits++
			}
		}
		rec := math.Min(1, float64(hits)/float64(len(truth)))
		sum += rec
		res.MinRecall = math.Min(res.MinRecall, rec)
		res.Queries++
	}
	if res.Queries == 0 {
		return ANNResult{}, fmt.Errorf("eval: ANN recall: no query had exact results: %w", errs.ErrInvalidInput)
	}
	res.Recall = sum / float64(res.Queries)
	return res, nil
}
