// Tests for the float16 conversions: every half value round-trips, known
// bit patterns, and rounding is to the nearest half (ties to even).

package static

import (
	"math"
	"math/rand"
	"testing"
)

func TestFloat16Known(t *testing.T) {
	cases := map[float32]uint16{
		0: 0x0000, 1: 0x3c00, -2: 0xc000, 65504: 0x7bff, 0.5: 0x3800,
		float32(math.Inf(1)): 0x7c00, 1e6: 0x7c00, -1e6: 0xfc00,
		5.960464477539063e-08: 0x0001, 6.103515625e-05: 0x0400, 0.333251953125: 0x3555,
		2.9802322387695312e-08: 0x0000, // exactly half the smallest subnormal: ties to even (0)
		8.940696716308594e-08:  0x0002, // 1.5 × smallest subnormal: ties to even (2)
		65520:                  0x7c00, // halfway to 65536 rounds up to Inf
	}
	for f, h := range cases {
		if got := float32to16(f); got != h {
			t.Errorf("float32to16(%v) = %#04x, want %#04x", f, got, h)
		}
	}
	if h := float32to16(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("NaN -> %#04x", h)
	}
	if float32to16(float32(math.Copysign(0, -1))) != 0x8000 {
		t.Error("-0")
	}
}

func TestFloat16RoundTripAll(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := float16to32(uint16(h))
		if math.IsNaN(float64(f)) {
			if uint16(h)&0x7c00 != 0x7c00 || uint16(h)&0x3ff == 0 {
				t.Fatalf("%#04x decoded to NaN", h)
			}
			continue
		}
		if back := float32to16(f); back != uint16(h) {
			t.Fatalf("%#04x -> %v -> %#04x", h, f, back)
		}
	}
}

// TestFloat16Nearest checks random float32s against a brute-force choice
// of the nearest finite half, with ties to the even bit pattern.
func TestFloat16Nearest(t *testing.T) {
	var halves []float64 // non-negative finite halves, ascending
	for h := 0; h < 0x7c00; h++ {
		halves = append(halves, float64(float16to32(uint16(h))))
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		var f float32
		switch i % 3 {
		case 0:
			f = float32(r.NormFloat64())
		case 1:
			f = float32(math.Ldexp(r.Float64(), -r.Intn(30)))
		default:
			f = math.Float32frombits(r.Uint32() & 0x477fffff) // below 65536
		}
		x := math.Abs(float64(f))
		if x > 65504 {
			continue
		}
		// Binary search for the neighbours.
		lo, hi := 0, len(halves)-1
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if halves[mid] <= x {
				lo = mid
			} else {
				hi = mid
			}
		}
		want := lo
		if x-halves[lo] > halves[hi]-x || (x-halves[lo] == halves[hi]-x && lo%2 == 1) {
			want = hi
		}
		if halves[lo] == x {
			want = lo
		}
		got := float32to16(f) & 0x7fff
		if int(got) != want {
			t.Fatalf("float32to16(%v) = %#04x, want %#04x", f, got, want)
		}
	}
}
