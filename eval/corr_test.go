// Tests for Ranks, Pearson and Spearman against values computed by
// scipy.stats 1.10.1 (spearmanr, pearsonr, rankdata) and by hand.

package eval

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestRanks(t *testing.T) {
	got := Ranks([]float64{1, 1, 2, 2, 3, 3, 3, 10})
	want := []float64{1.5, 1.5, 3.5, 3.5, 6, 6, 6, 8}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Ranks = %v, want %v", got, want)
	}
	got = Ranks([]float64{0.3, 0.1, 0.9, 0.4, 0.4, 0.2})
	want = []float64{3, 1, 6, 4.5, 4.5, 2}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Ranks = %v, want %v", got, want)
	}
}

func TestCorrelationsScipy(t *testing.T) {
	cases := []struct {
		x, y              []float64
		spearman, pearson float64
	}{
		{[]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 0.8207826816681233, 0.8320502943378436},
		{[]float64{1, 1, 2, 2, 3, 3, 3, 10}, []float64{2.5, 0.1, 0.1, 4, 4, 4, 5, -1}, 0.14013023107737363, -0.4017228428076853},
		{[]float64{0.3, 0.1, 0.9, 0.4, 0.4, 0.2}, []float64{1, 0, 5, 2, 2, 3}, 0.6470588235294118, 0.8402575171829907},
		{
			[]float64{-0.8, -1.3, -0.2, 0.4, 1.1, 0.1, -0.6, -0.8, 0.7, 1.6, 0.3, -1.2, -1.0, 1.6, 0.2, -1.7, -0.1, -1.2, -0.6, -0.5, -0.7, 0.6, -0.1, -0.6, 0.4, 0.8, -1.6, -0.3, -1.0, -0.2, -1.3, 0.0, math.Copysign(0, -1), -0.3, -1.0, -0.4, -1.1, -1.4, 0.2, -1.1},
			[]float64{0.4, -0.6, -2.2, 0.7, math.Copysign(0, -1), 0.1, -0.6, -2.8, 0.5, 1.3, 1.3, -2.4, -0.3, 0.5, -0.1, -2.5, 1.3, -0.6, 1.8, 0.1, 0.1, 1.4, -0.7, -0.7, 1.8, 0.4, -1.4, -0.3, -0.4, -0.6, -1.5, 0.2, 0.1, -1.2, -0.1, -1.7, -2.3, -2.7, 1.2, -1.5},
			0.7073814007767348, 0.6413870193010887,
		},
	}
	for i, c := range cases {
		s, err := Spearman(c.x, c.y)
		if err != nil || math.Abs(s-c.spearman) > 1e-12 {
			t.Errorf("case %d: Spearman = %v, %v; scipy %v", i, s, err, c.spearman)
		}
		p, err := Pearson(c.x, c.y)
		if err != nil || math.Abs(p-c.pearson) > 1e-12 {
			t.Errorf("case %d: Pearson = %v, %v; scipy %v", i, p, err, c.pearson)
		}
	}
}

func TestSpearmanByHand(t *testing.T) {
	// No ties: ρ = 1 − 6Σd²/(n(n²−1)). x ranks 1..5, y ranks 2,1,4,3,5:
	// Σd² = 4, ρ = 1 − 24/120 = 0.8.
	s, err := Spearman([]float64{10, 20, 30, 40, 50}, []float64{0.2, 0.1, 0.4, 0.3, 0.9})
	if err != nil || math.Abs(s-0.8) > 1e-15 {
		t.Fatalf("Spearman = %v, %v", s, err)
	}
	s, _ = Spearman([]float64{1, 2, 3}, []float64{30, 20, 10})
	if s != -1 {
		t.Fatalf("reversed: %v", s)
	}
}

func TestCorrelationErrors(t *testing.T) {
	for _, c := range [][2][]float64{
		{{1}, {2}},
		{{1, 2}, {1}},
		{{1, 1, 1}, {1, 2, 3}},
		{{1, math.NaN()}, {1, 2}},
		{{1, 2}, {math.Inf(1), 2}},
	} {
		if _, err := Spearman(c[0], c[1]); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Spearman%v: %v", c, err)
		}
		if _, err := Pearson(c[0], c[1]); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("Pearson%v: %v", c, err)
		}
	}
}
