// This file holds the elementwise ops of a transformer layer: a bias
// broadcast over rows, an elementwise (residual) sum and product.

package nn

// AddBias adds bias to every row of x: x[r*len(bias)+j] += bias[j]. The
// length of x must be a multiple of len(bias).
func AddBias(x, bias []float32) {
	n := len(bias)
	if n == 0 {
		if len(x) != 0 {
			panic("nn: AddBias with empty bias")
		}
		return
	}
	if len(x)%n != 0 {
		panic("nn: AddBias: len(x) is not a multiple of len(bias)")
	}
	for r := 0; r < len(x); r += n {
		addVec(x[r:r+n], x[r:r+n], bias)
	}
}

// Add sets dst[i] = a[i] + b[i]; dst may be a or b.
func Add(dst, a, b []float32) {
	checkSame(len(dst), len(a))
	checkSame(len(dst), len(b))
	addVec(dst, a, b)
}

func addGeneric(dst, a, b []float32) {
	dst = dst[:len(a)]
	b = b[:len(a)]
	for i, v := range a {
		dst[i] = v + b[i]
	}
}

func checkSame(a, b int) {
	if a != b {
		panic("nn: slices of different lengths")
	}
}

// Mul sets dst[i] = a[i] · b[i] (a gated MLP's act(input) · gate); dst may
// be a or b. Pure Go: the products beside it dominate.
func Mul(dst, a, b []float32) {
	checkSame(len(dst), len(a))
	checkSame(len(dst), len(b))
	b = b[:len(a)]
	for i, v := range a {
		dst[i] = v * b[i]
	}
}
