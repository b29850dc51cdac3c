// This file holds the packed weight layout (Pack) and the packing of A
// blocks and of unpacked B operands into the panels the kernels stream.

package gemm

// Packed is a weight matrix w[n][k] (a torch nn.Linear weight, out×in,
// row-major) stored in the layout the micro-kernels stream: ⌈n/NR⌉ panels
// of NR output columns, each panel k-major (NR consecutive floats per input
// index), zero-padded in the last panel. It is immutable after Pack and
// safe for concurrent use.
type Packed struct {
	impl *kernelImpl
	n, k int
	data []float32
	half *halfSrc // PackBF16, PackF16: 16-bit weights, converted per panel (data is nil)
}

// Pack copies w, a row-major [n][k] matrix (n outputs, k inputs), into the
// layout of the fastest kernel on this machine. Do it once at load.
func Pack(w []float32, n, k int) *Packed {
	return packWith(best, w, n, k)
}

func packWith(impl *kernelImpl, w []float32, n, k int) *Packed {
	if n < 0 || k < 0 || len(w) < n*k {
		panic("gemm: Pack: len(w) < n*k")
	}
	p := &Packed{impl: impl, n: n, k: k}
	p.data = make([]float32, panels(n, impl.nr)*impl.nr*k)
	packBt(p.data, w, k, n, k, impl.nr)
	return p
}

// N returns the number of output columns (rows of w).
func (p *Packed) N() int { return p.n }

// K returns the number of input columns (columns of w).
func (p *Packed) K() int { return p.k }

func panels(n, nr int) int { return (n + nr - 1) / nr }

// packBt packs b, an n×k matrix with row stride ldb used as Bᵀ (so
// element (p, j) of B is b[j*ldb+p]), into panels of nr columns
// (dispatch_amd64.go may install a gather-based version).
var packBt = packBtGeneric

func packBtGeneric(dst, b []float32, ldb, n, k, nr int) {
	for j0 := 0; j0 < n; j0 += nr {
		panel := dst[j0*k : (j0+nr)*k]
		cols := min(nr, n-j0)
		for j := 0; j < cols; j++ {
			row := b[(j0+j)*ldb : (j0+j)*ldb+k]
			for p, v := range row {
				panel[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < k; p++ {
				panel[p*nr+j] = 0
			}
		}
	}
}

// packB packs b, a k×n matrix with row stride ldb, into panels of nr
// columns.
func packB(dst, b []float32, ldb, n, k, nr int) {
	for j0 := 0; j0 < n; j0 += nr {
		panel := dst[j0*k : (j0+nr)*k]
		cols := min(nr, n-j0)
		for p := 0; p < k; p++ {
			out := panel[p*nr : p*nr+nr]
			copy(out, b[p*ldb+j0:p*ldb+j0+cols])
			for j := cols; j < nr; j++ {
				out[j] = 0
			}
		}
	}
}

// packA packs rows [0, mc) and columns [0, kc) of a (row stride lda) into
// ⌈mc/mr⌉ panels of kc·mr floats, k-major, zero-padding the last panel.
func packA(dst, a []float32, lda, mc, kc, mr int) {
	for i0 := 0; i0 < mc; i0 += mr {
		panel := dst[i0*kc : (i0+mr)*kc]
		rows := min(mr, mc-i0)
		for i := 0; i < rows; i++ {
			row := a[(i0+i)*lda : (i0+i)*lda+kc]
			for p, v := range row {
				panel[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := 0; p < kc; p++ {
				panel[p*mr+i] = 0
			}
		}
	}
}
