// rowops.go holds the row-wise operations of the forward pass: LayerNorm,
// softmax and residual addition.

package transformer

import "math"

// layerNorm normalises each of the rows of x (width dim) in place:
// (x-mean)/sqrt(var+eps)·w + b, with biased variance as torch computes it.
func layerNorm(x []float32, rows, dim int, w, b []float32, eps float32) {
	w, b = w[:dim], b[:dim]
	for r := 0; r < rows; r++ {
		row := x[r*dim : r*dim+dim]
		var sum float64
		for _, v := range row {
			sum += float64(v)
		}
		mean := sum / float64(dim)
		var ss float64
		for _, v := range row {
			d := float64(v) - mean
			ss += d * d
		}
		inv := 1 / math.Sqrt(ss/float64(dim)+float64(eps))
		for i, v := range row {
			row[i] = float32((float64(v)-mean)*inv)*w[i] + b[i]
		}
	}
}

// softmax replaces row by exp(row-max)/Σexp(row-max).
func softmax(row []float32) {
	if len(row) == 0 {
		return
	}
	m := row[0]
	for _, v := range row[1:] {
		if v > m {
			m = v
		}
	}
	var sum float64
	for i, v := range row {
		e := float32(math.Exp(float64(v - m)))
		row[i] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for i := range row {
		row[i] *= inv
	}
}

// add sets dst[i] += src[i].
func add(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}
