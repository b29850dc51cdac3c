// linear.go is the one place where the forward pass multiplies matrices:
// the Linear layers (x·Wᵀ+b with torch-layout weights) and the two products
// of attention (Q·Kᵀ and P·V). A faster GEMM replaces the bodies here and
// nothing else.

package transformer

// linear is a fully connected layer with torch-layout weight [Out, In]
// (row o holds the weights of output o) and a bias of length Out (nil for
// none).
type linear struct {
	W       []float32
	B       []float32
	In, Out int
}

// forward computes dst[r,o] = b[o] + Σᵢ x[r,i]·W[o,i] for rows r < rows.
// x has rows×In elements and dst rows×Out, both row-major and distinct.
func (l *linear) forward(dst, x []float32, rows int) {
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
			s := dot(xr, l.W[o*in:o*in+in])
			if l.B != nil {
				s += l.B[o]
			}
			dst[r*out+o] = s
		}
	}
}

// dot returns Σ a[i]·b[i] over len(a) elements with four partial sums.
func dot(a, b []float32) float32 {
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

// mulABt computes dst[i*ldd+j] = alpha · Σₖ a[i*lda+k]·b[j*ldb+k] for
// i < m, j < n, k < depth: the attention scores Q·Kᵀ of one head, with Q and
// K read in place from the strided QKV rows.
func mulABt(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int, alpha float32) {
	for i := 0; i < m; i++ {
		ai := a[i*lda : i*lda+depth]
		di := dst[i*ldd : i*ldd+n]
		for j := range di {
			di[j] = alpha * dot(ai, b[j*ldb:j*ldb+depth])
		}
	}
}

// mulAB computes dst[i*ldd+j] = Σₖ a[i*lda+k]·b[k*ldb+j] for i < m, j < n,
// k < depth: one head's context P·V, with V read in place from the strided
// QKV rows and the result written into its columns of the context rows.
func mulAB(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int) {
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
