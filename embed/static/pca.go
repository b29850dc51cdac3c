// This file estimates SIF's common components: the leading principal
// directions of a corpus' sentence vectors.

package static

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"math"
)

// CommonComponents returns the first n principal directions of the
// sentence vectors of corpus, computed with m's settings but without
// common component removal and normalisation: the top right-singular
// vectors of the uncentred matrix whose rows are the sentence vectors, as
// Arora et al.'s reference code computes with TruncatedSVD. Texts with no
// known word are left out. Each returned vector has unit length, and its
// sign is fixed so that its largest-magnitude component is positive.
//
// Pass the result to WithCommonComponents (through Model.With) to remove
// the directions from every sentence vector. The corpus should resemble the
// texts that will be encoded; a few thousand sentences are enough.
func (m *Model) CommonComponents(ctx context.Context, corpus []string, n int) ([][]float32, error) {
	d := m.mat.dim
	if n <= 0 || n > d {
		return nil, fmt.Errorf("static: CommonComponents: %d components for dimension %d: %w", n, d, errs.ErrInvalidInput)
	}
	base, err := m.With(WithCommonComponents(), WithNormalize(false))
	if err != nil {
		return nil, err
	}
	vecs, infos, err := base.EncodeDetailed(ctx, corpus)
	if err != nil {
		return nil, err
	}
	// Gram matrix C = Xᵀ X in float64.
	c := make([]float64, d*d)
	used := 0
	for i, v := range vecs {
		if infos[i].Known == 0 {
			continue
		}
		used++
		for a, xa := range v {
			if xa == 0 {
				continue
			}
			row := c[a*d : (a+1)*d]
			fa := float64(xa)
			for b, xb := range v {
				row[b] += fa * float64(xb)
			}
		}
	}
	if used == 0 {
		return nil, fmt.Errorf("static: common components: no corpus text has a known word: %w", errs.ErrNoKnownTokens)
	}
	return topEigenvectors(ctx, c, d, n)
}

// topEigenvectors returns the n leading eigenvectors of the symmetric
// positive semi-definite d×d matrix c, by power iteration with deflation.
func topEigenvectors(ctx context.Context, c []float64, d, n int) ([][]float32, error) {
	out := make([][]float32, 0, n)
	found := make([][]float64, 0, n)
	var trace float64
	for a := 0; a < d; a++ {
		trace += c[a*d+a]
	}
	v := make([]float64, d)
	w := make([]float64, d)
	for k := 0; k < n; k++ {
		// Deterministic start: all ones, orthogonalised against the found.
		for j := range v {
			v[j] = 1 + float64(j%7)*0.01
		}
		lambda := 0.0
		for it := 0; it < 10000; it++ {
			if it%100 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			for _, u := range found {
				project(v, u)
			}
			if normalize64(v) == 0 {
				break
			}
			for a := 0; a < d; a++ {
				var s float64
				row := c[a*d : (a+1)*d]
				for b, x := range row {
					s += x * v[b]
				}
				w[a] = s
			}
			for _, u := range found {
				project(w, u)
			}
			lambda = normalize64(w)
			if lambda <= 1e-10*trace {
				break
			}
			var diff float64
			for j := range v {
				diff = math.Max(diff, math.Abs(w[j]-v[j]))
			}
			copy(v, w)
			if diff < 1e-12 {
				break
			}
		}
		if lambda <= 1e-10*trace || normalize64(v) == 0 {
			return nil, fmt.Errorf("static: CommonComponents: the corpus spans fewer than %d directions: %w", n, errs.ErrInvalidInput)
		}
		// Fix the sign: largest-magnitude component positive.
		big := 0
		for j := range v {
			if math.Abs(v[j]) > math.Abs(v[big]) {
				big = j
			}
		}
		if v[big] < 0 {
			for j := range v {
				v[j] = -v[j]
			}
		}
		u := append([]float64(nil), v...)
		found = append(found, u)
		f := make([]float32, d)
		for j, x := range u {
			f[j] = float32(x)
		}
		out = append(out, f)
	}
	return out, nil
}

func project(v, u []float64) {
	var p float64
	for j := range v {
		p += v[j] * u[j]
	}
	for j := range v {
		v[j] -= p * u[j]
	}
}

func normalize64(v []float64) float64 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	if ss == 0 {
		return 0
	}
	n := math.Sqrt(ss)
	for j := range v {
		v[j] /= n
	}
	return n
}
