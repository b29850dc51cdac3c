// This file holds weights kept in 16-bit floats (bfloat16 or IEEE half):
// PackBF16 and PackF16 wrap torch-layout [n][k] rows in place, without a
// float32 copy, and the blocked loop converts each B panel to float32 as
// it packs it (an AVX2 transpose-and-widen in half_amd64.s for bf16, pure
// Go otherwise). The products then run the float32 micro-kernels on the
// converted panel, so their results are bit-identical to those of Pack on
// the same values converted to float32 first.
//
// bfloat16 is the upper half of a float32, so its conversion is exact and
// costs one shift. A processor with AVX512_BF16 (Zen 4, Sapphire Rapids)
// could instead multiply bf16 pairs directly with VDPBF16PS (rounding A to
// bf16 too, so not bit-identical); that kernel is not written yet: the
// machine this package is tested on (Zen 3) cannot run it.

package gemm

import "math"

// halfKind is the 16-bit float format of a halfSrc.
type halfKind uint8

const (
	kindBF16 halfKind = iota
	kindF16
)

// halfPart is one row-major [n][k] matrix of a halfSrc, whose rows are
// rows [n0, n0+n) of the whole.
type halfPart struct {
	w  []uint16
	n0 int
	n  int
}

// halfSrc is a weight matrix held as 16-bit floats in parts stacked along
// n (the separate query, key and value matrices of a checkpoint read as
// one fused matrix, for example).
type halfSrc struct {
	kind  halfKind
	k     int
	parts []halfPart
}

// PackBF16 returns a Packed whose weights are the bfloat16 values of
// parts, row-major [nᵢ][k] matrices stacked along n (n = Σ len(partᵢ)/k
// outputs, k inputs), as a torch nn.Linear weight. The parts are not
// copied: they must stay valid and unchanged while the Packed is used
// (a memory-mapped checkpoint, typically). Products convert each panel of
// B to float32 as they pack it, and give results bit-identical to Pack of
// the same values converted to float32, at half the weight memory (none on
// the Go heap) and a few percent more time per product.
func PackBF16(k int, parts ...[]uint16) *Packed { return packHalf(best, kindBF16, k, parts) }

// PackF16 is PackBF16 for IEEE 754 half-precision values (float16). The
// conversion runs in pure Go, so its products are slower than PackBF16's.
func PackF16(k int, parts ...[]uint16) *Packed { return packHalf(best, kindF16, k, parts) }

func packHalf(impl *kernelImpl, kind halfKind, k int, parts [][]uint16) *Packed {
	if k <= 0 {
		panic("gemm: PackBF16/PackF16: k must be positive")
	}
	h := &halfSrc{kind: kind, k: k}
	n := 0
	for _, w := range parts {
		if len(w)%k != 0 {
			panic("gemm: PackBF16/PackF16: a part's length is not a multiple of k")
		}
		if len(w) == 0 {
			continue
		}
		h.parts = append(h.parts, halfPart{w: w, n0: n, n: len(w) / k})
		n += len(w) / k
	}
	return &Packed{impl: impl, n: n, k: k, half: h}
}

// Half reports whether p holds 16-bit weights (PackBF16 or PackF16).
func (p *Packed) Half() bool { return p.half != nil }

// RoundBF16 rounds x to the nearest bfloat16 (ties to even), as torch's
// Tensor.to(torch.bfloat16) does; NaN stays NaN.
func RoundBF16(x float32) uint16 {
	b := math.Float32bits(x)
	if b&0x7fffffff > 0x7f800000 { // NaN: keep it quiet and non-zero
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// BF16ToFloat32 converts a bfloat16 value (as its bits) to float32 exactly.
func BF16ToFloat32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// F16ToFloat32 converts an IEEE 754 half-precision value (as its bits) to
// float32 exactly, subnormals, infinities and NaN included.
func F16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	f := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		f = -f
	}
	return f
}

// bf16Panel8 converts 8 rows of bfloat16 (row stride ld elements) and
// 8·groups columns into dst, column p of the rows at dst[p*nr : p*nr+8]
// (a transpose-and-widen); nil where no assembly version runs.
var bf16Panel8 func(dst []float32, nr int, src []uint16, ld, groups int)

// panel writes columns [pc, pc+kb) of rows [j0, j0+nr) of h, as float32,
// into dst in the layout of a packed B panel (nr floats per input index),
// zero for rows past n.
func (h *halfSrc) panel(dst []float32, j0, nr, pc, kb int) {
	dst = dst[:kb*nr]
	j := 0
	for _, part := range h.parts {
		if j >= nr {
			break
		}
		if part.n0+part.n <= j0+j {
			continue
		}
		// Rows j0+j … of the panel come from this part.
		r := j0 + j - part.n0
		cnt := min(part.n-r, nr-j)
		src := part.w[r*h.k+pc:]
		done := 0
		if h.kind == kindBF16 && bf16Panel8 != nil && kb >= 8 {
			for ; done+8 <= cnt; done += 8 {
				bf16Panel8(dst[j+done:], nr, src[done*h.k:], h.k, kb/8)
			}
			if g := kb &^ 7; g < kb {
				h.convert(dst, j, nr, src, 0, done, g, kb)
			}
		}
		h.convert(dst, j, nr, src, done, cnt, 0, kb)
		j += cnt
	}
	for ; j < nr; j++ {
		for p := 0; p < kb; p++ {
			dst[p*nr+j] = 0
		}
	}
}

// convert writes columns [p0, p1) of rows [r0, r1) of src (row stride
// h.k) into dst at column offset j of the panel.
func (h *halfSrc) convert(dst []float32, j, nr int, src []uint16, r0, r1, p0, p1 int) {
	for i := r0; i < r1; i++ {
		row := src[i*h.k : i*h.k+p1]
		d := j + i
		if h.kind == kindBF16 {
			for p := p0; p < p1; p++ {
				dst[p*nr+d] = math.Float32frombits(uint32(row[p]) << 16)
			}
		} else {
			for p := p0; p < p1; p++ {
				dst[p*nr+d] = F16ToFloat32(row[p])
			}
		}
	}
}

// F16 reports whether p holds IEEE half-precision weights (PackF16).
func (p *Packed) F16() bool { return p.half != nil && p.half.kind == kindF16 }
