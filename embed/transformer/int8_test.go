// int8_test.go checks the optional int8 weight path (WithInt8) against the
// float32 goldens with a looser, documented tolerance: sentence
// embeddings within cosine 0.995 (issue 5's goal for the int8 path), token
// states within cosine 0.99.

package transformer

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/testutil"
)

func TestInt8Parity(t *testing.T) {
	if !gemm.Int8Accelerated() {
		t.Skip("no AVX-512 VNNI (or -tags purego): WithInt8 leaves the model float32")
	}
	for _, model := range []string{"tiny-bert", "tiny-xlmr", "minilm-l6-shape"} {
		if raceEnabled && model == "minilm-l6-shape" {
			continue
		}
		t.Run(model, func(t *testing.T) {
			g := loadGolden(t, model, "public")
			m := mustLoad(t, g.dir, WithInt8(), WithWorkers(2))
			if !m.Int8() {
				t.Fatal("WithInt8 on a VNNI processor: model not int8")
			}
			texts := goldenTexts(g)
			vecs := mustEncode(t, m, texts)
			toks, err := m.EncodeTokens(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			worstSent, worstTok, maxDiff := 1.0, 1.0, 0.0
			for i, it := range g.Items {
				c := cosine(vecs[i], g.sentence(&it))
				worstSent = math.Min(worstSent, c)
				if !(c >= 0.995) {
					t.Errorf("item %d (%q): sentence embedding cosine %.6f to the float32 golden, want ≥ 0.995", i, it.Text, c)
				}
				h := g.HiddenSize
				for tk, row := range toks[i] {
					want := it.hidden[tk*h : (tk+1)*h]
					worstTok = math.Min(worstTok, cosine(row, want))
					maxDiff = math.Max(maxDiff, testutil.MaxAbsDiff(row, want))
				}
			}
			if !(worstTok >= 0.99) {
				t.Errorf("token state min cosine %.6f, want ≥ 0.99", worstTok)
			}
			// Not float32: an int8 model matching the goldens to float32
			// rounding would mean the int8 path is not in use.
			if maxDiff < 1e-4 {
				t.Errorf("token states within %g of the float32 goldens: int8 path not taken", maxDiff)
			}
			t.Logf("sentence embedding min cosine %.6f; token states min cosine %.6f, max abs diff %.3g", worstSent, worstTok, maxDiff)
		})
	}
}

// TestInt8Ignored checks that WithInt8 leaves a model float32 where int8
// is not accelerated.
func TestInt8Ignored(t *testing.T) {
	if gemm.Int8Accelerated() {
		t.Skip("AVX-512 VNNI present: covered by TestInt8Parity")
	}
	g := loadGolden(t, "tiny-bert", "public")
	m := mustLoad(t, g.dir, WithInt8())
	if m.Int8() {
		t.Fatal("Int8() true without VNNI")
	}
	vecs := mustEncode(t, m, goldenTexts(g))
	for i, it := range g.Items {
		if d := testutil.MaxAbsDiff(vecs[i], g.sentence(&it)); d > 1e-5 {
			t.Fatalf("item %d: max abs diff %g to the goldens", i, d)
		}
	}
}

// TestInt8Families runs the int8 layer path (quantised weights, the
// kernels' portable code where AVX-512 VNNI is absent) for every family's
// fixture, whatever the processor, on the goldens' own token ids: token
// states within cosine 0.99 of the float32 goldens, and not within float32
// rounding of them (so the int8 path ran). It covers what WithInt8 does to
// the pre-norm residual (ModernBERT) and to a gated MLP's two halves.
func TestInt8Families(t *testing.T) {
	for _, model := range []string{"tiny-bert", "tiny-xlmr", "tiny-mpnet", "tiny-distilbert", "tiny-modernbert", "tiny-qwen3"} {
		t.Run(model, func(t *testing.T) {
			g := loadGolden(t, model, "public")
			c, err := readConfig(filepath.Join(g.dir, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			w, f, err := readWeights(filepath.Join(g.dir, g.WeightsFile), g.dir, c, loadMode{int8: true})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e := newEncoder(c, w)
			r := newRunner(e, 2)
			defer r.close()
			worst, maxDiff := 1.0, 0.0
			for start := 0; start < len(g.Items); start += 16 {
				items := g.Items[start:min(start+16, len(g.Items))]
				var seqs []sequence
				for _, it := range items {
					seqs = append(seqs, sequence{ids: it.InputIDs, typeIDs: it.TokenTypeIDs})
				}
				x, err := e.forward(r, seqs)
				if err != nil {
					t.Fatal(err)
				}
				row, h := 0, g.HiddenSize
				for _, it := range items {
					for tk := range it.InputIDs {
						got, want := x[(row+tk)*h:(row+tk+1)*h], it.hidden[tk*h:(tk+1)*h]
						worst = math.Min(worst, cosine(got, want))
						maxDiff = math.Max(maxDiff, testutil.MaxAbsDiff(got, want))
					}
					row += len(it.InputIDs)
				}
			}
			if !(worst >= 0.99) || maxDiff < 1e-4 {
				t.Errorf("int8 token states: min cosine %.6f (want ≥ 0.99), max abs diff %.3g (want ≥ 1e-4: int8 in use)", worst, maxDiff)
			}
			t.Logf("int8 token states: min cosine %.6f, max abs diff %.3g", worst, maxDiff)
		})
	}
}
