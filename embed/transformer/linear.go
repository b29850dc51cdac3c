// linear.go holds the Linear layers of the encoder (x·Wᵀ+b with
// torch-layout weights), packed once at load for internal/gemm: float32
// panels for the register-blocked micro-kernels (AVX-512 / AVX2+FMA, pure
// Go elsewhere or with -tags purego); 16-bit weights (bf16, f16) kept in
// place, converted panel by panel as the products pack them; or, with
// WithInt8 on processors with AVX-512 VNNI, int8 panels with
// per-output-channel scales. It also holds the word embedding table, which
// may be 16-bit too. The products themselves run on a runner's workers
// (runner.mul).

package transformer

import (
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/internal/gemm"
)

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
	parts   []wmat // the weight as read (matrices stacked along Out), until packed
}

// loadMode says how the encoder layers' matrices are held.
type loadMode struct {
	int8    bool // quantised (WithInt8 on VNNI hardware)
	float32 bool // WithFloat32Weights: 16-bit weights converted to float32
	bf16    bool // WithBF16: float32 weights rounded to bf16 (16-bit ones are kept)
}

// keepLayers reports whether 16-bit layer matrices stay in the file.
func (m loadMode) keepLayers() bool { return !m.int8 && !m.float32 }

// wmat is a weight matrix [rows, cols] as read: float32 values (f), or the
// 16-bit values (h) of dtype dt, aliasing the file.
type wmat struct {
	f          []float32
	h          []uint16
	dt         safetensors.DType
	rows, cols int
}

// rowRange returns rows [lo, hi) of m.
func (m wmat) rowRange(lo, hi int) wmat {
	out := wmat{dt: m.dt, rows: hi - lo, cols: m.cols}
	if m.h != nil {
		out.h = m.h[lo*m.cols : hi*m.cols]
	} else {
		out.f = m.f[lo*m.cols : hi*m.cols]
	}
	return out
}

// at returns element i (row-major) as float32.
func (m wmat) at(i int) float32 {
	switch {
	case m.h == nil:
		return m.f[i]
	case m.dt == safetensors.BF16:
		return gemm.BF16ToFloat32(m.h[i])
	}
	return gemm.F16ToFloat32(m.h[i])
}

// float32s returns m's values as float32 (m.f itself when it has them).
func (m wmat) float32s() []float32 {
	if m.h == nil {
		return m.f
	}
	out := make([]float32, len(m.h))
	for i := range out {
		out[i] = m.at(i)
	}
	return out
}

// packLinear packs parts (matrices [nᵢ, in] stacked into [out, in]) for
// the GEMM: 16-bit parts of one dtype in place (gemm.PackBF16/PackF16);
// otherwise rounded to bf16 with mode.bf16, quantised with mode.int8, or
// as float32. It copies b, so that neither aliases the weights file,
// except kept 16-bit weights, which do (the file stays open with the
// model).
func packLinear(parts []wmat, b []float32, in, out int, mode loadMode) linear {
	allHalf := parts[0].h != nil
	for _, p := range parts {
		allHalf = allHalf && p.h != nil && p.dt == parts[0].dt
	}
	if allHalf && !mode.int8 {
		l := linear{In: in, Out: out}
		if b != nil {
			l.B = append([]float32(nil), b...)
		}
		hs := make([][]uint16, len(parts))
		for i, p := range parts {
			hs[i] = p.h
		}
		if parts[0].dt == safetensors.BF16 {
			l.packed = gemm.PackBF16(in, hs...)
		} else {
			l.packed = gemm.PackF16(in, hs...)
		}
		return l
	}
	if mode.bf16 && !mode.int8 {
		l := linear{In: in, Out: out}
		if b != nil {
			l.B = append([]float32(nil), b...)
		}
		h := make([]uint16, 0, in*out)
		for _, p := range parts {
			for i := 0; i < p.rows*p.cols; i++ {
				h = append(h, gemm.RoundBF16(p.at(i)))
			}
		}
		l.packed = gemm.PackBF16(in, h)
		return l
	}
	w := parts[0].float32s()
	if len(parts) > 1 {
		fs := make([][]float32, len(parts))
		for i, p := range parts {
			fs[i] = p.float32s()
		}
		w = concat(fs...)
	}
	return newLinear(w, b, in, out, mode.int8)
}

// table is an embedding table [rows, width]: float32 (f) or 16-bit (h, of
// dtype dt), either possibly aliasing the weights file.
type table struct {
	f     []float32
	h     []uint16
	dt    safetensors.DType
	width int
}

// row writes row i of t into dst (len width) as float32.
func (t *table) row(dst []float32, i int) {
	w := t.width
	switch {
	case t.h == nil:
		copy(dst, t.f[i*w:(i+1)*w])
	case t.dt == safetensors.BF16:
		for j, x := range t.h[i*w : (i+1)*w] {
			dst[j] = gemm.BF16ToFloat32(x)
		}
	default:
		for j, x := range t.h[i*w : (i+1)*w] {
			dst[j] = gemm.F16ToFloat32(x)
		}
	}
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
