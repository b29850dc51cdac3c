// linear_ref_test.go keeps the plain-Go matrix products the forward pass
// first used, as an independent reference for the GEMM-backed ones in
// linear.go.

package transformer

import (
	"math"
	"math/rand"
	"testing"

	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/internal/testutil"
)

// refLinearForward computes dst[r,o] = b[o] + Σᵢ x[r,i]·W[o,i] for rows r < rows.
// x has rows×In elements and dst rows×Out, both row-major and distinct.
func refLinearForward(l *linear, dst, x []float32, rows int) {
	in, out := l.In, l.Out
	_ = x[rows*in-1]
	_ = dst[rows*out-1]
	r := 0
	// Four rows of x share each pass over a weight row.
	for ; r+4 <= rows; r += 4 {
		x0 := x[r*in : r*in+in]
		x1 := x[(r+1)*in : (r+1)*in+in]
		x2 := x[(r+2)*in : (r+2)*in+in]
		x3 := x[(r+3)*in : (r+3)*in+in]
		for o := 0; o < out; o++ {
			w := l.W[o*in : o*in+in]
			var s0, s1, s2, s3 float32
			for i, wv := range w {
				s0 += x0[i] * wv
				s1 += x1[i] * wv
				s2 += x2[i] * wv
				s3 += x3[i] * wv
			}
			if l.B != nil {
				b := l.B[o]
				s0, s1, s2, s3 = s0+b, s1+b, s2+b, s3+b
			}
			dst[r*out+o] = s0
			dst[(r+1)*out+o] = s1
			dst[(r+2)*out+o] = s2
			dst[(r+3)*out+o] = s3
		}
	}
	for ; r < rows; r++ {
		xr := x[r*in : r*in+in]
		for o := 0; o < out; o++ {
			// The same summation order as the four-row path, so a row's
			// result does not depend on its position in the batch.
			var s float32
			for i, wv := range l.W[o*in : o*in+in] {
				s += xr[i] * wv
			}
			if l.B != nil {
				s += l.B[o]
			}
			dst[r*out+o] = s
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func relDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		d := math.Abs(float64(a[i])-float64(b[i])) / (1 + math.Abs(float64(b[i])))
		if math.IsNaN(d) {
			return math.Inf(1) // fails every "d > tol" check
		}
		m = max(m, d)
	}
	return m
}

// TestProductsMatchReference checks the runner's Linear products (with
// their epilogues) and its attention against the plain loops, on odd
// shapes, one row, and one or several workers.
func TestProductsMatchReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, workers := range []int{1, 2, 3} {
		for _, sh := range [][3]int{{1, 1, 1}, {1, 7, 5}, {3, 384, 384}, {17, 33, 65}, {64, 96, 32}, {5, 1536, 384}, {70, 64, 40}} {
			rows, out, in := sh[0], sh[1], sh[2]
			w, b, x := randSlice(r, out*in), randSlice(r, out), randSlice(r, rows*in)
			ref := &linear{W: w, B: b, In: in, Out: out}
			want := make([]float32, rows*out)
			refLinearForward(ref, want, x, rows)
			for _, int8 := range []bool{false, true} {
				l := newLinear(w, b, in, out, int8)
				run := newRunner(&encoder{cfg: &config{fam: familyOf("bert"), HiddenSize: in, NumHeads: 1, IntermediateSize: in, headDim: in, kvHeads: 1}}, workers)
				got := make([]float32, rows*out)
				shared := workers > 1
				run.mul(0, shared, &l, got, x, rows, gemm.Epilogue{Bias: l.B})
				check := func(what string, got, want []float32) {
					t.Helper()
					if !int8 {
						if d := relDiff(got, want); d > 5e-5 {
							t.Errorf("%s %v, %d workers: rel diff %g", what, sh, workers, d)
						}
						return
					}
					// int8 rounds weights per output channel and inputs
					// per row (steps of max/127): check the error's norm
					// relative to the result's.
					if d := normRelErr(got, want); d > 0.02 {
						t.Errorf("%s %v, %d workers, int8: ‖Δ‖/‖y‖ %g", what, sh, workers, d)
					}
				}
				check("linear", got, want)
				// The residual form: x + a·wᵀ + b, in place for float32.
				if in == out {
					res := append([]float32(nil), x...)
					sum := run.addInto(0, shared, &l, res, x, make([]float32, rows*out), rows)
					want2 := make([]float32, len(want))
					for i := range want {
						want2[i] = want[i] + x[i]
					}
					check("addInto", sum, want2)
				}
				run.close()
			}
		}
	}
}

