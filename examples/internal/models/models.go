// Package models loads the encoder an example program runs with, from the
// value of its -model flag, so that every example accepts the same kinds of
// model:
//
//   - "" (the default): the embedded English GloVe model (embed/static/glove);
//   - a word-vector file (GloVe or word2vec text, word2vec binary, fastText
//     .vec, ganada's compact format) or a Model2Vec folder: embed/static;
//   - a Hugging Face model folder (with config.json), or a hub id such as
//     sentence-transformers/all-MiniLM-L6-v2: embed/transformer.
//
// and the value of its -prompts flag, for models whose query and document
// prompts are not in their configuration (embed.WithPrompts).
package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/tokenizer"
)

// FlagUsage describes the -model flag.
const FlagUsage = `model: a Hugging Face hub id (e.g. sentence-transformers/all-MiniLM-L6-v2, ` +
	`sentence-transformers/all-mpnet-base-v2, sentence-transformers/msmarco-distilbert-base-v4, ` +
	`Alibaba-NLP/gte-modernbert-base, nomic-ai/nomic-embed-text-v1.5, Alibaba-NLP/gte-base-en-v1.5, jinaai/jina-embeddings-v2-small-en, jinaai/jina-embeddings-v3), ` +
	`a local model folder, or a word-vector file; empty for the embedded English GloVe model`

// PromptsUsage describes the -prompts flag.
const PromptsUsage = `query and document prompts for a model whose configuration has none, as "QUERY|DOCUMENT" ` +
	`(multilingual-e5: "query: |passage: "); empty for the model's own`

// Model is a loaded encoder with what the examples need to know about it.
// It is an embed.QueryDocumentEncoder, so that a Collection built on it
// encodes queries and documents as the model (or -prompts) says.
type Model struct {
	embed.Encoder
	// Name is the model's name for printing.
	Name string
	// Static is the model when it is a word-vector model, else nil.
	Static *static.Model
	// Tokenizer is the model's tokenizer when it is a transformer, else nil.
	Tokenizer *tokenizer.Tokenizer
	// MaxTokens is the transformer's maximum sequence length in tokens
	// (special tokens included); 0 for word-vector models, which have none.
	MaxTokens int
	// QueryPrompt and DocPrompt are what the encoder puts before queries
	// and documents (see ganada.EncoderIdentity), for printing and for
	// counting the tokens a document has left.
	QueryPrompt, DocPrompt string
}

// EncodeQueries encodes texts as queries (embed.EncodeQueries).
func (m *Model) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return embed.EncodeQueries(ctx, m.Encoder, texts)
}

// EncodeDocuments encodes texts as documents (embed.EncodeDocuments).
func (m *Model) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return embed.EncodeDocuments(ctx, m.Encoder, texts)
}

// Identity passes on the encoder's identity (see embed.Identifier), so that
// collections built on a Model record the model, not this wrapper.
func (m *Model) Identity() embed.Identity {
	return embed.IdentityOf(m.Encoder)
}

// Load loads the model spec names with prompts, the value of a -prompts
// flag (see the package documentation).
func Load(ctx context.Context, spec, prompts string) (*Model, error) {
	m, err := load(ctx, spec)
	if err != nil {
		return nil, err
	}
	if prompts != "" {
		q, d, ok := strings.Cut(prompts, "|")
		if !ok {
			return nil, fmt.Errorf("-prompts %q: want QUERY|DOCUMENT", prompts)
		}
		if m.Encoder, err = embed.WithPrompts(m.Encoder, q, d); err != nil {
			return nil, err
		}
	}
	id := embed.IdentityOf(m.Encoder)
	m.QueryPrompt, m.DocPrompt = id.Prompt, id.Prompt
	if _, ok := m.Encoder.(embed.QueryDocumentEncoder); ok {
		m.QueryPrompt, m.DocPrompt = id.QueryPrompt, id.DocumentPrompt
	}
	return m, nil
}

func load(ctx context.Context, spec string) (*Model, error) {
	if spec == "" {
		m, err := glove.Load()
		if err != nil {
			return nil, err
		}
		return &Model{Encoder: m, Name: glove.Default + " (embedded GloVe)", Static: m}, nil
	}
	fi, statErr := os.Stat(spec)
	switch {
	case statErr == nil && fi.IsDir():
		if _, err := os.Stat(filepath.Join(spec, "config.json")); err == nil {
			if _, err := os.Stat(filepath.Join(spec, "0_StaticEmbedding")); err != nil {
				return loadTransformer(ctx, spec, false)
			}
		}
		return loadStatic(ctx, spec)
	case statErr == nil:
		return loadStatic(ctx, spec)
	case isHubID(spec):
		return loadTransformer(ctx, spec, true)
	}
	return nil, fmt.Errorf("model %q: no such file or folder, and not a Hugging Face hub id (org/name)", spec)
}

func isHubID(s string) bool {
	id, _, _ := strings.Cut(s, "@")
	return strings.Contains(id, "/") && hub.ValidRepoID(id)
}

func loadStatic(ctx context.Context, path string) (*Model, error) {
	m, err := static.Load(ctx, path, static.WithNormalize(true))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return &Model{Encoder: m, Name: m.Identity().Model, Static: m}, nil
}

// downloadHint explains what to do when a hub model cannot be fetched.
func downloadHint(id string, err error) error {
	var name = id
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	return &HintError{Err: err, Hint: fmt.Sprintf(`The model %s is not in the Hugging Face cache (%s)
and could not be downloaded from the hub. Either
  - run this once with network access: the files are then cached, and later
    runs work offline (set HF_HUB_OFFLINE=1 to forbid the network); or
  - copy the model folder onto this machine, for example from one with
    network access:
        git clone https://huggingface.co/%s   (needs git-lfs)
    or  huggingface-cli download %s --local-dir DIR
    and pass its path: -model DIR`, id, hub.CacheDir(), name, name)}
}

// HintError is an error with advice for the person running the example.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() + "\n\n" + e.Hint }
func (e *HintError) Unwrap() error { return e.Err }

// IsHint reports whether err carries advice (see HintError).
func IsHint(err error) bool {
	var h *HintError
	return errors.As(err, &h)
}
