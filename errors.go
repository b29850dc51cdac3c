// This file declares the sentinel errors of the root package. Every error a
// Collection returns wraps one of them (or one of package index's, which
// ErrDimension and ErrInvalidVector alias), so callers test with errors.Is.

package ganada

import (
	"errors"

	"github.com/ganada/ganada/index"
)

var (
	// ErrEncoderMismatch reports loading a saved collection with an encoder
	// whose identity (model, revision, dimension, normalisation or prompt)
	// differs from the one the collection was built with: vectors from two
	// embedding spaces must not be compared. The error message says which
	// fields differ.
	ErrEncoderMismatch = errors.New("ganada: encoder does not match the collection's")

	// ErrCorrupt reports a saved collection that is truncated, fails a
	// checksum, or describes an impossible collection. Errors raised by the
	// embedded index's reader also wrap index.ErrCorrupt.
	ErrCorrupt = errors.New("ganada: corrupt collection data")

	// ErrInvalidDocument reports a document that cannot be added: an empty
	// ID, or an ID, text or metadata that is not valid UTF-8.
	ErrInvalidDocument = errors.New("ganada: invalid document")

	// ErrInvalidArgument reports a bad parameter: k ≤ 0, a bad option, or an
	// option that Load cannot change. NewCollection and Load check options
	// alike; an error about an index parameter (metric, M, efConstruction,
	// efSearch) also wraps index.ErrInvalidArgument.
	ErrInvalidArgument = errors.New("ganada: invalid argument")

	// ErrNotFound reports a document ID that is not in the collection.
	ErrNotFound = errors.New("ganada: document not found")

	// ErrEncoder reports an encoder that broke its contract: it returned a
	// different number of vectors than texts, or vectors of the wrong
	// length. (Errors the encoder itself returns are passed on wrapped, not
	// replaced by this one.)
	ErrEncoder = errors.New("ganada: encoder misbehaved")

	// ErrDimension reports a vector whose length differs from the
	// collection's dimension. It is index.ErrDimension.
	ErrDimension = index.ErrDimension

	// ErrInvalidVector reports a vector with NaN or ±Inf components, or a
	// zero vector under the Cosine metric (which the index cannot
	// normalise; a word-vector encoder returns one for a text with no known
	// word). It is index.ErrInvalidVector; zero vectors also wrap
	// index.ErrZeroVector, and, when the encoder (a static.Model) knows
	// none of the text's words, embed.ErrNoKnownTokens.
	ErrInvalidVector = index.ErrInvalidVector
)
