// querydoc.go holds the interface of encoders that encode search queries
// and the documents searched differently, the two functions that use it
// when it is there, and WithPrompts, which gives that behaviour to an
// encoder that has none.

package embed

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// QueryDocumentEncoder is implemented by encoders of asymmetric retrieval
// models, which encode a search query and the documents it is searched
// against differently: E5's "query: " and "passage: " prompts, Qwen3's
// instruction before queries, a hosted API's input type. It mirrors
// sentence-transformers' encode_query and encode_document.
//
// Encode stays the model's plain encoding (its default prompt, if any).
// Use EncodeQueries and EncodeDocuments, the functions, to encode with any
// Encoder.
type QueryDocumentEncoder interface {
	Encoder
	// EncodeQueries encodes texts as search queries.
	EncodeQueries(ctx context.Context, texts []string) ([][]float32, error)
	// EncodeDocuments encodes texts as the documents searched.
	EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error)
}

// Prompter is implemented by encoders that can put a text prompt before
// every input themselves, in place of any prompt of their own. WithPrompts
// uses it, so that an encoder whose pooling leaves the prompt's tokens out
// (sentence-transformers' include_prompt false) can do so.
type Prompter interface {
	EncodePrompted(ctx context.Context, prompt string, texts []string) ([][]float32, error)
}

// EncodeQueries encodes texts as search queries: with enc's EncodeQueries
// if enc is a QueryDocumentEncoder, otherwise with its Encode.
func EncodeQueries(ctx context.Context, enc Encoder, texts []string) ([][]float32, error) {
	if qd, ok := enc.(QueryDocumentEncoder); ok {
		return qd.EncodeQueries(ctx, texts)
	}
	return enc.Encode(ctx, texts)
}

// EncodeDocuments encodes texts as the documents searched: with enc's
// EncodeDocuments if enc is a QueryDocumentEncoder, otherwise with its
// Encode.
func EncodeDocuments(ctx context.Context, enc Encoder, texts []string) ([][]float32, error) {
	if qd, ok := enc.(QueryDocumentEncoder); ok {
		return qd.EncodeDocuments(ctx, texts)
	}
	return enc.Encode(ctx, texts)
}

// WithPrompts returns enc as a QueryDocumentEncoder that puts query before
// every query and document before every document, for models whose
// prompts are not in their configuration: WithPrompts(enc, "query: ",
// "passage: ") for the E5 models, WithPrompts(enc, "Represent this
// sentence for searching relevant passages: ", "") for BGE's English ones.
// Its Encode applies no prompt.
//
// A prompt is applied once: an enc that already applies prompts of its
// own (its Identity has a Prompt, QueryPrompt or DocumentPrompt) is an
// error wrapping errs.ErrInvalidOption, as are prompts that are not valid
// UTF-8. The result implements Identifier: enc's identity (see
// IdentityOf) with QueryPrompt and DocumentPrompt set.
func WithPrompts(enc Encoder, query, document string) (QueryDocumentEncoder, error) {
	if enc == nil {
		return nil, fmt.Errorf("embed: WithPrompts(nil, %q, %q): %w: no encoder", query, document, errs.ErrInvalidOption)
	}
	if !utf8.ValidString(query) || !utf8.ValidString(document) {
		return nil, fmt.Errorf("embed: WithPrompts(%q, %q): %w: not valid UTF-8", query, document, errs.ErrInvalidOption)
	}
	id := IdentityOf(enc)
	if id.Prompt != "" || id.QueryPrompt != "" || id.DocumentPrompt != "" {
		return nil, fmt.Errorf("embed: WithPrompts(%q, %q): %w: %s already applies prompts (prompt %q, query prompt %q, document prompt %q)",
			query, document, errs.ErrInvalidOption, id.Model, id.Prompt, id.QueryPrompt, id.DocumentPrompt)
	}
	id.QueryPrompt, id.DocumentPrompt = query, document
	p := &prompted{enc: enc, query: query, document: document, id: id}
	p.prompter, _ = enc.(Prompter)
	return p, nil
}

// IdentityOf returns enc's Identity if it implements Identifier, otherwise
// one naming enc's Go type (as fmt's %T prints it, e.g. "*main.myEncoder")
// with its Dim and no revision. Encoders of the second kind are told apart
// only by type and dimension, so two differently configured values of one
// type look alike; implement Identifier to be safe.
func IdentityOf(enc Encoder) Identity {
	if ider, ok := enc.(Identifier); ok {
		return ider.Identity()
	}
	return Identity{Model: fmt.Sprintf("%T", enc), Dim: enc.Dim()}
}

// prompted is the encoder WithPrompts returns.
type prompted struct {
	enc             Encoder
	prompter        Prompter // enc, if it applies prompts itself
	query, document string
	id              Identity
}

func (p *prompted) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return p.enc.Encode(ctx, texts)
}

func (p *prompted) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return p.encode(ctx, p.query, texts)
}

func (p *prompted) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return p.encode(ctx, p.document, texts)
}

func (p *prompted) encode(ctx context.Context, prompt string, texts []string) ([][]float32, error) {
	if prompt == "" {
		return p.enc.Encode(ctx, texts)
	}
	if p.prompter != nil {
		return p.prompter.EncodePrompted(ctx, prompt, texts)
	}
	in := make([]string, len(texts))
	for i, t := range texts {
		in[i] = prompt + t
	}
	return p.enc.Encode(ctx, in)
}

func (p *prompted) Dim() int { return p.enc.Dim() }

func (p *prompted) Identity() Identity { return p.id }
