// This file holds the input checks every index applies to vectors, queries
// and k, and the metric-specific preparation of a vector (normalisation).

package index

import (
	"fmt"
	"math"
)

// MaxDim is the largest vector dimension an index accepts.
const MaxDim = 1 << 16

// MaxComponents is the largest number of vector components (vectors × dim)
// an index preallocates or reads from a file: 2^40 float32s, 4 TiB. It
// bounds a capacity hint and the size a file may declare; whether the
// machine has that much memory is for the caller to judge.
const MaxComponents = 1 << 40

// CheckDim validates a dimension given to an index constructor.
func CheckDim(dim int) error {
	if dim <= 0 || dim > MaxDim {
		return fmt.Errorf("%w: dimension %d outside [1, %d]", ErrInvalidArgument, dim, MaxDim)
	}
	return nil
}

// CheckMetric validates a metric given to an index constructor.
func CheckMetric(m Metric) error {
	if !m.Valid() {
		return fmt.Errorf("%w: unknown metric %v", ErrInvalidArgument, m)
	}
	return nil
}

// CheckCapacity validates a constructor's capacity hint of n vectors of
// dimension dim (already checked by CheckDim): n must be non-negative and
// n × dim must neither overflow nor exceed MaxComponents, so that the
// preallocation cannot panic. It returns an error wrapping
// ErrInvalidArgument.
func CheckCapacity(n, dim int) error {
	if n < 0 {
		return fmt.Errorf("%w: capacity %d", ErrInvalidArgument, n)
	}
	// Division first: n × dim may overflow. The bytes must also fit an int
	// (a limit only on 32-bit platforms).
	if dim > 0 && (uint64(n) > MaxComponents/uint64(dim) || n > math.MaxInt/4/dim) {
		return fmt.Errorf("%w: capacity %d of dimension %d exceeds %d components", ErrInvalidArgument, n, dim, uint64(MaxComponents))
	}
	return nil
}

// CheckK validates the k of a search.
func CheckK(k int) error {
	if k <= 0 {
		return fmt.Errorf("%w: k = %d, want k > 0", ErrInvalidArgument, k)
	}
	return nil
}

// Prepare checks vec against dim and the metric and writes the form an index
// stores into dst (len(dst) == dim): a copy, normalised to unit length under
// Cosine. It returns an error wrapping ErrDimension, ErrInvalidVector or
// ErrZeroVector, leaving dst unspecified.
func Prepare(dst, vec []float32, dim int, m Metric) error {
	if err := Check(vec, dim, m); err != nil {
		return err
	}
	if m != Cosine {
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
func Check(vec []float32, dim int, m Metric) error {
	if len(vec) != dim {
		return fmt.Errorf("%w: got %d, want %d", ErrDimension, len(vec), dim)
	}
	var ss float64
	for i, x := range vec {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: component %d is %v", ErrInvalidVector, i, x)
		}
		ss += f * f
	}
	if m == Cosine && ss == 0 {
		return ErrZeroVector
	}
	if m != Cosine && math.IsInf(float64(float32(ss)), 0) {
		return fmt.Errorf("%w: squared norm overflows float32", ErrInvalidVector)
	}
	return nil
}
