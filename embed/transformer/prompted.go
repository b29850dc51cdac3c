// prompted.go holds Prompted: one loaded model encoding with a prompt other
// than its own, so that the query and passage encoders of an asymmetric
// model (E5, BGE, nomic) share one copy of the weights.

package transformer

import (
	"context"
	"sync"

	"github.com/ganada/ganada/embed"
)

// Prompted is a Model that prefixes every text with a prompt of the
// caller's choice, as sentence-transformers' encode(texts, prompt=...)
// does. It shares the Model's weights and buffers, costs nothing to make,
// and stays valid until the Model is closed; after that its calls return
// errors wrapping errs.ErrClosed. It is safe for concurrent use, alongside the Model and other
// Prompted views of it.
type Prompted struct {
	m  *Model
	pr promptSpec

	idOnce sync.Once
	id     embed.Identity
}

var (
	_ embed.Encoder    = (*Prompted)(nil)
	_ embed.Identifier = (*Prompted)(nil)
)

// Prompted returns m with prompt in place of its own (Prompt): "query: "
// and "passage: " for E5 models, for example. The empty prompt encodes the
// texts as they are. With include_prompt false in the pooling
// configuration, the prompt's tokens are left out of the pooling, as
// sentence-transformers does.
func (m *Model) Prompted(prompt string) (*Prompted, error) {
	pr, err := m.newPrompt(prompt)
	if err != nil {
		return nil, err
	}
	return &Prompted{m: m, pr: pr}, nil
}

// PromptedName is Prompted with the prompt named name in the model's
// config_sentence_transformers.json "prompts" (such as "query" or
// "passage"); a name the model does not list is an error.
func (m *Model) PromptedName(name string) (*Prompted, error) {
	p, err := m.namedPrompt(name)
	if err != nil {
		return nil, err
	}
	return m.Prompted(p)
}

// Encode is Model.Encode with p's prompt.
func (p *Prompted) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return p.m.encode(ctx, p.pr, texts)
}

// EncodeTokens is Model.EncodeTokens with p's prompt.
func (p *Prompted) EncodeTokens(ctx context.Context, texts []string) ([][][]float32, error) {
	return p.m.encodeTokens(ctx, p.pr, texts)
}

// Dim returns the length of the vectors Encode returns.
func (p *Prompted) Dim() int { return p.m.dim }

// Prompt returns the prefix p puts before every text.
func (p *Prompted) Prompt() string { return p.pr.text }

// Model returns the Model p encodes with.
func (p *Prompted) Model() *Model { return p.m }

// Identity is the Model's identity with p's prompt.
func (p *Prompted) Identity() embed.Identity {
	p.idOnce.Do(func() {
		p.id = p.m.Identity()
		p.id.Prompt = p.pr.text
	})
	return p.id
}
