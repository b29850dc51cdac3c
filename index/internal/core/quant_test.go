// This file tests the shared quantisation: int8 and binary codes against
// sentence-transformers' quantize_embeddings (golden from
// testdata/gen_st_quant.py), the first-stage scores against a float64
// reference, and the options' checks.
package core

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ganada/ganada/index"
)

// TestSentenceTransformersCodes: calibrating on the embeddings themselves
// and encoding them gives quantize_embeddings' int8 codes exactly, and
// its ubinary bits (packed most significant first there).
func TestSentenceTransformersCodes(t *testing.T) {
	b, err := os.ReadFile("testdata/st_quant.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Dim        int
		Embeddings [][]float32
		Int8       [][]int8
		Ubinary    [][]uint8
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	c := NewCodes(QuantConfig{Kind: index.Int8}, g.Dim, index.Dot)
	c.Calibrate(len(g.Embeddings), func(i int) []float32 { return g.Embeddings[i] })
	for i, want := range g.Int8 {
		got := c.I[i*g.Dim : (i+1)*g.Dim]
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("row %d component %d: code %d, sentence-transformers %d (x %v)", i, j, got[j], want[j], g.Embeddings[i][j])
			}
		}
	}
	bc := NewCodes(QuantConfig{Kind: index.Binary}, g.Dim, index.Dot)
	bc.Resize(len(g.Embeddings))
	for i, v := range g.Embeddings {
		bc.Encode(i, v)
		row := bc.B[i*bc.Words() : (i+1)*bc.Words()]
		for j := 0; j < g.Dim; j++ {
			want := g.Ubinary[i][j/8]>>(7-j%8)&1 == 1
			if got := row[j/64]>>(j%64)&1 == 1; got != want {
				t.Fatalf("row %d bit %d: %v, sentence-transformers %v", i, j, got, want)
			}
		}
	}
}

// TestCodeScores checks each kind's first-stage score against a float64
// reference: Float32 the exact prefix score; Int8 the score of the decoded
// row, within the query's own int8 rounding (|Σ (q·step − α·r)·code| ≤
// Σ α/2·128); Binary the count of differing signs.
func TestCodeScores(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim, rows = 50, 40
	vecs := make([][]float32, rows)
	for i := range vecs {
		vecs[i] = make([]float32, dim)
		for j := range vecs[i] {
			vecs[i][j] = float32(r.NormFloat64() * (0.1 + float64(j)/dim))
		}
	}
	q := vecs[0]
	for _, m := range []index.Metric{index.Dot, index.L2} {
		for _, kind := range []index.Quantization{index.Float32, index.Int8, index.Binary} {
			cfg := QuantConfig{Kind: kind, Dims: 30, Rescore: 1}
			c := NewCodes(cfg, dim, m)
			c.Calibrate(rows, func(i int) []float32 { return vecs[i] }) // sets ranges only for Int8's use
			if kind != index.Int8 {
				c.Start, c.Step = nil, nil
				c.Resize(rows)
				for i, v := range vecs {
					c.Encode(i, v)
				}
			}
			var cq CodeQuery
			c.Prepare(&cq, q)
			for i, v := range vecs {
				x := v[:30]
				if kind == index.Int8 {
					x = make([]float32, 30)
					c.Decode(x, i)
				}
				var dot, l2, diff, tol float64
				for j := 0; j < 30; j++ {
					dot += float64(q[j]) * float64(x[j])
					d := float64(q[j]) - float64(x[j])
					l2 += d * d
					if (q[j] > 0) != (v[j] > 0) {
						diff++
					}
				}
				want := dot
				if m == index.L2 {
					want = -l2
				}
				switch kind {
				case index.Int8:
					tol = 30 * cq.alpha / 2 * 128 * 2
				case index.Binary:
					want = -diff
				default:
					tol = 1e-5
				}
				if got := float64(c.Score(&cq, i)); math.Abs(got-want) > tol+1e-5*math.Abs(want) {
					t.Fatalf("%v %v row %d: score %v, reference %v (tolerance %v)", m, kind, i, got, want, tol)
				}
			}
		}
	}
}

// TestPairScore: the code-to-code score equals the float64 score of the
// decoded rows (Int8), the Hamming distance counted bit by bit (Binary).
func TestPairScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const dim, rows = 37, 20
	vecs := make([][]float32, rows)
	for i := range vecs {
		vecs[i] = make([]float32, dim)
		for j := range vecs[i] {
			vecs[i][j] = float32(rng.NormFloat64())
		}
	}
	for _, m := range []index.Metric{index.Cosine, index.L2} {
		c := NewCodes(QuantConfig{Kind: index.Int8}, dim, m)
		c.Calibrate(rows, func(i int) []float32 { return vecs[i] })
		b := NewCodes(QuantConfig{Kind: index.Binary}, dim, m)
		b.Resize(rows)
		for i := range vecs {
			b.Encode(i, vecs[i])
		}
		da, db := make([]float32, dim), make([]float32, dim)
		for i := 0; i < rows; i++ {
			for j := 0; j < rows; j++ {
				c.Decode(da, i)
				c.Decode(db, j)
				var want float64
				for k := range da {
					if m == index.L2 {
						want -= float64(da[k]-db[k]) * float64(da[k]-db[k])
					} else {
						want += float64(da[k]) * float64(db[k])
					}
				}
				if got := float64(c.PairScore(i, j)); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("%v int8 rows %d,%d: %v, want %v", m, i, j, got, want)
				}
				ham := 0
				for k := 0; k < dim; k++ {
					if (vecs[i][k] > 0) != (vecs[j][k] > 0) {
						ham++
					}
				}
				if got := b.PairScore(i, j); got != -float32(ham) {
					t.Fatalf("binary rows %d,%d: %v, want %d", i, j, got, -ham)
				}
				b.DecodeRow(da, i)
				for k := range da {
					if (da[k] > 0) != (vecs[i][k] > 0) {
						t.Fatalf("binary DecodeRow %d component %d: %v for %v", i, k, da[k], vecs[i][k])
					}
				}
			}
		}
	}
}
