// prompts.go holds how a Model applies prompts: its default prompt in
// Encode, the query and document prompts of its
// config_sentence_transformers.json in EncodeQueries and EncodeDocuments
// (embed.QueryDocumentEncoder), and a caller's prompt in EncodePrompted
// (embed.Prompter), which embed.WithPrompts uses for models whose prompts
// are not in their configuration.

package transformer

import (
	"context"
	"fmt"
	"maps"
	"sort"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/errs"
)

var (
	_ embed.QueryDocumentEncoder = (*Model)(nil)
	_ embed.Prompter             = (*Model)(nil)
)

// promptSpec is a prompt and, when pooling excludes the prompt, its length
// in tokens.
type promptSpec struct {
	text   string
	tokens int
}

// EncodeQueries encodes texts as search queries, as sentence-transformers'
// encode_query does: with the prompt named "query" in the model's
// config_sentence_transformers.json (or, failing that, "search_query", the
// name nomic-embed-text's configuration gives its "search_query: "
// prefix), or else the model's default prompt (Prompt).
func (m *Model) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return m.encode(ctx, m.queryPrompt, texts)
}

// EncodeDocuments encodes texts as the documents searched, as
// sentence-transformers' encode_document does: with the first of the
// prompts named "document", "passage" and "corpus" in the model's
// config_sentence_transformers.json (or, failing those,
// "search_document", nomic-embed-text's), or else the model's default
// prompt.
func (m *Model) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return m.encode(ctx, m.docPrompt, texts)
}

// EncodePrompted is Encode with prompt in place of the model's own, as
// sentence-transformers' encode(texts, prompt=...) does; "" encodes the
// texts as they are. With include_prompt false in the pooling
// configuration, the prompt's tokens are left out of the pooling. Use it
// for a prompt the configuration names other than the query and document
// ones (see Prompts).
func (m *Model) EncodePrompted(ctx context.Context, prompt string, texts []string) ([][]float32, error) {
	pr, err := m.newPrompt(prompt)
	if err != nil {
		return nil, err
	}
	return m.encode(ctx, pr, texts)
}

// Prompt returns the prefix Encode adds to every text: the prompt that
// config_sentence_transformers.json's default_prompt_name names, or "".
func (m *Model) Prompt() string { return m.prompt.text }

// Prompts returns a copy of the prompts config_sentence_transformers.json
// lists, by name (nil if none).
func (m *Model) Prompts() map[string]string { return maps.Clone(m.prompts) }

// newPrompt measures the prompt text for pooling.
func (m *Model) newPrompt(text string) (promptSpec, error) {
	pr := promptSpec{text: text}
	if text != "" && !m.pool.IncludePrompt {
		enc, err := m.tok.Encode(m.prepare(text), true)
		if err != nil {
			return promptSpec{}, fmt.Errorf("transformer: tokenizing the prompt: %w", err)
		}
		// As sentence-transformers: the prompt's tokens minus its final
		// special token.
		pr.tokens = max(enc.Len()-1, 0)
	}
	return pr, nil
}

// setPrompts reads config_sentence_transformers.json's prompts: the
// default one for Encode, and those EncodeQueries and EncodeDocuments use.
func (m *Model) setPrompts(ctx context.Context, src hub.Source) error {
	var pc promptConfig
	if _, err := readJSON(ctx, src, "config_sentence_transformers.json", &pc); err != nil {
		return err
	}
	m.prompts = pc.Prompts
	def := ""
	if pc.DefaultPromptName != nil && *pc.DefaultPromptName != "" {
		p, ok := pc.Prompts[*pc.DefaultPromptName]
		if !ok {
			return fmt.Errorf("transformer: config_sentence_transformers.json: default_prompt_name %q is not among its prompts %v: %w", *pc.DefaultPromptName, sortedKeys(pc.Prompts), errs.ErrCorrupt)
		}
		def = p
	}
	pick := func(names ...string) string {
		for _, n := range names {
			if p, ok := pc.Prompts[n]; ok {
				return p
			}
		}
		return def
	}
	var err error
	for _, s := range []struct {
		dst  *promptSpec
		text string
	}{
		{&m.prompt, def},
		{&m.queryPrompt, pick("query", "search_query")},
		{&m.docPrompt, pick("document", "passage", "corpus", "search_document")},
	} {
		if *s.dst, err = m.newPrompt(s.text); err != nil {
			return err
		}
	}
	return nil
}

// sortedKeys returns the names of prompts, sorted.
func sortedKeys(prompts map[string]string) []string {
	names := make([]string, 0, len(prompts))
	for n := range prompts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
