// Tests for CommonComponents against a Jacobi eigendecomposition.

package static

import (
	"context"
	"errors"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

// jacobiEigen returns the eigenvalues and eigenvectors (columns of v) of
// the symmetric matrix a (n×n, row-major) by cyclic Jacobi rotations.
func jacobiEigen(a []float64, n int) ([]float64, [][]float64) {
	a = append([]float64(nil), a...)
	v := make([]float64, n*n)
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off < 1e-30 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				if math.Abs(a[p*n+q]) < 1e-300 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * a[p*n+q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ {
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p], a[k*n+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := 0; k < n; k++ {
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k], a[q*n+k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := 0; k < n; k++ {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p], v[k*n+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	vecs := make([][]float64, n)
	for i := 0; i < n; i++ {
		vals[i] = a[i*n+i]
		vecs[i] = make([]float64, n)
		for k := 0; k < n; k++ {
			vecs[i][k] = v[k*n+i]
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(x, y int) bool { return vals[idx[x]] > vals[idx[y]] })
	sv := make([]float64, n)
	svecs := make([][]float64, n)
	for i, j := range idx {
		sv[i], svecs[i] = vals[j], vecs[j]
	}
	return sv, svecs
}

func TestCommonComponents(t *testing.T) {
	const dim = 7
	m, _ := randomModel(t, 60, dim, 11, WithSIF(0.01), WithNormalize(true))
	w := m.Words()
	var corpus []string
	for i := 0; i < 40; i++ {
		corpus = append(corpus, w[i]+" "+w[(i*7)%60]+" "+w[(i*13+5)%60]+" "+w[0])
	}
	corpus = append(corpus, "no known words here")
	pcs, err := m.CommonComponents(context.Background(), corpus, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Reference: Gram matrix of the un-normalised SIF sentence vectors.
	base, _ := m.With(WithNormalize(false))
	vecs, _ := base.Encode(context.Background(), corpus[:40])
	g := make([]float64, dim*dim)
	for _, v := range vecs {
		for a := range v {
			for b := range v {
				g[a*dim+b] += float64(v[a]) * float64(v[b])
			}
		}
	}
	vals, evs := jacobiEigen(g, dim)
	if vals[1]-vals[2] < 1e-3*vals[0] {
		t.Fatalf("test matrix has no eigengap: %v", vals)
	}
	for k := 0; k < 2; k++ {
		var dot float64
		for j := range evs[k] {
			dot += evs[k][j] * float64(pcs[k][j])
		}
		if math.Abs(math.Abs(dot)-1) > 1e-5 {
			t.Fatalf("component %d: |cos| with reference = %v", k, math.Abs(dot))
		}
		big := 0
		for j := range pcs[k] {
			if math.Abs(float64(pcs[k][j])) > math.Abs(float64(pcs[k][big])) {
				big = j
			}
		}
		if pcs[k][big] < 0 {
			t.Fatal("sign convention")
		}
	}
	// Removing the first component makes the corpus orthogonal to it.
	pm, err := m.With(WithCommonComponents(pcs[0]))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := pm.Encode(context.Background(), corpus[:5])
	for _, v := range out {
		var p float64
		for j := range v {
			p += float64(v[j]) * float64(pcs[0][j])
		}
		if math.Abs(p) > 1e-5 {
			t.Fatalf("projection left: %v", p)
		}
	}
	if _, err := m.CommonComponents(context.Background(), []string{"zz"}, 1); !errors.Is(err, errs.ErrNoKnownTokens) {
		t.Fatalf("no known: %v", err)
	}
	if _, err := m.CommonComponents(context.Background(), corpus, 0); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("n=0: %v", err)
	}
	if _, err := m.CommonComponents(context.Background(), []string{strings.Repeat(w[1]+" ", 3)}, 2); !errors.Is(err, errs.ErrInvalidInput) {
		t.Fatalf("rank-1 corpus, 2 components: %v", err)
	}
}
