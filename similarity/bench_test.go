// This file holds the micro-benchmarks of every implementation. Peer
// comparisons (vek, memory bandwidth) are in bench/similarity.

package similarity

import (
	"fmt"
	"math/rand"
	"testing"
)

var benchDims = []int{128, 384, 768, 1024, 1536}

func benchVectors(n int) (a, b []float32) {
	r := rand.New(rand.NewSource(1))
	a, b = make([]float32, n), make([]float32, n)
	valueKinds[0].fill(r, a, b)
	return a, b
}

var sink float32

func BenchmarkDot(b *testing.B) {
	for _, k := range available() {
		for _, n := range benchDims {
			x, y := benchVectors(n)
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * n))
				for i := 0; i < b.N; i++ {
					sink += k.dot(x, y)
				}
			})
		}
	}
}

func BenchmarkCosine(b *testing.B) {
	for _, n := range benchDims {
		x, y := benchVectors(n)
		forEachLevelB(b, fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			for i := 0; i < b.N; i++ {
				sink += Cosine(x, y)
			}
		})
	}
}

func BenchmarkSquaredL2(b *testing.B) {
	for _, k := range available() {
		for _, n := range []int{384, 1536} {
			x, y := benchVectors(n)
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * n))
				for i := 0; i < b.N; i++ {
					sink += k.squaredL2(x, y)
				}
			})
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	x, _ := benchVectors(384)
	forEachLevelB(b, "384", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := Normalize(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDotBatch scans rows×384 float32s: 10k rows (15 MB, cache
// resident on large-L3 machines) and 100k rows (154 MB, from memory).
func BenchmarkDotBatch(b *testing.B) {
	const d = 384
	for _, n := range []int{10_000, 100_000} {
		q, _ := benchVectors(d)
		rows := make([]float32, n*d)
		for i := range rows {
			rows[i] = float32(i%17) - 8
		}
		dst := make([]float32, n)
		for _, k := range available() {
			b.Run(fmt.Sprintf("%s/%dx%d", k.name, n, d), func(b *testing.B) {
				b.SetBytes(int64(4 * len(rows)))
				for i := 0; i < b.N; i++ {
					k.dotBatch(dst, q, rows)
				}
			})
		}
	}
}

func BenchmarkDotInt8(b *testing.B) {
	for _, k := range available() {
		n := 384
		x, y := make([]int8, n), make([]int8, n)
		for i := range x {
			x[i], y[i] = int8(i*7), int8(i*13)
		}
		b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
			b.SetBytes(int64(2 * n))
			var s int32
			for i := 0; i < b.N; i++ {
				s += k.dotInt8(x, y)
			}
			sink += float32(s)
		})
	}
}

func BenchmarkHamming(b *testing.B) {
	for _, k := range available() {
		n := 16 // 1024 bits
		x, y := make([]uint64, n), make([]uint64, n)
		for i := range x {
			x[i], y[i] = uint64(i)*0x9e3779b97f4a7c15, uint64(i)*0xbf58476d1ce4e5b9
		}
		b.Run(fmt.Sprintf("%s/%dbits", k.name, 64*n), func(b *testing.B) {
			s := 0
			for i := 0; i < b.N; i++ {
				s += k.hamming(x, y)
			}
			sink += float32(s)
		})
	}
}
