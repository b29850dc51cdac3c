// This file holds the float32 exponential: Cody–Waite range reduction to
// r ∈ [-ln2/2, ln2/2] and a degree-7 polynomial, e^x = 2^n·(1+r+r²·P(r)).
// The coefficients were fitted for this package (least squares on
// Chebyshev nodes, each coefficient rounded to float32 in turn and the rest
// refitted).

package nn

import "math"

const (
	log2e  = 1.44269504088896341
	ln2Hi  = 0.693359375 // 9 significant bits: n·ln2Hi is exact for |n| < 2^15
	ln2Lo  = -2.12194440e-4
	expMax = 88.37 // keeps n ≤ 127
	// expMin is the input below which Exp returns 0 (e^expMin < 2^-126).
	expMin = -87.33654
	expP0  = 0.5
	expP1  = 0.16666667
	expP2  = 0.041666456
	expP3  = 0.008333198
	expP4  = 0.0013935758
	expP5  = 0.00019953409
)

// exp32 returns e^x in float32: 0 below expMin (so -Inf gives 0), +Inf
// above expMax, NaN for NaN.
func exp32(x float32) float32 {
	if !(x > expMin) { // also NaN
		if x != x {
			return x
		}
		return 0
	}
	if x > expMax {
		return float32(math.Inf(1))
	}
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2Hi
	r -= n * ln2Lo
	p := ((((expP5*r+expP4)*r+expP3)*r+expP2)*r+expP1)*r + expP0
	y := 1 + r + r*r*p
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Exp sets dst[i] = e^x[i]. It returns 0 for inputs below about -87.34
// (including -Inf) and +Inf above about 88.37.
func Exp(dst, x []float32) {
	checkSame(len(dst), len(x))
	expVec(dst, x)
}

func expGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = exp32(v)
	}
}
