// This file holds the float64 references, the error bounds and the
// adversarial value generators shared by the kernel tests.

package similarity

import (
	"math"
	"math/bits"
	"math/rand"
)

// u is the unit roundoff of float32.
const u = 0x1p-24

// dotBound is the documented error bound of a float32 dot product of
// length n relative to Σ|aᵢbᵢ|, plus an absolute allowance for products
// that fall into (or below) the subnormal range.
func dotBound(n int, sumAbs float64) float64 {
	return (float64(n)/4+8)*u*sumAbs + float64(n)*0x1p-149
}

// l2Bound is dotBound with two more units for the rounded differences.
func l2Bound(n int, sumSq float64) float64 {
	return (float64(n)/4+10)*u*sumSq + float64(n)*0x1p-149
}

func refDot(a, b []float32) (dot, sumAbs float64) {
	for i := range a {
		p := float64(a[i]) * float64(b[i]) // exact: 24+24 bits fit in 53
		dot += p
		sumAbs += math.Abs(p)
	}
	return dot, sumAbs
}

func refSquaredL2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}

func refDotInt8(a, b []int8) int32 {
	var s int64
	for i := range a {
		s += int64(a[i]) * int64(b[i])
	}
	return int32(s) // wraps modulo 2^32, as documented
}

func refHamming(a, b []uint64) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] ^ b[i])
	}
	return n
}

// A valueKind fills a pair of vectors with one family of test values.
type valueKind struct {
	name string
	fill func(r *rand.Rand, a, b []float32)
}

func signed(r *rand.Rand, x float64) float32 {
	if r.Intn(2) == 0 {
		x = -x
	}
	return float32(x)
}

var valueKinds = []valueKind{
	{"uniform", func(r *rand.Rand, a, b []float32) {
		for i := range a {
			a[i] = float32(r.Float64()*2 - 1)
			b[i] = float32(r.Float64()*2 - 1)
		}
	}},
	// Large magnitudes (2^50..2^57, about 1e15..1.4e17): products near
	// 1e34, sums near 1e37, still finite.
	{"large", func(r *rand.Rand, a, b []float32) {
		for i := range a {
			a[i] = signed(r, math.Ldexp(1+r.Float64(), 50+r.Intn(7)))
			b[i] = signed(r, math.Ldexp(1+r.Float64(), 50+r.Intn(7)))
		}
	}},
	// Subnormal components (2^-148..2^-124) times small normal ones.
	{"subnormal", func(r *rand.Rand, a, b []float32) {
		for i := range a {
			a[i] = signed(r, math.Ldexp(1+r.Float64(), -148+r.Intn(25)))
			b[i] = signed(r, math.Ldexp(1+r.Float64(), -10+r.Intn(14)))
		}
	}},
	// Exponents spread over 2^±40 with mixed signs: heavy cancellation.
	{"wide", func(r *rand.Rand, a, b []float32) {
		for i := range a {
			a[i] = signed(r, math.Ldexp(1+r.Float64(), r.Intn(81)-40))
			b[i] = signed(r, math.Ldexp(1+r.Float64(), r.Intn(81)-40))
		}
	}},
	// Exact cancellation: the second half undoes the first, a·b = 0.
	{"cancel", func(r *rand.Rand, a, b []float32) {
		h := len(a) / 2
		for i := 0; i < h; i++ {
			x := signed(r, math.Ldexp(1+r.Float64(), r.Intn(21)-10))
			y := signed(r, math.Ldexp(1+r.Float64(), r.Intn(21)-10))
			a[i], b[i] = x, y
			a[len(a)-1-i], b[len(a)-1-i] = x, -y
		}
		if len(a)%2 == 1 {
			a[h], b[h] = 0, signed(r, 1)
		}
	}},
}
