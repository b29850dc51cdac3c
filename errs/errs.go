// Package errs is the error vocabulary of every ganada package: each error
// a ganada function returns wraps one of these sentinels (with the
// details — the file, field, option or value — in its message), so a
// caller tests for a kind of failure with errors.Is, whichever package it
// came from:
//
//	if errors.Is(err, errs.ErrCorrupt) { ... } // a model file, tokenizer.json or saved collection is damaged
//
// Specific sentinels wrap general ones: ErrDimension and ErrInvalidVector
// are ErrInvalidInput too, ErrUnsupported is errors.ErrUnsupported,
// ErrNotFound is fs.ErrNotExist and ErrClosed is fs.ErrClosed.
package errs

import (
	"errors"
	"fmt"
	"io/fs"
)

var (
	// ErrInvalidOption reports an option whose value is out of range or
	// conflicts with another option. The message names the option and
	// the value: "hnsw: WithM(1): outside [2, 256]".
	ErrInvalidOption = errors.New("invalid option")

	// ErrInvalidInput reports a bad argument to a call: k ≤ 0, an empty
	// document ID, text that is not valid UTF-8, a token id outside the
	// vocabulary.
	ErrInvalidInput = errors.New("invalid input")

	// ErrDimension reports a vector whose length differs from the index's
	// or the encoder's dimension. It is also ErrInvalidInput.
	ErrDimension = fmt.Errorf("wrong vector dimension: %w", ErrInvalidInput)

	// ErrInvalidVector reports a vector that cannot be stored or searched:
	// a NaN or ±Inf component, or a zero vector under the cosine metric. It
	// is also ErrInvalidInput.
	ErrInvalidVector = fmt.Errorf("invalid vector: %w", ErrInvalidInput)

	// ErrNonFinite reports an encoder output with a NaN or ±Inf component
	// (model weights that overflow, for example); the message names the
	// input.
	ErrNonFinite = errors.New("non-finite vector component")

	// ErrNoKnownTokens reports a text none of whose tokens is in the
	// encoder's vocabulary, so that it has no meaningful vector.
	ErrNoKnownTokens = errors.New("text has no known tokens")

	// ErrCorrupt reports data read from a file or stream — a model's
	// weights or configuration, a tokenizer.json, word vectors, a saved
	// index or collection, a hub's answer — that is malformed, truncated,
	// inconsistent, out of bounds or fails its checksum. The message names
	// the file and the field.
	ErrCorrupt = errors.New("corrupt data")

	// ErrUnsupported reports valid input that this version does not
	// handle: a model architecture, a tokenizer component, a tensor dtype,
	// a file format version. It is also errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("%w", errors.ErrUnsupported)

	// ErrNotFound reports a document, id, file or hub entry that is not
	// there. It is also fs.ErrNotExist.
	ErrNotFound = fmt.Errorf("%w", fs.ErrNotExist)

	// ErrClosed reports a call on a model or collection after its Close.
	// It is also fs.ErrClosed.
	ErrClosed = fmt.Errorf("%w", fs.ErrClosed)

	// ErrEncoderMismatch reports opening a saved collection with an encoder
	// whose identity (model, revision, dimension, normalisation or
	// prompts) differs from the one it was built with: vectors from two
	// embedding spaces must not be compared. The message lists the
	// differences.
	ErrEncoderMismatch = errors.New("encoder does not match the collection's")

	// ErrEncoder reports an encoder that broke the embed.Encoder contract:
	// a different number of vectors than texts, or vectors of the wrong
	// length.
	ErrEncoder = errors.New("encoder misbehaved")
)
