// linear.go holds the Linear layers of the encoder (x·Wᵀ+b with
// torch-layout weights), packed once at load for internal/gemm: float32
// panels for the register-blocked micro-kernels (AVX-512 / AVX2+FMA, pure
// Go elsewhere or with -tags purego), or, with WithInt8 on processors with
// AVX-512 VNNI, int8 panels with per-output-channel scales. The products
// themselves run on a runner's workers (runner.mul).

package transformer

import "github.com/ganada/ganada/internal/gemm"

// linear is a fully connected layer with torch-layout weight [Out, In]
// (row o holds the weights of output o) and a bias of length Out (nil for
// none). W is only set between reading and packing: after newLinear the
// packed copy (packed, or q for int8) is the only one.
type linear struct {
	W       []float32
	B       []float32
	In, Out int
	packed  *gemm.Packed
	q       *gemm.QPacked
}

// newLinear packs w ([out, in], row-major) for the GEMM, as int8 when
// int8 is set, and copies b, so that neither aliases the weights file.
func newLinear(w, b []float32, in, out int, int8 bool) linear {
	l := linear{In: in, Out: out}
	if b != nil {
		l.B = append([]float32(nil), b...)
	}
	if int8 {
		l.q = gemm.PackInt8(w, out, in)
	} else {
		l.packed = gemm.Pack(w, out, in)
	}
	return l
}
