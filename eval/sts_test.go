// Tests for the STS loaders (small fixtures here, the full sets from
// ../shared/data when present) and EvaluateSTS with a reference encoder.

package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/testutil"
)

func TestReadSTSBenchmarkCSVSample(t *testing.T) {
	pairs, err := LoadSTS(context.Background(), "testdata/stsb-en-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 6 {
		t.Fatalf("%d pairs", len(pairs))
	}
	want := Pair{"Three young men run, jump, and kick off of a Coke machine.", "Three men are jumping off a wall.", 1.5}
	if pairs[3] != want {
		t.Fatalf("quoted row: %+v", pairs[3])
	}
	if pairs[4].Score != 0.364 || pairs[4].Sentence2 != "A woman is dancing, and singing." {
		t.Fatalf("row 5: %+v", pairs[4])
	}
}

func TestReadKorSTSSample(t *testing.T) {
	pairs, err := LoadSTS(context.Background(), "testdata/korsts-sample.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 5 {
		t.Fatalf("%d pairs", len(pairs))
	}
	if pairs[2].Sentence1 != `"다이빙 금지"라고 적힌 수영장에 뛰어든 한 어린 소년.` || pairs[2].Score != 3.2 {
		t.Fatalf("quote row: %+v", pairs[2])
	}
	if pairs[4].Sentence2 != `당신의 두 질문에 대한 답은 "예"입니다.` || pairs[4].Score != 5 {
		t.Fatalf("quote row: %+v", pairs[4])
	}
}

func TestLoaderErrors(t *testing.T) {
	csvs := []string{"", "a,b\n", "a,b,c\n", "a,b,NaN\n", "\"a,b,1\n", "a,\xff,1\n"}
	for _, s := range csvs {
		if _, err := ReadSTSBenchmarkCSV(context.Background(), strings.NewReader(s)); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("CSV %q: %v", s, err)
		}
	}
	hdr := "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"
	tsvs := []string{"", "bad header\n", hdr, hdr + "g\tf\ty\ti\t1\ta\n", hdr + "g\tf\ty\ti\tx\ta\tb\n", hdr + "g\tf\ty\ti\t1\ta\tb\tc\n"}
	for _, s := range tsvs {
		if _, err := ReadKorSTS(context.Background(), strings.NewReader(s)); !errors.Is(err, errs.ErrCorrupt) {
			t.Errorf("TSV %q: %v", s, err)
		}
	}
	p, err := ReadKorSTS(context.Background(), strings.NewReader(hdr+"g\tf\ty\ti\t4.5\t\"a\tb\"\r\n"))
	if err != nil || len(p) != 1 || p[0].Sentence1 != `"a` || p[0].Sentence2 != `b"` {
		t.Errorf("literal quotes: %+v %v", p, err)
	}
}

// sharedData returns the evaluation data folder or skips.
func sharedData(t *testing.T) string { return testutil.DataDir(t) }

func TestFullSetsRowCounts(t *testing.T) {
	dir := sharedData(t)
	counts := map[string]int{
		"stsb-multi-mt/stsb-en-test.csv": 1379,
		"stsb-multi-mt/stsb-en-dev.csv":  1500,
		"stsb-multi-mt/stsb-de-test.csv": 1379,
		"korsts/sts-test.tsv":            1379,
		"korsts/sts-dev.tsv":             1500,
		"korsts/sts-train.tsv":           5749,
	}
	for rel, want := range counts {
		pairs, err := LoadSTS(context.Background(), filepath.Join(dir, rel))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if len(pairs) != want {
			t.Errorf("%s: %d pairs, want %d", rel, len(pairs), want)
		}
		for i, p := range pairs {
			if p.Score < 0 || p.Score > 5 || p.Sentence1 == "" || p.Sentence2 == "" {
				t.Fatalf("%s: pair %d: %+v", rel, i, p)
			}
		}
	}
}

// fakeEncoder maps each text to a fixed vector.
type fakeEncoder struct {
	vecs  map[string][]float32
	calls int
}

func (f *fakeEncoder) Dim() int { return 2 }

func (f *fakeEncoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	f.calls++
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = f.vecs[t]
	}
	return out, nil
}

