// This file holds the input checks every index applies to vectors, queries
// and k, and the metric-specific preparation of a vector (normalisation).

package core

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"math"
)

// CheckDim validates a dimension given to an index constructor.
func CheckDim(dim int) error {
	if dim <= 0 || dim > index.MaxDim {
		return fmt.Errorf("index: dimension %d outside [1, %d]: %w", dim, index.MaxDim, errs.ErrInvalidInput)
	}
	return nil
}

// CheckMetric validates a metric given to an index constructor.
func CheckMetric(m index.Metric) error {
	if !m.Valid() {
		return fmt.Errorf("index: unknown metric %v: %w", m, errs.ErrInvalidInput)
	}
	return nil
}

// CheckCapacity validates a constructor's capacity hint of n vectors of
// dimension dim (already checked by CheckDim): n must be non-negative and
// n × dim must neither overflow nor exceed MaxComponents, so that the
// preallocation cannot panic. It returns an error wrapping
// errs.ErrInvalidOption naming WithCapacity.
func CheckCapacity(n, dim int) error {
	if n < 0 {
		return fmt.Errorf("index: WithCapacity(%d): negative: %w", n, errs.ErrInvalidOption)
	}
	// Division first: n × dim may overflow. The bytes must also fit an int
	// (a limit only on 32-bit platforms).
	if dim > 0 && (uint64(n) > index.MaxComponents/uint64(dim) || n > math.MaxInt/4/dim) {
		return fmt.Errorf("index: WithCapacity(%d) of dimension %d: exceeds %d components: %w", n, dim, uint64(index.MaxComponents), errs.ErrInvalidOption)
	}
	return nil
}

// CheckK validates the k of a search.
func CheckK(k int) error {
	if k <= 0 {
		return fmt.Errorf("index: k = %d, want k > 0: %w", k, errs.ErrInvalidInput)
	}
	return nil
}

// Prepare checks vec against dim and the metric and writes the form an index
// stores into dst (len(dst) == dim): a copy, normalised to unit length under
// Cosine. It returns an error wrapping errs.ErrDimension or
// errs.ErrInvalidVector (NaN, ±Inf, or a zero vector under Cosine), leaving
// dst unspecified.
func Prepare(dst, vec []float32, dim int, m index.Metric) error {
	if err := Check(vec, dim, m); err != nil {
		return err
	}
	if m != index.Cosine {
		copy(dst, vec)
		return nil
	}
	var ss float64
	for _, x := range vec {
		ss += float64(x) * float64(x)
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range vec {
		dst[i] = float32(float64(x) * inv)
	}
	return nil
}

// Check validates vec like Prepare without writing it anywhere.
func Check(vec []float32, dim int, m index.Metric) error {
	if len(vec) != dim {
		return fmt.Errorf("index: got %d, want %d: %w", len(vec), dim, errs.ErrDimension)
	}
	var ss float64
	for i, x := range vec {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("index: component %d is %v: %w", i, x, errs.ErrInvalidVector)
		}
		ss += f * f
	}
	if m == index.Cosine && ss == 0 {
		return fmt.Errorf("index: zero vector under cosine: %w", errs.ErrInvalidVector)
	}
	if m != index.Cosine && math.IsInf(float64(float32(ss)), 0) {
		return fmt.Errorf("index: squared norm overflows float32: %w", errs.ErrInvalidVector)
	}
	return nil
}
