// Tests for the retrieval metrics against hand-computed values.

package eval

import (
	"math"
	"reflect"
	"testing"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("%s = %.15f, want %.15f", what, got, want)
	}
}

func TestRetrievalMetrics(t *testing.T) {
	qrels := Qrels{
		// q1: two relevant docs, grades 2 and 1; d9 judged irrelevant.
		"q1": {"d1": 2, "d2": 1, "d9": 0},
		// q2: one relevant doc that is never retrieved.
		"q2": {"d5": 1},
		// q3: no relevant docs: skipped.
		"q3": {"d7": 0},
		// q4: one relevant doc, not in the run at all: counts 0.
		"q4": {"d1": 1},
	}
	run := Run{
		"q1": {"d9", "d2", "d2", "d3", "d1"}, // d2 repeated: counted once
		"q2": {"d1", "d2"},
		"q3": {"d7"},
		"q9": {"d1"}, // not judged: ignored
	}
	// q1: top-3 distinct = d9 d2 d3 → 1 of 2 relevant; top-4 adds d1.
	near(t, "recall@3", RecallAtK(qrels, run, 3), (0.5+0+0)/3)
	near(t, "recall@10", RecallAtK(qrels, run, 10), (1.0+0+0)/3)
	near(t, "recall@1", RecallAtK(qrels, run, 1), 0)
	// q1: first relevant (d2) at rank 2.
	near(t, "mrr@10", MRRAtK(qrels, run, 10), (0.5+0+0)/3)
	near(t, "mrr@1", MRRAtK(qrels, run, 1), 0)
	// q1 nDCG@10: DCG = 1/log2(3) + 2/log2(5); IDCG = 2/log2(2) + 1/log2(3).
	dcg := 1/math.Log2(3) + 2/math.Log2(5)
	idcg := 2 + 1/math.Log2(3)
	near(t, "ndcg@10", NDCGAtK(qrels, run, 10), (dcg/idcg)/3)
	// nDCG@2: DCG = 1/log2(3); IDCG@2 = 2 + 1/log2(3).
	near(t, "ndcg@2", NDCGAtK(qrels, run, 2), (1/math.Log2(3))/(2+1/math.Log2(3))/3)
	// A perfect run scores 1 everywhere.
	perfect := Run{"q1": {"d1", "d2"}, "q2": {"d5"}, "q4": {"d1"}}
	for _, k := range []int{1, 2, 10} {
		near(t, "perfect ndcg", NDCGAtK(qrels, perfect, k), 1)
		near(t, "perfect mrr", MRRAtK(qrels, perfect, k), 1)
	}
	near(t, "perfect recall@2", RecallAtK(qrels, perfect, 2), 1)
	near(t, "perfect recall@1", RecallAtK(qrels, perfect, 1), (0.5+1+1)/3)
	near(t, "empty", NDCGAtK(Qrels{}, run, 10), 0)
}

func TestRankScores(t *testing.T) {
	run := RankScores(map[string]map[string]float64{
		"q": {"a": 0.5, "b": 0.9, "c": 0.5, "d": 0.1},
	})
	// Ties (a, c) broken by doc ID descending, as trec_eval does.
	if want := []string{"b", "c", "a", "d"}; !reflect.DeepEqual(run["q"], want) {
		t.Fatalf("RankScores = %v, want %v", run["q"], want)
	}
}
