// This file computes Pearson and Spearman correlations and average ranks.

package eval

import (
	"fmt"
	"math"
	"sort"

	"github.com/ganada/ganada/errs"
)

// Ranks returns the 1-based ranks of x in ascending order, giving tied
// values the average of the ranks they span (scipy.stats.rankdata's
// "average" method). NaN values are not allowed (their rank is undefined);
// callers check first.
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}

func checkPairs(x, y []float64) error {
	if len(x) != len(y) {
		return fmt.Errorf("eval: correlation undefined: %d and %d values: %w", len(x), len(y), errs.ErrInvalidInput)
	}
	if len(x) < 2 {
		return fmt.Errorf("eval: correlation undefined: %d points: %w", len(x), errs.ErrInvalidInput)
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return fmt.Errorf("eval: correlation undefined: non-finite value at %d: %w", i, errs.ErrInvalidInput)
		}
	}
	return nil
}

// Pearson returns the Pearson correlation coefficient of x and y, in
// [-1, 1], computed in float64 with centred sums.
func Pearson(x, y []float64) (float64, error) {
	if err := checkPairs(x, y); err != nil {
		return 0, err
	}
	return pearson(x, y)
}

func pearson(x, y []float64) (float64, error) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, fmt.Errorf("eval: correlation undefined: constant input: %w", errs.ErrInvalidInput)
	}
	r := sxy / math.Sqrt(sxx*syy)
	return math.Max(-1, math.Min(1, r)), nil
}

// Spearman returns Spearman's rank correlation of x and y: the Pearson
// correlation of their average ranks (see Ranks), as scipy.stats.spearmanr
// computes it.
func Spearman(x, y []float64) (float64, error) {
	if err := checkPairs(x, y); err != nil {
		return 0, err
	}
	return pearson(Ranks(x), Ranks(y))
}
