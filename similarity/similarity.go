// This file holds the exported float32 kernels and their argument checks.

package similarity

import (
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
)

// Normalize's errors, made once so that its failure path does not allocate.
var (
	errZeroVector = fmt.Errorf("similarity: Normalize: zero vector: %w", errs.ErrInvalidVector)
	errNonFinite  = fmt.Errorf("similarity: Normalize: NaN or Inf component: %w", errs.ErrInvalidVector)
)

func checkLen(a, b int) {
	if a != b {
		panic("similarity: vectors of different lengths")
	}
}

// Dot returns the dot product of a and b. It panics if len(a) != len(b).
func Dot(a, b []float32) float32 {
	checkLen(len(a), len(b))
	return dot(a, b)
}

// SquaredL2 returns the squared Euclidean distance between a and b.
// It panics if len(a) != len(b).
func SquaredL2(a, b []float32) float32 {
	checkLen(len(a), len(b))
	return squaredL2(a, b)
}

// minSafeSquares is the smallest sum of squares that float32 computes
// without losing relative precision to subnormal products: 2⁻⁹⁹ leaves room
// for 1100 products of 2⁻¹⁰⁰ below it.
const minSafeSquares = 0x1p-99

// safeSquares reports whether a float32 sum of squares can be trusted:
// finite, and not so small that subnormal products lost their precision.
func safeSquares(ss float32) bool {
	return ss >= minSafeSquares && ss <= math.MaxFloat32
}

// Norm returns the Euclidean (L2) norm of a. Vectors whose sum of squares
// overflows or underflows float32 are measured in float64, so Norm is
// accurate for every finite input; it returns NaN or +Inf for a vector with
// NaN or Inf components.
func Norm(a []float32) float32 {
	ss := dot(a, a)
	if safeSquares(ss) {
		return float32(math.Sqrt(float64(ss)))
	}
	return float32(math.Sqrt(sumSquares64(a)))
}

// cosineResult finishes Cosine from a kernel's a·a, b·b and clamped
// quotient c: c itself when the sums of squares are in float32's safe
// range (each root then lies in [2^-49.5, 2^64], so the kernel's product
// and quotient stay normal numbers), else the float64 computation.
func cosineResult(a, b []float32, aa, bb, c float32) float32 {
	if min(aa, bb) >= minSafeSquares && max(aa, bb) <= math.MaxFloat32 { // safeSquares of both; NaN fails
		return c
	}
	return cosineSlow(a, b)
}

// cosineSlow is Cosine's rare float64 path, kept out of line so that
// cosineResult inlines.
//
//go:noinline
func cosineSlow(a, b []float32) float32 { return clamp1(float32(cosine64(a, b))) }

// clamp1 clamps c to [-1, 1], keeping NaN.
func clamp1(c float32) float32 {
	if c > 1 {
		return 1
	}
	if c < -1 {
		return -1
	}
	return c
}

// sqrt32 is a float32 square root; the compiler turns this pattern into a
// single SQRTSS instruction on amd64.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// cosine64 is Cosine's float64 path for vectors whose float32 sums of
// squares are not trustworthy (zero, subnormal, overflowing or NaN).
func cosine64(a, b []float32) float64 {
	var ab, aa, bb float64
	b = b[:len(a)]
	for i, x := range a {
		y := float64(b[i])
		ab += float64(x) * y
		aa += float64(x) * float64(x)
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / (math.Sqrt(aa) * math.Sqrt(bb))
}

func sumSquares64(a []float32) float64 {
	var ss float64
	for _, x := range a {
		ss += float64(x) * float64(x)
	}
	return ss
}

// Normalize scales v in place to unit L2 norm. It returns an error
// wrapping errs.ErrInvalidVector for a zero vector and for a vector with
// NaN or Inf components (the message says which), leaving v unchanged in
// both cases. Vectors whose norm does not fit float32
// arithmetic (components near the float32 limits) are scaled in float64.
func Normalize(v []float32) error {
	ss := dot(v, v)
	if safeSquares(ss) {
		scale(v, float32(1/math.Sqrt(float64(ss))))
		return nil
	}
	return normalize64(v)
}

// normalize64 is Normalize's careful path: it checks every component and
// scales in float64, so that neither huge nor subnormal inputs lose accuracy.
func normalize64(v []float32) error {
	var ss float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errNonFinite
		}
		ss += f * f
	}
	if ss == 0 {
		return errZeroVector
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return nil
}

// DotBatch scores the query q against every row of the row-major matrix rows
// (len(rows) must be a multiple of len(q)) and writes row i's dot product to
// dst[i]. It panics if dst is shorter than the number of rows. This is the
// inner loop of exact search: the assembly kernels score four rows per pass
// over the query, and read batches too large for the caches in memory
// order at close to the memory bandwidth of one core.
func DotBatch(dst, q, rows []float32) {
	n := checkBatch(dst, q, rows)
	dotBatch(dst[:n], q, rows[:n*len(q)])
}

// SquaredL2Batch is like DotBatch but writes squared Euclidean distances.
func SquaredL2Batch(dst, q, rows []float32) {
	n := checkBatch(dst, q, rows)
	squaredL2Batch(dst[:n], q, rows[:n*len(q)])
}

func checkBatch(dst, q, rows []float32) int {
	d := len(q)
	if d == 0 {
		if len(rows) != 0 {
			panic("similarity: empty query against non-empty rows")
		}
		return 0
	}
	if len(rows)%d != 0 {
		panic("similarity: rows length is not a multiple of the query length")
	}
	n := len(rows) / d
	if len(dst) < n {
		panic("similarity: dst shorter than the number of rows")
	}
	return n
}
