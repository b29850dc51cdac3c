// linear.go is the one place where the forward pass multiplies matrices:
// the Linear layers (x·Wᵀ+b with torch-layout weights) and the two products
// of attention (Q·Kᵀ and P·V). They run on internal/gemm: weights packed
// once at load into the kernels' layout, register-blocked micro-kernels
// (AVX-512 / AVX2+FMA, pure Go elsewhere or with -tags purego).
// linear_ref_test.go keeps plain loops as the reference they are tested
// against.

package transformer

import "github.com/ganada/ganada/internal/gemm"

// linear is a fully connected layer with torch-layout weight [Out, In]
// (row o holds the weights of output o) and a bias of length Out (nil for
// none). After newLinear, W is dropped: the packed copy is the only one.
type linear struct {
	W       []float32
	B       []float32
	In, Out int
	packed  *gemm.Packed
}

// newLinear packs w ([out, in], row-major) for the GEMM.
func newLinear(w, b []float32, in, out int) linear {
	return linear{B: b, In: in, Out: out, packed: gemm.Pack(w, out, in)}
}

// forward computes dst[r,o] = b[o] + Σᵢ x[r,i]·W[o,i] for rows r < rows.
// x has rows×In elements and dst rows×Out, both row-major and distinct.
func (l *linear) forward(dst, x []float32, rows int) {
	if rows == 0 {
		return
	}
	l.packed.Mul(dst[:rows*l.Out], x[:rows*l.In], rows, gemm.Epilogue{Bias: l.B})
}

// mulABt computes dst[i*ldd+j] = alpha · Σₖ a[i*lda+k]·b[j*ldb+k] for
// i < m, j < n, k < depth: the attention scores Q·Kᵀ of one head, with Q and
// K read in place from the strided QKV rows.
func mulABt(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int, alpha float32) {
	gemm.MulABt(m, n, depth, a, lda, b, ldb, dst, ldd)
	for i := 0; i < m; i++ {
		row := dst[i*ldd : i*ldd+n]
		for j := range row {
			row[j] *= alpha
		}
	}
}

// mulAB computes dst[i*ldd+j] = Σₖ a[i*lda+k]·b[k*ldb+j] for i < m, j < n,
// k < depth: one head's context P·V, with V read in place from the strided
// QKV rows and the result written into its columns of the context rows.
func mulAB(dst []float32, ldd int, a []float32, lda int, b []float32, ldb int, m, n, depth int) {
	gemm.MulAB(m, n, depth, a, lda, b, ldb, dst, ldd)
}
