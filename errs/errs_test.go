package errs

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// TestHierarchy checks that the specific sentinels are also their general
// ones, also when wrapped again, and that unrelated ones are not.
func TestHierarchy(t *testing.T) {
	for _, c := range []struct {
		err, is error
	}{
		{ErrDimension, ErrInvalidInput},
		{ErrInvalidVector, ErrInvalidInput},
		{ErrUnsupported, errors.ErrUnsupported},
		{ErrNotFound, fs.ErrNotExist},
		{ErrClosed, fs.ErrClosed},
	} {
		wrapped := fmt.Errorf("pkg: file x: field y: %w", c.err)
		if !errors.Is(wrapped, c.err) || !errors.Is(wrapped, c.is) {
			t.Errorf("%v is not %v", c.err, c.is)
		}
	}
	all := []error{ErrInvalidOption, ErrInvalidInput, ErrNonFinite, ErrNoKnownTokens, ErrCorrupt, ErrUnsupported, ErrNotFound, ErrClosed, ErrEncoderMismatch, ErrEncoder}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v is %v", a, b)
			}
		}
	}
}
