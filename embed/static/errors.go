// This file declares the errors the package returns.

package static

import "errors"

// ErrMalformed reports a vector file or folder whose content does not
// follow its format: a bad header, a line with the wrong number of
// components, a number that does not parse, a truncated file, a checksum
// mismatch. The wrapping error names the place (line, word, offset).
var ErrMalformed = errors.New("static: malformed model data")

// ErrNonFinite reports a NaN or ±Inf component in a vector file, or in a
// sentence vector Encode computed from finite but huge vectors. Errors
// that wrap it also wrap ErrMalformed.
var ErrNonFinite = errors.New("static: non-finite vector component")

// ErrChecksum reports compact-format data whose checksum does not match its
// content. Errors that wrap it also wrap ErrMalformed.
var ErrChecksum = errors.New("static: checksum mismatch")

// ErrInvalidText reports an input text that is not valid UTF-8.
var ErrInvalidText = errors.New("static: text is not valid UTF-8")

// ErrInvalidOption reports an option value that cannot be used, such as a
// negative SIF parameter or a common component of the wrong length.
var ErrInvalidOption = errors.New("static: invalid option")
