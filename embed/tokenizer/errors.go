// This file defines the errors returned by the tokenizer package.

package tokenizer

import (
	"errors"
	"fmt"
)

// ErrUnsupported reports a tokenizer.json component (normalizer,
// pre-tokenizer, model, post-processor, decoder or option) whose type this
// package does not implement. It is always wrapped with the type name, so
// test for it with errors.Is.
var ErrUnsupported = errors.New("tokenizer: unsupported component")

// ErrInvalidConfig reports a malformed, truncated or inconsistent
// tokenizer.json. It is wrapped by a *FieldError naming the offending field.
var ErrInvalidConfig = errors.New("tokenizer: invalid tokenizer.json")

// ErrInvalidOption reports an invalid Option: a negative length or one
// above MaxSequenceLength, an unknown truncation or padding strategy or
// direction, or a truncation stride the Rust library rejects.
var ErrInvalidOption = errors.New("tokenizer: invalid option")

// ErrEncode reports an input the tokenizer cannot encode under its current
// settings, such as a truncation strategy that needs a second sequence.
var ErrEncode = errors.New("tokenizer: cannot encode")

// FieldError locates a problem in a tokenizer.json file. Field is a dotted
// path such as "model.vocab" or "normalizer.normalizers[1].pattern".
type FieldError struct {
	Field string
	Err   error
	// Line and Column locate a JSON syntax error, truncation or trailing
	// data in the file (from 1, in bytes, as serde_json counts them; the
	// end of the data for a truncated file). Both are 0 for other errors.
	Line, Column int
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("tokenizer: field %q: %v", e.Field, e.Err)
}

// Unwrap returns the underlying error, so errors.Is sees ErrUnsupported and
// ErrInvalidConfig through it.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr builds a *FieldError wrapping ErrInvalidConfig with a message.
func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))}
}

// unsupported builds a *FieldError wrapping ErrUnsupported for a type name.
func unsupported(field, typ string) error {
	return &FieldError{Field: field, Err: fmt.Errorf("%w: type %q", ErrUnsupported, typ)}
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrEncode, fmt.Sprintf(format, args...))
}
