// This file holds the row softmax of attention.

package nn

import "math"

// Softmax replaces x by softmax(scale·x) in place: e^{scale·(x_i-max)}
// normalised to sum 1, with scale > 0 (attention passes 1/√d_head here so
// the scores need no separate scaling pass). Entries equal to -Inf (masked
// keys) get probability 0; callers that know the number of real keys should
// pass only those (x[:keys]) and never compute the padded ones. A row whose
// entries are all -Inf becomes all zeros. An empty row is left alone.
func Softmax(x []float32, scale float32) {
	if len(x) == 0 {
		return
	}
	m := maxVec(x)
	if m == float32(math.Inf(-1)) {
		for i := range x {
			x[i] = 0
		}
		return
	}
	sum := expShiftSum(x, m, scale)
	scaleVec(x, 1/sum)
}

// SoftmaxRows applies Softmax(row, scale) to each of rows rows of n
// elements of x, the rows ld elements apart (ld ≥ n; the elements between
// rows are left alone): one call for a head's whole score matrix, so that
// short rows do not each pay a call's overhead. The results equal
// Softmax's up to the order of the sum's additions (a few ulps).
func SoftmaxRows(x []float32, rows, n, ld int, scale float32) {
	if rows < 0 || n < 0 || ld < n {
		panic("nn: SoftmaxRows: negative size or ld < n")
	}
	if rows == 0 || n == 0 {
		return
	}
	if len(x) < (rows-1)*ld+n {
		panic("nn: SoftmaxRows: x too short")
	}
	softmaxRows(x, rows, n, ld, scale)
}

func softmaxRowsGeneric(x []float32, rows, n, ld int, scale float32) {
	for r := 0; r < rows; r++ {
		Softmax(x[r*ld:r*ld+n], scale)
	}
}

// maxGeneric returns the largest element of a non-empty x (NaNs are
// skipped; -Inf if all elements are -Inf or NaN).
func maxGeneric(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

func scaleGeneric(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// expShiftSumGeneric sets x[i] = e^{scale·(x[i]-m)} and returns their sum.
func expShiftSumGeneric(x []float32, m, scale float32) float32 {
	var s float32
	for i, v := range x {
		e := exp32(scale * (v - m))
		x[i] = e
		s += e
	}
	return s
}
