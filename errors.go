// This file documents the errors of the root package. It declares none: the
// sentinels live in package errs, shared by every ganada package.

package ganada

// Errors. Every error a Collection (or NewCollection, Load, Read) returns
// wraps a sentinel of package [github.com/ganada/ganada/errs], with the
// details — the document, option, file or field — in its message, so
// callers test with errors.Is:
//
//   - NewCollection: errs.ErrInvalidInput (nil encoder, bad encoder
//     dimension, identity not valid UTF-8), errs.ErrInvalidOption (an
//     option's value, naming the option; index options are checked by the
//     index package they belong to).
//   - Add: errs.ErrInvalidInput (empty ID; ID, text or metadata not valid
//     UTF-8), the encoder's own error wrapped, errs.ErrEncoder (wrong
//     number or length of vectors; errs.ErrDimension too for the length),
//     errs.ErrInvalidVector (NaN or ±Inf component, zero vector under
//     Cosine, also wrapping embed's no-known-tokens error when the encoder
//     knows none of the text's words), the context's error.
//   - Delete: errs.ErrNotFound (an ID not stored), the context's error.
//   - Query: errs.ErrInvalidInput (k ≤ 0), errs.ErrInvalidOption (a query
//     option's value, such as WithQueryEf(0), WithHybrid(RRF(0)) or
//     WithRerank(nil, 5), or WithHybrid or WithLexicalOnly on a collection
//     made without WithLexical, or given to QueryVector), the encoder's
//     error, errs.ErrEncoder, errs.ErrInvalidVector, with WithRerank the
//     reranker's error, errs.ErrEncoder (a wrong number of scores) or
//     errs.ErrNonFinite (a NaN or infinite score), the context's error.
//   - QueryVector: errs.ErrInvalidInput (k ≤ 0), errs.ErrInvalidOption
//     (also WithRerank, which needs Query's text), errs.ErrDimension,
//     errs.ErrInvalidVector, the context's error.
//   - Save and WriteTo: the cause (a file system or writer error, or the
//     context's error for Save) wrapped.
//   - Load and Read: errs.ErrCorrupt (damaged, truncated or inconsistent
//     file, naming the section and field), errs.ErrUnsupported (a format
//     version this build does not read), errs.ErrEncoderMismatch (the
//     encoder's identity differs from the saved one, listing the
//     differences, or a saved lexical index whose analyzer is not the one
//     WithLexical gives), errs.ErrInvalidInput (nil encoder),
//     errs.ErrInvalidOption (an option the saved file fixes, or an index
//     option the saved index cannot change, naming it), the file system's
//     error (fs.ErrNotExist for a missing file), the context's error.
//   - Compact: the index's error, if any.
//
// errs.ErrDimension and errs.ErrInvalidVector are errs.ErrInvalidInput too.