func TestEvaluateSTS(t *testing.T) {
	// Integer vectors, so that equal cosines are bit-identical ties.
	enc := &fakeEncoder{vecs: map[string][]float32{
		"a": {1, 0}, "b": {3, 4}, "c": {0, 1}, "d": {4, 3}, "z": {0, 0},
	}}
	pairs := []Pair{{"a", "b", 4}, {"a", "c", 3}, {"a", "d", 0.5}, {"b", "d", 4.5}, {"a", "z", 1}, {"c", "b", 2}}
	res, err := EvaluateSTS(context.Background(), enc, pairs, WithBatchSize(2))
	if err != nil {
		t.Fatal(err)
	}
	wantCos := []float64{0.6, 0, 0.8, 0.96, 0, 0.8}
	for i, c := range res.Cosines {
		if math.Abs(c-wantCos[i]) > 1e-15 {
			t.Fatalf("cos %d = %v, want %v", i, c, wantCos[i])
		}
	}
	// By hand: cosine ranks 3 1.5 4.5 6 1.5 4.5, gold ranks 5 4 1 6 2 3;
	// centred, Σdxdy = 4.5, Σdx² = 16.5, Σdy² = 17.5.
	want := 100 * 4.5 / math.Sqrt(16.5*17.5)
	if math.Abs(res.Spearman-want) > 1e-9 || res.Pairs != 6 {
		t.Fatalf("result %+v, want Spearman %v", res, want)
	}
	// 5 distinct texts in batches of 2: 3 calls.
	if enc.calls != 3 {
		t.Fatalf("%d Encode calls", enc.calls)
	}
	bad := &fakeEncoder{vecs: map[string][]float32{"a": {1}, "b": {1, 0}}}
	if _, err := EvaluateSTS(context.Background(), bad, []Pair{{"a", "b", 1}, {"b", "a", 2}}); err == nil {
		t.Fatal("wrong-length vector accepted")
	}
	nan := &fakeEncoder{vecs: map[string][]float32{"a": {float32(math.NaN()), 0}, "b": {1, 0}}}
	if _, err := EvaluateSTS(context.Background(), nan, []Pair{{"a", "b", 1}, {"b", "b", 2}}); err == nil {
		t.Fatal("NaN vector accepted")
	}
}

// TestConventions checks the issue-12 forms: options refuse a bad value
// with errs.ErrInvalidOption naming themselves, nil options are skipped,
// readers stop on a cancelled context, and an encoder that breaks its
// contract is errs.ErrEncoder.
func TestConventions(t *testing.T) {
	ctx := context.Background()
	enc := &fakeEncoder{vecs: map[string][]float32{"a": {1, 0}, "b": {3, 4}, "c": {0, 1}}}
	pairs := []Pair{{"a", "b", 4}, {"a", "c", 3}, {"b", "c", 1}}
	for _, n := range []int{0, -1} {
		_, err := EvaluateSTS(ctx, enc, pairs, WithBatchSize(n))
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), fmt.Sprintf("WithBatchSize(%d)", n)) {
			t.Errorf("WithBatchSize(%d): %v, want ErrInvalidOption naming it", n, err)
		}
	}
	if _, err := EvaluateSTS(ctx, enc, pairs, nil); err != nil {
		t.Errorf("nil option: %v", err)
	}
	if _, err := EvaluateSTS(ctx, enc, pairs[:1]); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("one pair: %v, want ErrInvalidInput", err)
	}
	short := &fakeEncoder{vecs: map[string][]float32{"a": {1}, "b": {3, 4}, "c": {0, 1}}}
	if _, err := EvaluateSTS(ctx, short, pairs); !errors.Is(err, errs.ErrEncoder) {
		t.Errorf("vector of the wrong length: %v, want ErrEncoder", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ReadKorSTS(done, strings.NewReader(strings.Repeat("x\n", 3000))); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadKorSTS cancelled: %v", err)
	}
	if _, err := ReadSTSBenchmarkCSV(done, strings.NewReader("a,b,1\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadSTSBenchmarkCSV cancelled: %v", err)
	}
	if _, err := LoadSTS(done, "testdata/none.csv"); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadSTS cancelled: %v", err)
	}
}
