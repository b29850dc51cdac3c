// This file holds the fuzz tests: arbitrary bit patterns are fed to every
// implementation and compared with the float64 reference (within the
// documented bound) and, for the exact kernels, with each other.

package similarity

import (
	"encoding/binary"
	"math"
	"testing"
)

// floatsFrom splits data into two equal-length float32 vectors.
func floatsFrom(data []byte) (a, b []float32) {
	n := len(data) / 8
	a, b = make([]float32, n), make([]float32, n)
	for i := 0; i < n; i++ {
		a[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i:]))
		b[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[8*i+4:]))
	}
	return a, b
}

// comparable reports whether the reference is meaningful for a float32
// kernel: every input finite and Σ|terms| inside the float32 range.
func comparable(sumAbs float64, vs ...[]float32) bool {
	for _, v := range vs {
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return false
			}
		}
	}
	return sumAbs < math.MaxFloat32/2
}

func addFloatSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef12345678"))
	seed := make([]byte, 8*37)
	for i := range seed {
		seed[i] = byte(i*37 + 11)
	}
	f.Add(seed)
	big := make([]byte, 8*130)
	for i := 0; i < len(big); i += 4 {
		binary.LittleEndian.PutUint32(big[i:], math.Float32bits(float32(i%9)-4.5))
	}
	f.Add(big)
}

func FuzzDot(f *testing.F) {
	addFloatSeeds(f)
	ks := available()
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := floatsFrom(data)
		want, sumAbs := refDot(a, b)
		if !comparable(sumAbs, a, b) {
			return
		}
		for _, k := range ks {
			if got := k.dot(a, b); math.Abs(float64(got)-want) > dotBound(len(a), sumAbs) {
				t.Fatalf("%s: dot = %g, want %g", k.name, got, want)
			}
			ab, _, _, _ := k.cosine(a, b)
			if math.Abs(float64(ab)-want) > dotBound(len(a), sumAbs) {
				t.Fatalf("%s: cosine's a·b = %g, want %g", k.name, ab, want)
			}
		}
	})
}

func FuzzSquaredL2(f *testing.F) {
	addFloatSeeds(f)
	ks := available()
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := floatsFrom(data)
		want := refSquaredL2(a, b)
		if !comparable(want, a, b) {
			return
		}
		for _, k := range ks {
			if got := k.squaredL2(a, b); math.Abs(float64(got)-want) > l2Bound(len(a), want) {
				t.Fatalf("%s: squaredL2 = %g, want %g", k.name, got, want)
			}
		}
	})
}

func FuzzCosine(f *testing.F) {
	addFloatSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := floatsFrom(data)
		ab, sumAbs := refDot(a, b)
		if !comparable(sumAbs, a, b) {
			return
		}
		aa, _ := refDot(a, a)
		bb, _ := refDot(b, b)
		want := 0.0
		if aa != 0 && bb != 0 {
			want = ab / (math.Sqrt(aa) * math.Sqrt(bb))
		}
		forEachLevel(t, func(t *testing.T) {
			if got := Cosine(a, b); math.Abs(float64(got)-want) > 3*dotBound(len(a), 1)+1e-6 {
				t.Fatalf("Cosine = %g, want %g", got, want)
			}
		})
	})
}

func FuzzDotBatch(f *testing.F) {
	addFloatSeeds(f)
	ks := available()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d := 1 + int(data[0])%40
		q, rows := floatsFrom(data[1:])
		if len(q) < d {
			return
		}
		q = q[:d]
		rows = rows[:len(rows)/d*d]
		n := len(rows) / d
		dst := make([]float32, n)
		for _, k := range ks {
			k.dotBatch(dst, q, rows)
			for i := 0; i < n; i++ {
				want, sumAbs := refDot(q, rows[i*d:(i+1)*d])
				if comparable(sumAbs, q, rows[i*d:(i+1)*d]) && math.Abs(float64(dst[i])-want) > dotBound(d, sumAbs) {
					t.Fatalf("%s: d=%d row %d: %g, want %g", k.name, d, i, dst[i], want)
				}
			}
		}
	})
}

func FuzzDotInt8(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x80, 0x80, 0x7f, 0x80, 1, 2, 3})
	f.Add(make([]byte, 301))
	ks := available()
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 2
		a, b := make([]int8, n), make([]int8, n)
		for i := 0; i < n; i++ {
			a[i], b[i] = int8(data[i]), int8(data[n+i])
		}
		want := refDotInt8(a, b)
		for _, k := range ks {
			if got := k.dotInt8(a, b); got != want {
				t.Fatalf("%s: dotInt8 = %d, want %d", k.name, got, want)
			}
		}
	})
}

func FuzzHamming(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice: the quick brown fox"))
	ks := available()
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 16
		a, b := make([]uint64, n), make([]uint64, n)
		for i := 0; i < n; i++ {
			a[i] = binary.LittleEndian.Uint64(data[16*i:])
			b[i] = binary.LittleEndian.Uint64(data[16*i+8:])
		}
		want := refHamming(a, b)
		for _, k := range ks {
			if got := k.hamming(a, b); got != want {
				t.Fatalf("%s: hamming = %d, want %d", k.name, got, want)
			}
		}
	})
}
