// This file measures retrieval quality on KorSTS: character bigrams (the
// default) against the pieces of a SentencePiece tokenizer and against
// whole words, so that the default stays the better choice (KORSTS_SPLIT
// picks the split, test by default). It needs the
// shared data (and the unigram-ko tokenizer fixture for the pieces) and
// skips without them.

package lexical_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/eval"
	"github.com/ganada/ganada/index/lexical"
	"github.com/ganada/ganada/internal/testutil"
)

// scoreSet indexes the set's corpus with x and returns NDCG@10 and
// recall@100 of its queries (each query's own sentence dropped).
func scoreSet(t *testing.T, x *lexical.Index, set eval.RetrievalSet) (ndcg, recall float64) {
	t.Helper()
	ctx := context.Background()
	ids := make([]uint64, len(set.Corpus))
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := x.AddBatch(ctx, ids, set.Corpus); err != nil {
		t.Fatal(err)
	}
	run := eval.Run{}
	for q, text := range set.Queries {
		rs, err := x.Search(ctx, text, 101)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			run[q] = append(run[q], strconv.FormatUint(r.ID, 10))
		}
	}
	run = set.DropSelf(run)
	return eval.NDCGAtK(set.Qrels, run, 10), eval.RecallAtK(set.Qrels, run, 100)
}

func TestKorSTSRetrieval(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement (seconds): runs without -short")
	}
	split := os.Getenv("KORSTS_SPLIT")
	if split == "" {
		split = "test"
	}
	dir := testutil.DataDir(t)
	pairs, err := eval.LoadSTS(context.Background(), filepath.Join(dir, "korsts", "sts-"+split+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	set := eval.STSRetrieval(pairs, 4.0)
	t.Logf("KorSTS %s: %d sentences, %d queries (pairs scored ≥ 4.0, both directions)", split, len(set.Corpus), len(set.Queries))

	bigram, err := lexical.New()
	if err != nil {
		t.Fatal(err)
	}
	bn, br := scoreSet(t, bigram, set)
	t.Logf("bigrams (default):      NDCG@10 %.4f  recall@100 %.4f", bn, br)

	whole, _ := lexical.NewAnalyzer(lexical.WithCJKPieces("whole", func(run string) []string { return []string{run} }))
	wx, _ := lexical.New(lexical.WithAnalyzer(whole))
	wn, wr := scoreSet(t, wx, set)
	t.Logf("whole words:            NDCG@10 %.4f  recall@100 %.4f", wn, wr)
	if bn <= wn {
		t.Errorf("bigrams (NDCG@10 %.4f) do not beat whole words (%.4f)", bn, wn)
	}

	tokPath := filepath.Join(dir, "..", "fixtures", "tokenizers", "unigram-ko", "tokenizer.json")
	if _, err := os.Stat(tokPath); err != nil {
		t.Skipf("tokenizer fixture %s absent: pieces not measured", tokPath)
	}
	tok, err := tokenizer.FromFile(tokPath)
	if err != nil {
		t.Fatal(err)
	}
	pieces := func(run string) []string {
		enc, err := tok.Encode(run, false)
		if err != nil {
			return nil
		}
		out := make([]string, 0, len(enc.Tokens))
		for _, p := range enc.Tokens {
			if p = strings.TrimPrefix(p, "▁"); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	pa, _ := lexical.NewAnalyzer(lexical.WithCJKPieces("unigram-ko", pieces))
	px, _ := lexical.New(lexical.WithAnalyzer(pa))
	pn, pr := scoreSet(t, px, set)
	t.Logf("unigram-ko pieces:      NDCG@10 %.4f  recall@100 %.4f", pn, pr)
	// Measured (NDCG@10 / recall@100, bigrams vs pieces): test 0.8612 /
	// 0.9920 vs 0.8649 / 0.9849, dev 0.8835 / 0.9883 vs 0.8756 / 0.9922,
	// train 0.8306 / 0.9820 vs 0.8377 / 0.9811: a tie, although the
	// tokenizer was trained on these very sentences. Bigrams stay the
	// default as they need no model; this fails if they fall clearly behind.
	if bn < pn-0.01 || br < pr-0.01 || math.IsNaN(pn) {
		t.Errorf("the default (bigrams, NDCG@10 %.4f, recall@100 %.4f) falls behind tokenizer pieces (%.4f, %.4f): reconsider the default", bn, br, pn, pr)
	}
}
