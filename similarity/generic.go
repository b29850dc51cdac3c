// This file holds the portable pure-Go kernels. They are the reference the
// assembly kernels are tested against and the path taken on every platform
// without them (or when built with the purego tag).

package similarity

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

func scaleGeneric(v []float32, s float32) {
	for i := range v {
		v[i] *= s
	}
}

func dotBatchGeneric(dst, q, rows []float32) {
	d := len(q)
	for i := range dst {
		dst[i] = dot(q, rows[i*d:(i+1)*d])
	}
}

func squaredL2BatchGeneric(dst, q, rows []float32) {
	d := len(q)
	for i := range dst {
		dst[i] = squaredL2(q, rows[i*d:(i+1)*d])
	}
}

func dotInt8Generic(a, b []int8) int32 {
	var s int32
	b = b[:len(a)]
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}
