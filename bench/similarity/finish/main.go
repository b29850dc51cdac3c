// Command finish measures, on the machine it runs on, the error of the two
// ways to finish a float32 cosine from its sums a·b, a·a and b·b: the exact
// one ganada's kernels use (ab / (sqrt(aa)·sqrt(bb)), correctly rounded
// square roots and division) and vek's approximate one (VRSQRTSS of aa·bb
// refined by one Newton step, times ab), against a float64 reference, and
// whether the approximate finish changes a ranking. It answers issue 20's
// question "switch Cosine to rsqrt?" with numbers: go run ./similarity/finish
// from bench/ (amd64 with AVX only).
//
// Vectors: for each dimension 1…1536 of the similarity tests' sizes, pairs
// of Gaussian vectors, near-parallel pairs (b = a + small noise, cosine near
// 1, where rankings are decided), pairs of very different scales, and
// integer-valued vectors. Errors are relative to the float64 cosine of the
// same float32 sums (isolating the finish) and to the float64 cosine of the
// vectors (the whole computation); ulp = 2⁻²⁴ relative.
//go:build amd64

package main

import (
	"fmt"
	"math"
	"math/rand"
	"sort"

	"github.com/ganada/ganada/bench/internal/measure"
)

func rsqrtNewton(x float32) float32
func rsqrtRaw(x float32) float32

func sums(a, b []float32) (ab, aa, bb float32) {
	// float32 sums in the kernels' spirit (several lanes, then a reduction).
	var s [3][8]float32
	for i := range a {
		l := i % 8
		s[0][l] += a[i] * b[i]
		s[1][l] += a[i] * a[i]
		s[2][l] += b[i] * b[i]
	}
	for l := 0; l < 8; l++ {
		ab += s[0][l]
		aa += s[1][l]
		bb += s[2][l]
	}
	return
}

func exact(ab, aa, bb float32) float32 {
	return ab / (float32(math.Sqrt(float64(aa))) * float32(math.Sqrt(float64(bb))))
}

func approx(ab, aa, bb float32) float32 { return ab * rsqrtNewton(aa*bb) }

