// Package synth generates reproducible test vectors for the index packages:
// unit-norm points scattered anisotropically around random cluster centres,
// which is how sentence embeddings are distributed, plus exact ground truth
// by brute force in float64.
package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Clustered returns n unit vectors of dimension dim drawn around clusters
// centres, deterministically from seed. Each component's noise has its own
// scale (decaying with the component index), so the clouds are anisotropic.
func Clustered(n, dim, clusters int, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	centres := make([][]float64, clusters)
	for c := range centres {
		centres[c] = make([]float64, dim)
		for i := range centres[c] {
			centres[c][i] = r.NormFloat64()
		}
	}
	scale := make([]float64, dim)
	for i := range scale {
		scale[i] = 0.4 + 1.2*math.Exp(-float64(i)/float64(dim)*3)
	}
	out := make([][]float32, n)
	for k := range out {
		c := centres[r.IntN(clusters)]
		v := make([]float64, dim)
		var ss float64
		for i := range v {
			v[i] = c[i] + scale[i]*r.NormFloat64()
			ss += v[i] * v[i]
		}
		inv := 1 / math.Sqrt(ss)
		f := make([]float32, dim)
		for i := range v {
			f[i] = float32(v[i] * inv)
		}
		out[k] = f
	}
	return out
}

// Truth returns, for each query, the positions in base of its k best
// vectors under score (higher is better), computed in float64, skipping
// positions for which skip returns true (skip may be nil).
func Truth(base, queries [][]float32, k int, score func(a, b []float32) float64, skip func(i int) bool) [][]int {
	out := make([][]int, len(queries))
	type hit struct {
		i int
		s float64
	}
	for qi, q := range queries {
		hits := make([]hit, 0, len(base))
		for i, b := range base {
			if skip != nil && skip(i) {
				continue
			}
			hits = append(hits, hit{i, score(q, b)})
		}
		sort.Slice(hits, func(a, b int) bool { return hits[a].s > hits[b].s })
		for j := 0; j < k && j < len(hits); j++ {
			out[qi] = append(out[qi], hits[j].i)
		}
	}
	return out
}

// Dot64 is the float64 dot product.
func Dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// NegL2 is the float64 negated squared Euclidean distance.
func NegL2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return -s
}
