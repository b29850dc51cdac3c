// This file holds the exported float32 kernels and their argument checks.

package similarity

import (
	"errors"
	"math"
)

// ErrZeroVector is returned by Normalize for a vector whose norm is zero.
var ErrZeroVector = errors.New("similarity: zero vector")

// ErrNonFinite is returned by Normalize for a vector containing NaN or ±Inf,
// or whose norm overflows float32.
var ErrNonFinite = errors.New("similarity: vector has NaN or Inf components")

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

// Norm returns the Euclidean (L2) norm of a.
func Norm(a []float32) float32 {
	return float32(math.Sqrt(float64(dot(a, a))))
}

// Cosine returns the cosine similarity of a and b, or 0 when either vector
// has zero norm. It panics if len(a) != len(b).
func Cosine(a, b []float32) float32 {
	checkLen(len(a), len(b))
	ab, aa, bb := dot(a, b), dot(a, a), dot(b, b)
	if aa == 0 || bb == 0 {
		return 0
	}
	return float32(float64(ab) / math.Sqrt(float64(aa)*float64(bb)))
}

// Normalize scales v in place to unit L2 norm. It returns ErrZeroVector for
// a zero vector and ErrNonFinite for a vector with NaN or Inf components,
// leaving v unchanged in both cases.
func Normalize(v []float32) error {
	var ss float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return ErrNonFinite
		}
		ss += f * f
	}
	if ss == 0 {
		return ErrZeroVector
	}
	inv := float32(1 / math.Sqrt(ss))
	if math.IsInf(float64(inv), 0) {
		return ErrZeroVector // norm underflows: only denormals
	}
	scale(v, inv)
	return nil
}

// DotBatch scores the query q against every row of the row-major matrix rows
// (len(rows) must be a multiple of len(q)) and writes row i's dot product to
// dst[i]. It panics if dst is shorter than the number of rows.
func DotBatch(dst, q, rows []float32) {
	n := checkBatch(dst, q, rows)
	dotBatch(dst[:n], q, rows)
}

// SquaredL2Batch is like DotBatch but writes squared Euclidean distances.
func SquaredL2Batch(dst, q, rows []float32) {
	n := checkBatch(dst, q, rows)
	squaredL2Batch(dst[:n], q, rows)
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