func cos64(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

type stat struct {
	maxFinish, maxTotal, sumFinish float64
	n                              int
}

func (s *stat) add(finish, total float64) {
	s.maxFinish = max(s.maxFinish, finish)
	s.maxTotal = max(s.maxTotal, total)
	s.sumFinish += finish
	s.n++
}

func main() {
	fmt.Printf("machine: %s\n", measure.Machine())
	// VRSQRTSS's own error over a sweep of one binade's mantissas (any
	// binade gives the same relative error).
	var rawMax, nwtMax float64
	for m := uint32(0); m < 1<<23; m += 7 {
		x := math.Float32frombits(0x3f800000 | m) // [1, 2)
		want := 1 / math.Sqrt(float64(x))
		rawMax = max(rawMax, math.Abs(float64(rsqrtRaw(x))-want)/want)
		nwtMax = max(nwtMax, math.Abs(float64(rsqrtNewton(x))-want)/want)
		x2 := x * 2 // [2, 4)
		want2 := 1 / math.Sqrt(float64(x2))
		rawMax = max(rawMax, math.Abs(float64(rsqrtRaw(x2))-want2)/want2)
		nwtMax = max(nwtMax, math.Abs(float64(rsqrtNewton(x2))-want2)/want2)
	}
	fmt.Printf("VRSQRTSS max relative error %.3g (%.1f ulp of float32); after one Newton step %.3g (%.2f ulp)\n",
		rawMax, rawMax/0x1p-24, nwtMax, nwtMax/0x1p-24)

	r := rand.New(rand.NewSource(1))
	dims := []int{1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 100, 127, 128, 129, 255, 256, 384, 512, 768, 1000, 1024, 1536}
	kinds := []string{"gaussian", "near-parallel", "scaled 1e±8", "integers"}
	st := map[string]*[2]stat{}
	for _, k := range kinds {
		st[k] = &[2]stat{}
	}
	for _, d := range dims {
		for trial := 0; trial < 500; trial++ {
			for _, kind := range kinds {
				a, b := make([]float32, d), make([]float32, d)
				for i := range a {
					switch kind {
					case "integers":
						a[i], b[i] = float32(r.Intn(255)-127), float32(r.Intn(255)-127)
					default:
						a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
					}
				}
				switch kind {
				case "near-parallel":
					for i := range b {
						b[i] = a[i] + float32(r.NormFloat64()*1e-3)
					}
				case "scaled 1e±8":
					for i := range a {
						a[i] *= 1e8
						b[i] *= 1e-8
					}
				}
				ab, aa, bb := sums(a, b)
				if aa == 0 || bb == 0 {
					continue
				}
				ref := float64(ab) / math.Sqrt(float64(aa)*float64(bb))
				whole := cos64(a, b)
				if math.Abs(ref) < 1e-3 {
					continue // relative error of a near-zero cosine says nothing about the finish
				}
				for i, c := range []float32{exact(ab, aa, bb), approx(ab, aa, bb)} {
					st[kind][i].add(math.Abs(float64(c)-ref)/math.Abs(ref), math.Abs(float64(c)-whole)/math.Abs(whole))
				}
			}
		}
	}
	fmt.Println("relative error of the finish (vs float64 of the same sums) and of the whole cosine (vs float64 of the vectors), |cos| ≥ 1e-3:")
	fmt.Printf("%-14s %-30s %-30s\n", "vectors", "exact: finish max / mean, total max", "rsqrt+Newton: same")
	for _, k := range kinds {
		s := st[k]
		fmt.Printf("%-14s %8.3g / %8.3g, %8.3g   %8.3g / %8.3g, %8.3g\n", k,
			s[0].maxFinish, s[0].sumFinish/float64(s[0].n), s[0].maxTotal,
			s[1].maxFinish, s[1].sumFinish/float64(s[1].n), s[1].maxTotal)
	}

	// Rankings: one query against 10,000 near-duplicates of one another
	// (cosines packed within 1e-4 of each other, the hardest case), top 10.
	changed, exactOff, approxOff, tries := 0, 0, 0, 200
	for q := 0; q < tries; q++ {
		d := 384
		base := make([]float32, d)
		query := make([]float32, d)
		for i := range base {
			base[i] = float32(r.NormFloat64())
			query[i] = base[i] + float32(r.NormFloat64()*0.01)
		}
		type hit struct {
			id int
			c  float32
		}
		var ex, ap, rf []hit
		for id := 0; id < 10000; id++ {
			v := make([]float32, d)
			for i := range v {
				v[i] = base[i] + float32(r.NormFloat64()*0.01)
			}
			ab, aa, bb := sums(query, v)
			ex = append(ex, hit{id, exact(ab, aa, bb)})
			ap = append(ap, hit{id, approx(ab, aa, bb)})
			rf = append(rf, hit{id, float32(cos64(query, v))})
		}
		top := func(h []hit) []int {
			sort.SliceStable(h, func(i, j int) bool { return h[i].c > h[j].c })
			ids := make([]int, 10)
			for i := range ids {
				ids[i] = h[i].id
			}
			return ids
		}
		te, ta, tr := top(ex), top(ap), top(rf)
		differs := func(x, y []int) int {
			for i := range x {
				if x[i] != y[i] {
					return 1
				}
			}
			return 0
		}
		changed += differs(te, ta)
		exactOff += differs(te, tr)
		approxOff += differs(ta, tr)
	}
	fmt.Printf("top-10 of 10,000 near-duplicate candidates (d = 384), queries of %d whose order differs: exact vs rsqrt %d, exact vs float64 %d, rsqrt vs float64 %d\n",
		tries, changed, exactOff, approxOff)
}
