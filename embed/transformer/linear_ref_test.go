// linear_ref_test.go keeps the plain-Go matrix products the forward pass
// first used, as an independent reference for the GEMM-backed ones in
// linear.go.

package transformer

import (
	"math"
	"math/rand"
	"testing"
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

// refDot returns Σ a[i]·b[i] over len(a) elements with four partial sums.
func refDot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// refMulABt computes dst[i*ldd+j] = alpha · Σₖ a[i*lda+k]·b[j*ldb+k] for
// i < m, j < n, k < depth: the attention scores Q·Kᵀ of one head, with Q and
// K read in place from the strided QKV rows.
func refMulABt(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int, alpha float32) {
	for i := 0; i < m; i++ {
		ai := a[i*lda : i*lda+depth]
		di := dst[i*ldd : i*ldd+n]
		for j := range di {
			di[j] = alpha * refDot(ai, b[j*ldb:j*ldb+depth])
		}
	}
}

// refMulAB computes dst[i*ldd+j] = Σₖ a[i*lda+k]·b[k*ldb+j] for i < m, j < n,
// k < depth: one head's context P·V, with V read in place from the strided
// QKV rows and the result written into its columns of the context rows.
func refMulAB(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int) {
	for i := 0; i < m; i++ {
		di := dst[i*ldd : i*ldd+n]
		for j := range di {
			di[j] = 0
		}
		ai := a[i*lda : i*lda+depth]
		for k, p := range ai {
			bk := b[k*ldb : k*ldb+n]
			for j, v := range bk {
				di[j] += p * v
			}
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
		if d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// TestProductsMatchReference checks the GEMM-backed products against the
// plain loops on odd shapes, including one row and strided operands.
func TestProductsMatchReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, sh := range [][3]int{{1, 1, 1}, {1, 7, 5}, {3, 384, 384}, {17, 33, 65}, {64, 96, 32}, {5, 1536, 384}} {
		rows, out, in := sh[0], sh[1], sh[2]
		w, b, x := randSlice(r, out*in), randSlice(r, out), randSlice(r, rows*in)
		l := newLinear(append([]float32(nil), w...), b, in, out)
		ref := &linear{W: w, B: b, In: in, Out: out}
		got, want := make([]float32, rows*out), make([]float32, rows*out)
		l.forward(got, x, rows)
		refLinearForward(ref, want, x, rows)
		if d := relDiff(got, want); d > 5e-5 {
			t.Errorf("linear %v: rel diff %g", sh, d)
		}
		// Strided attention products: m×depth from a row stride of 3·depth+1.
		m, n, depth := rows, out%50+1, in%40+1
		ld := 3*depth + 1
		a, bb := randSlice(r, m*ld), randSlice(r, max(n, depth)*ld)
		g1, w1 := make([]float32, m*n), make([]float32, m*n)
		mulABt(g1, n, a, ld, bb, ld, m, n, depth, 0.125)
		refMulABt(w1, n, a, ld, bb, ld, m, n, depth, 0.125)
		if d := relDiff(g1, w1); d > 5e-5 {
			t.Errorf("mulABt %v: rel diff %g", sh, d)
		}
		p := randSlice(r, m*n)
		g2, w2 := make([]float32, m*ld), make([]float32, m*ld)
		mulAB(g2, ld, p, n, bb, ld, m, depth, n)
		refMulAB(w2, ld, p, n, bb, ld, m, depth, n)
		if d := relDiff(g2, w2); d > 5e-5 {
			t.Errorf("mulAB %v: rel diff %g", sh, d)
		}
	}
}
