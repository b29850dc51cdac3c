// This file holds the truncation functions and their errors.

package matryoshka

import (
	"fmt"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/similarity"
)

func checkDim(n, dim int) error {
	if dim <= 0 || dim > n {
		return fmt.Errorf("matryoshka: cannot truncate a %d-dimensional vector to %d: %w", n, dim, errs.ErrInvalidInput)
	}
	return nil
}

// Truncate returns a new slice holding the first dim components of v
// scaled to unit L2 norm; v is not modified. It returns an error wrapping
// errs.ErrInvalidInput when dim is not in 1..len(v), and errs.ErrInvalidVector
// when the kept components are all zero or hold NaN or Inf. (sentence-transformers would return a zero vector for a zero
// prefix; an error is more useful than a vector that matches nothing.)
func Truncate(v []float32, dim int) ([]float32, error) {
	if err := checkDim(len(v), dim); err != nil {
		return nil, err
	}
	out := make([]float32, dim)
	copy(out, v)
	if err := similarity.Normalize(out); err != nil {
		return nil, fmt.Errorf("matryoshka: %w", err)
	}
	return out, nil
}

// TruncateInPlace is Truncate without the copy: it normalises v[:dim] in
// place and returns it. On error v is left unchanged.
func TruncateInPlace(v []float32, dim int) ([]float32, error) {
	if err := checkDim(len(v), dim); err != nil {
		return nil, err
	}
	w := v[:dim]
	if err := similarity.Normalize(w); err != nil {
		return nil, fmt.Errorf("matryoshka: %w", err)
	}
	return w, nil
}

// TruncateAll truncates every vector of vs to dim components and
// renormalises them, returning new slices that share one allocation; vs is
// not modified. It fails on the first vector Truncate would reject, naming
// its index, and then returns no vectors.
func TruncateAll(vs [][]float32, dim int) ([][]float32, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("matryoshka: cannot truncate to %d: %w", dim, errs.ErrInvalidInput)
	}
	backing := make([]float32, len(vs)*dim)
	out := make([][]float32, len(vs))
	for i, v := range vs {
		if err := checkDim(len(v), dim); err != nil {
			return nil, fmt.Errorf("matryoshka: vector %d: %w", i, err)
		}
		w := backing[i*dim : (i+1)*dim : (i+1)*dim]
		copy(w, v)
		if err := similarity.Normalize(w); err != nil {
			return nil, fmt.Errorf("matryoshka: vector %d: %w", i, err)
		}
		out[i] = w
	}
	return out, nil
}
