// This file tests the matryoshka example's measurements on synthetic
// vectors whose structure is known, and runs it with the embedded model.

package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ganada/ganada/examples/internal/models"
)

// synthetic returns n unit-free vectors of dimension dim whose component i
// has standard deviation scale(i).
func synthetic(n, dim int, seed uint64, scale func(i int) float64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float32, n)
	for k := range out {
		v := make([]float32, dim)
		for i := range v {
			v[i] = float32(r.NormFloat64() * scale(i))
		}
		out[k] = v
	}
	return out
}

func TestCompareSeesWhereTheInformationIs(t *testing.T) {
	const dim = 64
	// Leading components carry most of the variance, as after Matryoshka
	// training: the first 16 must agree with the full vectors far better
	// than 16 random ones.
	decay := func(i int) float64 { return math.Exp(-float64(i) / 6) }
	q, d := synthetic(12, dim, 1, decay), synthetic(60, dim, 2, decay)
	r, err := compare(q, d, dim, 16, 3)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spearman < 99 || r.Spearman-r.Random < 10 {
		t.Fatalf("decaying spectrum: first-16 Spearman %.1f, random %.1f", r.Spearman, r.Random)
	}
	if r.Overlap < 0.9 {
		t.Fatalf("decaying spectrum: top-3 overlap %.2f", r.Overlap)
	}
	// Isotropic vectors: every subset is as good as any other.
	flat := func(int) float64 { return 1 }
	q, d = synthetic(12, dim, 3, flat), synthetic(60, dim, 4, flat)
	r, err = compare(q, d, dim, 16, 3)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Spearman-r.Random) > 12 || r.Spearman > 80 {
		t.Fatalf("isotropic: first-16 Spearman %.1f, random %.1f", r.Spearman, r.Random)
	}
	// At full size everything agrees.
	r, err = compare(q, d, dim, dim, 3)
	if err != nil || math.Abs(r.Spearman-100) > 1e-9 || r.Overlap != 1 || r.Rerank != 1 {
		t.Fatalf("full size: %+v, %v", r, err)
	}
}

func TestParseDims(t *testing.T) {
	got, _ := parseDims("", 100)
	if !reflect.DeepEqual(got, []int{50, 25, 12}) {
		t.Fatalf("default dims for 100: %v", got)
	}
	got, _ = parseDims("64, 8", 384)
	if !reflect.DeepEqual(got, []int{64, 8}) {
		t.Fatalf("-dims 64,8: %v", got)
	}
	for _, bad := range []string{"0", "385", "x"} {
		if _, err := parseDims(bad, 384); err == nil {
			t.Errorf("-dims %s accepted", bad)
		}
	}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	m, err := models.Load(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, &out, m, []int{50, 10}, 3); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"100 dimensions", "\n    50        200", "\n    10         40", "Matryoshka loss"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
