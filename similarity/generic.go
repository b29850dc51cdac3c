// This file holds the portable pure-Go kernels. They are the path taken on
// every platform without assembly (or when built with the purego tag), and
// the assembly kernels are tested against the same float64 reference.

package similarity

import "math/bits"

func dotGeneric(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	b = b[:len(a)]
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func squaredL2Generic(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	b = b[:len(a)]
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// cosineGeneric returns a·b, a·a and b·b from one pass over the data,
// each with four partial sums like dotGeneric, and c = a·b/(|a||b|)
// clamped to [-1, 1] (meaningful only when a·a and b·b are in range).
func cosineGeneric(a, b []float32) (ab, aa, bb, c float32) {
	var ab0, ab1, ab2, ab3 float32
	var aa0, aa1, aa2, aa3 float32
	var bb0, bb1, bb2, bb3 float32
	b = b[:len(a)]
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x0, x1, x2, x3 := a[i], a[i+1], a[i+2], a[i+3]
		y0, y1, y2, y3 := b[i], b[i+1], b[i+2], b[i+3]
		ab0 += x0 * y0
		ab1 += x1 * y1
		ab2 += x2 * y2
		ab3 += x3 * y3
		aa0 += x0 * x0
		aa1 += x1 * x1
		aa2 += x2 * x2
		aa3 += x3 * x3
		bb0 += y0 * y0
		bb1 += y1 * y1
		bb2 += y2 * y2
		bb3 += y3 * y3
	}
	for ; i < len(a); i++ {
		x, y := a[i], b[i]
		ab0 += x * y
		aa0 += x * x
		bb0 += y * y
	}
	ab, aa, bb = (ab0+ab1)+(ab2+ab3), (aa0+aa1)+(aa2+aa3), (bb0+bb1)+(bb2+bb3)
	return ab, aa, bb, clamp1(ab / (sqrt32(aa) * sqrt32(bb)))
}

func scaleGeneric(v []float32, s float32) {
	for i := range v {
		v[i] *= s
	}
}

func dotBatchGeneric(dst, q, rows []float32) {
	d := len(q)
	for i := range dst {
		dst[i] = dotGeneric(q, rows[i*d:(i+1)*d])
	}
}

func squaredL2BatchGeneric(dst, q, rows []float32) {
	d := len(q)
	for i := range dst {
		dst[i] = squaredL2Generic(q, rows[i*d:(i+1)*d])
	}
}

func dotInt8Generic(a, b []int8) int32 {
	var s0, s1 int32
	b = b[:len(a)]
	i := 0
	for ; i+2 <= len(a); i += 2 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
	}
	if i < len(a) {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1
}

// hammingGeneric is a plain loop: POPCNT's latency is short enough that
// splitting the count over several accumulators measured slower.
func hammingGeneric(a, b []uint64) int {
	n := 0
	b = b[:len(a)]
	for i, x := range a {
		n += bits.OnesCount64(x ^ b[i])
	}
	return n
}
