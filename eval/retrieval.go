// This file computes retrieval metrics from relevance judgements: recall@k,
// MRR@k and nDCG@k, defined as trec_eval (and so pytrec_eval and MTEB)
// defines them.

package eval

import (
	"math"
	"sort"
)

// Qrels holds relevance judgements: Qrels[query][doc] is the relevance
// grade of doc for query. Grades above 0 are relevant; 0 or below means
// judged not relevant.
type Qrels map[string]map[string]int

// Run holds a system's results: Run[query] lists doc IDs best first. A doc
// listed twice for one query counts at its first position only.
type Run map[string][]string

// RankScores turns per-query doc scores into a Run, ordering docs by score
// descending and breaking ties by doc ID descending, as trec_eval does.
func RankScores(scores map[string]map[string]float64) Run {
	run := make(Run, len(scores))
	for q, ds := range scores {
		ids := make([]string, 0, len(ds))
		for d := range ds {
			ids = append(ids, d)
		}
		sort.Slice(ids, func(a, b int) bool {
			sa, sb := ds[ids[a]], ds[ids[b]]
			if sa != sb {
				return sa > sb
			}
			return ids[a] > ids[b]
		})
		run[q] = ids
	}
	return run
}

// topK returns the first k distinct docs of ranked.
func topK(ranked []string, k int) []string {
	seen := make(map[string]struct{}, k)
	out := make([]string, 0, k)
	for _, d := range ranked {
		if len(out) == k {
			break
		}
		if _, dup := seen[d]; dup {
			continue
		}
		seen[d] = struct{}{}
		out = append(out, d)
	}
	return out
}

// perQuery averages f over the queries of qrels that have at least one
// relevant doc; a query missing from run scores 0. It returns 0 when no
// query qualifies.
func perQuery(qrels Qrels, run Run, f func(rels map[string]int, ranked []string) float64) float64 {
	var sum float64
	n := 0
	for q, rels := range qrels {
		if numRelevant(rels) == 0 {
			continue
		}
		n++
		sum += f(rels, run[q])
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func numRelevant(rels map[string]int) int {
	n := 0
	for _, g := range rels {
		if g > 0 {
			n++
		}
	}
	return n
}

// RecallAtK returns mean recall@k: per query, the number of relevant docs
// in the first k results divided by the number of relevant docs (trec_eval
// "recall_k", MTEB "recall_at_k"). Queries without relevant docs are
// skipped; queries missing from run count 0.
func RecallAtK(qrels Qrels, run Run, k int) float64 {
	return perQuery(qrels, run, func(rels map[string]int, ranked []string) float64 {
		hit := 0
		for _, d := range topK(ranked, k) {
			if rels[d] > 0 {
				hit++
			}
		}
		return float64(hit) / float64(numRelevant(rels))
	})
}

// MRRAtK returns the mean reciprocal rank cut at k: per query, 1/r for the
// rank r of the first relevant doc if r ≤ k, else 0 (MTEB "mrr_at_k").
func MRRAtK(qrels Qrels, run Run, k int) float64 {
	return perQuery(qrels, run, func(rels map[string]int, ranked []string) float64 {
		for i, d := range topK(ranked, k) {
			if rels[d] > 0 {
				return 1 / float64(i+1)
			}
		}
		return 0
	})
}

// NDCGAtK returns mean nDCG@k with trec_eval's definition ("ndcg_cut_k",
// used by pytrec_eval and MTEB): DCG@k = Σ_{i=1..k} g_i / log2(i+1) with the
// gain g_i the relevance grade of the doc at rank i (linear, not 2^g−1;
// unjudged and non-positive grades give 0), divided by the DCG@k of the
// ideal ranking of the query's judged relevant docs.
func NDCGAtK(qrels Qrels, run Run, k int) float64 {
	return perQuery(qrels, run, func(rels map[string]int, ranked []string) float64 {
		var dcg float64
		for i, d := range topK(ranked, k) {
			if g := rels[d]; g > 0 {
				dcg += float64(g) / math.Log2(float64(i+2))
			}
		}
		var ideal []int
		for _, g := range rels {
			if g > 0 {
				ideal = append(ideal, g)
			}
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
		var idcg float64
		for i, g := range ideal {
			if i == k {
				break
			}
			idcg += float64(g) / math.Log2(float64(i+2))
		}
		return dcg / idcg
	})
}