// normRelErr returns ‖a-b‖/‖b‖.
func normRelErr(a, b []float32) float64 {
	var d, n float64
	for i := range a {
		d += (float64(a[i]) - float64(b[i])) * (float64(a[i]) - float64(b[i]))
		n += float64(b[i]) * float64(b[i])
	}
	return math.Sqrt(d / n)
}

// refAttention computes one sequence's multi-head attention from fused
// QKV rows (n × 3h) in float64: softmax(Q·Kᵀ/√d)·V per head.
func refAttention(qkv []float32, n, h, heads int) []float32 {
	dh := h / heads
	out := make([]float32, n*h)
	for hd := 0; hd < heads; hd++ {
		for i := 0; i < n; i++ {
			s := make([]float64, n)
			m := math.Inf(-1)
			for j := 0; j < n; j++ {
				var d float64
				for k := 0; k < dh; k++ {
					d += float64(qkv[i*3*h+hd*dh+k]) * float64(qkv[j*3*h+h+hd*dh+k])
				}
				s[j] = d / math.Sqrt(float64(dh))
				m = math.Max(m, s[j])
			}
			var sum float64
			for j := range s {
				s[j] = math.Exp(s[j] - m)
				sum += s[j]
			}
			for k := 0; k < dh; k++ {
				var c float64
				for j := 0; j < n; j++ {
					c += s[j] / sum * float64(qkv[j*3*h+2*h+hd*dh+k])
				}
				out[i*h+hd*dh+k] = float32(c)
			}
		}
	}
	return out
}

// TestAttentionMatchesReference runs packed batches of sequences of
// different lengths through the runner's attention (each sequence
// attending over its own rows only) and compares every sequence with the
// float64 reference.
func TestAttentionMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	const h, heads = 64, 4
	lengths := []int{1, 7, 30, 2, 65, 14}
	var seqs []sequence
	total := 0
	for _, n := range lengths {
		seqs = append(seqs, sequence{ids: make([]int, n)})
		total += n
	}
	qkv := randSlice(r, total*3*h)
	for _, workers := range []int{1, 2} {
		run := newRunner(&encoder{cfg: &config{fam: familyOf("bert"), HiddenSize: h, NumHeads: heads, IntermediateSize: h, headDim: h / heads, kvHeads: heads, attnScale: float32(1 / math.Sqrt(h/heads))}}, workers)
		run.prepare(seqs)
		copy(run.big, qkv)
		run.attention(span{s0: 0, s1: len(seqs), r0: 0, r1: total}, 0)
		row := 0
		for si, n := range lengths {
			want := refAttention(qkv[row*3*h:(row+n)*3*h], n, h, heads)
			if d := relDiff(run.ctx[row*h:(row+n)*h], want); d > 1e-5 {
				t.Errorf("%d workers: sequence %d (%d tokens): rel diff %g", workers, si, n, d)
			}
			row += n
		}
		run.close()
	}
}

// TestEpilogueActivations checks that the activation fused into the FFN's
// first product (gemmActivation) is the function activationByName names:
// an identity product with the fused activation equals the activation
// applied alone.
func TestEpilogueActivations(t *testing.T) {
	const n = 16
	eye := make([]float32, n*n)
	for i := 0; i < n; i++ {
		eye[i*n+i] = 1
	}
	x := make([]float32, 3*n)
	for i := range x {
		x[i] = float32(i-len(x)/2) * 0.25
	}
	for _, name := range []string{"gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish"} {
		l := newLinear(eye, nil, n, n, false)
		run := newRunner(&encoder{cfg: &config{fam: familyOf("bert"), HiddenSize: n, NumHeads: 1, IntermediateSize: n, headDim: n, kvHeads: 1}}, 1)
		got := make([]float32, len(x))
		run.mul(0, false, &l, got, x, 3, gemm.Epilogue{Act: gemmActivation(name)})
		run.close()
		act, _ := activationByName(name)
		want := append([]float32(nil), x...)
		act(want)
		if d := testutil.MaxAbsDiff(got, want); d > 1e-6 {
			t.Errorf("%s: fused activation differs by %g", name, d)
		}
	}
	if gemmActivation("mish") != gemm.None {
		t.Error("unknown activation mapped")
	}
}
