// This file tests truncation against a float64 reference and checks the
// errors.

package matryoshka

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/similarity"
)

// refTruncate is F.normalize(v[:dim]) in float64.
func refTruncate(v []float32, dim int) []float64 {
	var ss float64
	for _, x := range v[:dim] {
		ss += float64(x) * float64(x)
	}
	n := math.Sqrt(ss)
	out := make([]float64, dim)
	for i, x := range v[:dim] {
		out[i] = float64(x) / n
	}
	return out
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func TestTruncateMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 64, 384, 768, 1024} {
		for _, dim := range []int{1, 2, 32, 64, 128, 256, 512, 768, 1024} {
			if dim > n {
				continue
			}
			v := randVec(r, n)
			orig := append([]float32(nil), v...)
			want := refTruncate(v, dim)
			got, err := Truncate(v, dim)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != dim {
				t.Fatalf("len = %d, want %d", len(got), dim)
			}
			for i := range got {
				if math.Abs(float64(got[i])-want[i]) > 1e-6 {
					t.Fatalf("n=%d dim=%d: [%d] = %g, want %g", n, dim, i, got[i], want[i])
				}
			}
			for i := range v {
				if v[i] != orig[i] {
					t.Fatalf("Truncate modified its input")
				}
			}
			// The result does not alias v.
			got[0] = 12345
			if v[0] == 12345 {
				t.Fatalf("Truncate result aliases its input")
			}

			w, err := TruncateInPlace(v, dim)
			if err != nil {
				t.Fatal(err)
			}
			if &w[0] != &v[0] || len(w) != dim {
				t.Fatalf("TruncateInPlace did not return v[:dim]")
			}
			for i := range w {
				if math.Abs(float64(w[i])-want[i]) > 1e-6 {
					t.Fatalf("in place n=%d dim=%d: [%d] = %g, want %g", n, dim, i, w[i], want[i])
				}
			}
			for i := dim; i < n; i++ {
				if v[i] != orig[i] {
					t.Fatalf("TruncateInPlace touched components past dim")
				}
			}
		}
	}
}

func TestTruncateAll(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	vs := [][]float32{randVec(r, 768), randVec(r, 768), randVec(r, 512)}
	out, err := TruncateAll(vs, 256)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 {
		t.Fatalf("%d vectors", len(out))
	}
	for i, o := range out {
		want := refTruncate(vs[i], 256)
		if len(o) != 256 || cap(o) != 256 {
			t.Fatalf("vector %d: len %d cap %d", i, len(o), cap(o))
		}
		for j := range o {
			if math.Abs(float64(o[j])-want[j]) > 1e-6 {
				t.Fatalf("vector %d: [%d] = %g, want %g", i, j, o[j], want[j])
			}
		}
	}
	// Appending to one result must not overwrite the next.
	next := out[1][0]
	_ = append(out[0], 12345)
	if out[1][0] != next {
		t.Fatalf("appending to one result overwrote the next")
	}
	if got, err := TruncateAll(nil, 8); err != nil || len(got) != 0 {
		t.Errorf("TruncateAll(nil) = %v, %v", got, err)
	}
}

func TestErrors(t *testing.T) {
	v := []float32{3, 4, 0}
	for _, dim := range []int{0, -1, 4} {
		if _, err := Truncate(v, dim); !isBadDim(err) {
			t.Errorf("Truncate dim=%d: err = %v, want ErrInvalidInput (dimension)", dim, err)
		}
		if _, err := TruncateInPlace(v, dim); !isBadDim(err) {
			t.Errorf("TruncateInPlace dim=%d: err = %v, want ErrInvalidInput (dimension)", dim, err)
		}
	}
	if _, err := Truncate(nil, 1); !isBadDim(err) {
		t.Errorf("Truncate(nil): err = %v", err)
	}
	// A prefix of zeros, though the whole vector is not zero.
	z := []float32{0, 0, 5}
	if _, err := Truncate(z, 2); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("zero prefix: err = %v, want ErrInvalidVector", err)
	}
	if _, err := TruncateInPlace(z, 2); !errors.Is(err, errs.ErrInvalidVector) || z[2] != 5 {
		t.Errorf("zero prefix in place: err = %v", err)
	}
	nan := []float32{1, float32(math.NaN()), 1}
	if _, err := Truncate(nan, 2); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("NaN: err = %v, want ErrInvalidVector", err)
	}
	// NaN past dim does not matter.
	if got, err := Truncate(nan, 1); err != nil || got[0] != 1 {
		t.Errorf("NaN past dim: %v, %v", got, err)
	}
	inf := []float32{float32(math.Inf(-1)), 2}
	orig := append([]float32(nil), inf...)
	if _, err := TruncateInPlace(inf, 2); !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("Inf: err = %v, want ErrInvalidVector", err)
	}
	if inf[0] != orig[0] || inf[1] != orig[1] {
		t.Errorf("TruncateInPlace changed v on error")
	}
	_, err := TruncateAll([][]float32{{1, 2}, {0, 0, 1}, {1}}, 2)
	if !errors.Is(err, errs.ErrInvalidVector) {
		t.Errorf("TruncateAll zero: err = %v", err)
	}
	if _, err := TruncateAll([][]float32{{1, 2}, {1}}, 2); !isBadDim(err) {
		t.Errorf("TruncateAll short vector: err = %v", err)
	}
	if _, err := TruncateAll([][]float32{{1, 2}}, 0); !isBadDim(err) {
		t.Errorf("TruncateAll dim 0: err = %v", err)
	}
}

// TestTruncationSemantics: when two vectors differ
// only past dim, their truncations are identical; truncation to the full
// length is plain normalisation.
func TestTruncationSemantics(t *testing.T) {
	a := []float32{1, 2, 3, 9, 9}
	b := []float32{1, 2, 3, -9, 0}
	ta, _ := Truncate(a, 3)
	tb, _ := Truncate(b, 3)
	if c := similarity.Cosine(ta, tb); c < 0.9999999 {
		t.Errorf("cosine of truncations = %g, want 1", c)
	}
	// Truncation to the full length is plain normalisation.
	full, _ := Truncate(a, len(a))
	n := append([]float32(nil), a...)
	if err := similarity.Normalize(n); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if full[i] != n[i] {
			t.Fatalf("Truncate(v, len(v)) != Normalize(v)")
		}
	}
}

// isBadDim reports whether err is Truncate's error for a dimension outside
// 1..len(v): invalid input, but not an invalid vector.
func isBadDim(err error) bool {
	return errors.Is(err, errs.ErrInvalidInput) && !errors.Is(err, errs.ErrInvalidVector)
}
