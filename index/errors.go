// This file declares the sentinel errors of the index packages. Every error
// an index returns wraps one of them, so callers test with errors.Is.

package index

import (
	"errors"
	"fmt"
)

var (
	// ErrDimension reports a vector whose length differs from the index
	// dimension.
	ErrDimension = errors.New("index: wrong vector dimension")
	// ErrInvalidVector reports a vector with NaN or ±Inf components, or one
	// that cannot be normalised.
	ErrInvalidVector = errors.New("index: invalid vector")
	// ErrZeroVector reports a zero vector under the Cosine metric, which has
	// no direction. It wraps ErrInvalidVector.
	ErrZeroVector = fmt.Errorf("%w: zero vector under cosine", ErrInvalidVector)
	// ErrNotFound reports an id that is not in the index.
	ErrNotFound = errors.New("index: id not found")
	// ErrInvalidArgument reports a bad parameter: k ≤ 0, a non-positive
	// dimension, an unknown metric, mismatched batch lengths, a bad option.
	ErrInvalidArgument = errors.New("index: invalid argument")
	// ErrCorrupt reports serialised data that is truncated, fails its
	// checksum, or describes an impossible index.
	ErrCorrupt = errors.New("index: corrupt data")
	// ErrEmpty reports an operation on an index value that was never
	// initialised by New or ReadFrom. Delete on such a value returns an
	// error wrapping both ErrNotFound (no id is present) and ErrEmpty;
	// Contains and Vector treat every id as absent.
	ErrEmpty = errors.New("index: uninitialised index")
)
