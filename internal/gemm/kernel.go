// This file defines the micro-kernel interface, the cache-blocking
// parameters of each kernel family, and the pure-Go kernel.

package gemm

//go:generate go run gen_kernels.go
//go:generate go run gen_kernels_neon.go
//go:generate go run gen_half.go

// kernelImpl is one family of micro-kernels with its blocking parameters.
type kernelImpl struct {
	name string
	mr   int // rows of C per tile
	nr   int // columns of C per tile (= width of a packed B panel)
	kc   int // depth of a cache block
	mc   int // rows of A per cache block (a multiple of mr)
	nc   int // columns of B per cache block (a multiple of nr; 0: all)
	// kernel computes c[i*ldc+j] (+)= Σ_p a[p*mr+i]·b[p*nr+j] for i < rows,
	// j < nr, p < k: a is a packed A panel (mr floats per step), b a packed
	// B panel (nr floats per step). acc adds to c instead of overwriting it.
	kernel func(rows, k int, a, b, c []float32, ldc int, acc bool)
	// direct, set instead of kernel, computes the same reading A in place
	// (a[i*lda+p]); the blocked loop then does not pack A.
	direct func(rows, k int, a []float32, lda int, b, c []float32, ldc int, acc bool)
	// directN, optional beside direct, runs direct on tiles whole tiles of
	// mr rows one after the other (rows [0, tiles·mr) of a and c, the same
	// panel of b) in one call.
	directN func(tiles, k int, a []float32, lda int, b, c []float32, ldc int, acc bool)
}

// genericImpl is the pure-Go kernel, used by the purego build, on other
// architectures, and on amd64 processors without AVX2+FMA.
var genericImpl = &kernelImpl{name: "go", mr: 4, nr: 4, kc: 256, mc: 64, kernel: kernelGo}

// kernelGo is the pure-Go micro-kernel for 4×4 tiles.
func kernelGo(rows, k int, a, b, c []float32, ldc int, acc bool) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	a = a[:4*k]
	b = b[:4*k]
	for p := 0; p < len(a); p += 4 {
		bb := b[p : p+4 : p+4]
		aa := a[p : p+4 : p+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		a0 := aa[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := aa[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := aa[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := aa[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	tile := [4][4]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+4 : i*ldc+4]
		if acc {
			row[0] += tile[i][0]
			row[1] += tile[i][1]
			row[2] += tile[i][2]
			row[3] += tile[i][3]
		} else {
			row[0], row[1], row[2], row[3] = tile[i][0], tile[i][1], tile[i][2], tile[i][3]
		}
	}
}

// best is the fastest kernel family this processor runs; impls lists every
// family it runs (tests exercise them all).
var (
	best  = genericImpl
	impls = []*kernelImpl{genericImpl}
)

// KernelName reports which micro-kernel family Pack uses on this machine:
// "avx512", "avx2", "neon" or "go".
func KernelName() string { return best.name }
