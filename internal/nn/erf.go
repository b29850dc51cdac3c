// This file holds the float32 error function and the exact (erf) GELU
// built on it. For |x| < 0.921875, erf(x) = x·P(x²) (degree-5 P); for
// 0.921875 ≤ |x| < 4, erfc(|x|) = exp(Q(|x|)) (degree-7 Q approximates
// log erfc); above 4, erf(x) = ±1 (erfc(4) < 1.6e-8). The coefficients
// were fitted for this package the same way as Exp's. Max abs error
// against math.Erf: see the tests (about 1e-7).

package nn

const (
	erfSplit = 0.921875
	erfHi    = 4.0

	erfP0 = 1.1283791
	erfP1 = -0.3761238
	erfP2 = 0.112810224
	erfP3 = -0.026744798
	erfP4 = 0.004967195
	erfP5 = -0.0005878849

	erfQ0 = 0.00017942315
	erfQ1 = -1.1295385
	erfQ2 = -0.63329744
	erfQ3 = -0.10833655
	erfQ4 = 0.025157318
	erfQ5 = -0.004185998
	erfQ6 = 0.00043766192
	erfQ7 = -2.138221e-05

	invSqrt2 = 0.70710678118654752
)

// erfSmall returns erf(x) for |x| < erfSplit.
func erfSmall(x float32) float32 {
	t := x * x
	return x * (((((erfP5*t+erfP4)*t+erfP3)*t+erfP2)*t+erfP1)*t + erfP0)
}

// erfcLarge returns erfc(z) for erfSplit ≤ z < erfHi.
func erfcLarge(z float32) float32 {
	q := ((((((erfQ7*z+erfQ6)*z+erfQ5)*z+erfQ4)*z+erfQ3)*z+erfQ2)*z+erfQ1)*z + erfQ0
	return exp32(q)
}

// erf32 returns erf(x) in float32.
func erf32(x float32) float32 {
	z := x
	if z < 0 {
		z = -z
	}
	if z < erfSplit {
		return erfSmall(x)
	}
	r := float32(1)
	if z < erfHi {
		r = 1 - erfcLarge(z)
	} else if z != z {
		return x
	}
	if x < 0 {
		return -r
	}
	return r
}

// gelu32 returns x·Φ(x) = x/2·(1+erf(x/√2)), computing 1+erf as erfc of
// the magnitude for negative x so that small results keep their relative
// accuracy.
func gelu32(x float32) float32 {
	u := x * invSqrt2
	z := u
	if z < 0 {
		z = -z
	}
	var onePlusErf float32
	switch {
	case z < erfSplit:
		onePlusErf = 1 + erfSmall(u)
	case z < erfHi:
		e := erfcLarge(z)
		if u > 0 {
			onePlusErf = 2 - e
		} else {
			onePlusErf = e
		}
	case u > 0:
		onePlusErf = 2
	case u != u:
		return x
	default:
		return 0 // x ≤ -4√2: |x/2·erfc(|x|/√2)| < 0.8e-8·|x|
	}
	return 0.5 * x * onePlusErf
}

// Erf sets dst[i] = erf(x[i]).
func Erf(dst, x []float32) {
	checkSame(len(dst), len(x))
	erfVec(dst, x)
}

func erfGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = erf32(v)
	}
}
