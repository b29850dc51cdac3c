// Package embed defines the Encoder interface that turns texts into
// fixed-size vectors, and is the parent of its implementations:
//
//   - embed/tokenizer: Hugging Face tokenizer.json loading and encoding
//   - embed/transformer: BERT-family sentence-transformers models from safetensors
//   - embed/static: word-vector models (GloVe, word2vec, fastText, Model2Vec)
//
// Every Encoder is safe for concurrent use unless its documentation says
// otherwise. Errors from encoders wrap the sentinels of package
// github.com/ganada/ganada/errs: a text none of whose tokens the encoder
// knows, when the encoder reports it, is errs.ErrNoKnownTokens; text that
// is not valid UTF-8 is errs.ErrInvalidInput; an encoder output with NaN
// or ±Inf components is errs.ErrNonFinite.
package embed

import "context"

// Encoder turns texts into fixed-size vectors.
//
// Encode returns one vector of length Dim() per input text, in input order.
// An empty slice of texts yields an empty result and no error. A cancelled
// context stops the work and returns ctx.Err().
type Encoder interface {
	Encode(ctx context.Context, texts []string) ([][]float32, error)
	Dim() int
}

// Identity describes the embedding space an encoder produces. Two encoders
// with equal identities produce comparable vectors; vectors from encoders with
// different identities must not be mixed in one index.
type Identity struct {
	// Model names the model: a hub id such as
	// "sentence-transformers/all-MiniLM-L6-v2", or a descriptive name.
	Model string
	// Revision pins the weights: a hub commit, or a content hash of the files.
	Revision string
	// Dim is the length of the vectors the encoder returns.
	Dim int
	// Normalized reports whether returned vectors have unit L2 norm.
	Normalized bool
	// Prompt is the text prefix Encode applies to every input, if any.
	Prompt string
	// QueryPrompt and DocumentPrompt are the text prefixes a
	// QueryDocumentEncoder's EncodeQueries and EncodeDocuments apply (for a
	// hosted API that takes an input type instead, a description of it such
	// as "input_type=search_query"). Encoders that encode queries and
	// documents alike leave them empty.
	QueryPrompt, DocumentPrompt string
}

// Identifier is implemented by encoders that can describe their embedding
// space. Collections record it when saving and compare it when loading.
type Identifier interface {
	Identity() Identity
}
