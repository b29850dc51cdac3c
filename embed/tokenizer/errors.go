// This file defines the errors returned by the tokenizer package.

package tokenizer

// Errors wrap the sentinels of package errs; test them with errors.Is:
//
//   - errs.ErrUnsupported: a tokenizer.json component (normalizer,
//     pre-tokenizer, model, post-processor, decoder or option) whose type
//     this package does not implement, inside a *FieldError with the type
//     name;
//   - errs.ErrCorrupt: a malformed, truncated or inconsistent
//     tokenizer.json, inside a *FieldError naming the offending field;
//   - errs.ErrInvalidOption: an invalid Option (a negative length or one
//     above MaxSequenceLength, an unknown truncation or padding strategy or
//     direction, a truncation stride the Rust library rejects);
//   - errs.ErrInvalidInput: an input the tokenizer cannot encode under its
//     current settings, such as a truncation strategy that needs a second
//     sequence, a text too long, or an unknown word whose unk token is not
//     in the vocabulary.

import (
	"fmt"

	"github.com/ganada/ganada/errs"
)

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

// Unwrap returns the underlying error, so errors.Is sees errs.ErrUnsupported
// and errs.ErrCorrupt through it.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr builds a *FieldError wrapping errs.ErrCorrupt with a message.
func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errs.ErrCorrupt)}
}

// unsupported builds a *FieldError wrapping errs.ErrUnsupported for a type
// name.
func unsupported(field, typ string) error {
	return &FieldError{Field: field, Err: fmt.Errorf("type %q: %w", typ, errs.ErrUnsupported)}
}

// errorf builds an encoding error, wrapping errs.ErrInvalidInput.
func errorf(format string, args ...any) error {
	return fmt.Errorf("tokenizer: %s: %w", fmt.Sprintf(format, args...), errs.ErrInvalidInput)
}
