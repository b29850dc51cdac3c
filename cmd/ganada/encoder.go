// encoder.go turns the -model, -api and -cache flags into an encoder: the
// embedded GloVe model, a local or hub model, or a hosted API, behind an
// embedding cache when asked.

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/cache"
	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/remote"
	"github.com/ganada/ganada/embed/static"
	"github.com/ganada/ganada/embed/static/glove"
	"github.com/ganada/ganada/embed/transformer"
)

// modelFlags are the flags that choose the encoder.
type modelFlags struct {
	model, api, baseURL, deployment, cacheFile string
	dim                                        int
}

func (m *modelFlags) register(fs *flags) {
	fs.StringVar(&m.model, "model", "", "a Hugging Face hub id, a model folder or a word-vector file; empty for the embedded English GloVe model")
	fs.StringVar(&m.api, "api", "", "a hosted API as provider:model (openai, azure-openai, openai-compatible, cohere, voyage, jina, upstage, gemini, ollama)")
	fs.StringVar(&m.baseURL, "base-url", "", "the API's base URL (openai-compatible, azure-openai; optional for the others)")
	fs.StringVar(&m.deployment, "deployment", "", "the Azure OpenAI deployment (azure-openai)")
	fs.IntVar(&m.dim, "dim", 0, "the vector dimension to ask the API for (openai-compatible: the model's dimension)")
	fs.StringVar(&m.cacheFile, "cache", "", "an embedding cache file: texts already in it are not encoded again")
}

// encoder is the chosen encoder and what to release after.
type encoder struct {
	embed.Encoder
	close func()
}

// load returns the encoder the flags choose.
func (m *modelFlags) load(ctx context.Context) (*encoder, error) {
	if m.model != "" && m.api != "" {
		return nil, &usageError{"-model and -api exclude each other"}
	}
	var enc embed.Encoder
	closeFn := func() {}
	var err error
	if m.api != "" {
		enc, err = m.loadAPI()
	} else {
		enc, closeFn, err = loadModel(ctx, m.model)
	}
	if err != nil {
		return nil, err
	}
	if m.cacheFile != "" {
		c, err := cache.New(enc, cache.WithFile(m.cacheFile))
		if err != nil {
			closeFn()
			return nil, err
		}
		inner := closeFn
		closeFn = func() { c.Close(); inner() }
		enc = c
	}
	return &encoder{Encoder: enc, close: closeFn}, nil
}

// Identity passes on the identity a Collection records for the encoder
// (ganada.EncoderIdentity), so that files the command writes load with the
// library and the reverse.
func (e *encoder) Identity() embed.Identity { return ganada.EncoderIdentity(e.Encoder) }

// EncodeQueries encodes texts as queries (embed.EncodeQueries).
func (e *encoder) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return embed.EncodeQueries(ctx, e.Encoder, texts)
}

// EncodeDocuments encodes texts as documents (embed.EncodeDocuments).
func (e *encoder) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return embed.EncodeDocuments(ctx, e.Encoder, texts)
}

// loadModel loads a local model the way the examples do.
func loadModel(ctx context.Context, spec string) (embed.Encoder, func(), error) {
	none := func() {}
	if spec == "" {
		m, err := glove.Load()
		return m, none, err
	}
	fi, statErr := os.Stat(spec)
	isTransformer := func() bool {
		if _, err := os.Stat(filepath.Join(spec, "config.json")); err != nil {
			return false
		}
		_, err := os.Stat(filepath.Join(spec, "0_StaticEmbedding"))
		return err != nil
	}
	switch {
	case statErr == nil && fi.IsDir() && isTransformer(), statErr != nil && isHubID(spec):
		m, err := transformer.Load(ctx, spec)
		if err != nil {
			return nil, none, fmt.Errorf("model %s: %w", spec, err)
		}
		return m, func() { m.Close() }, nil
	case statErr == nil:
		m, err := static.Load(ctx, spec, static.WithNormalize(true))
		if err != nil {
			return nil, none, fmt.Errorf("model %s: %w", spec, err)
		}
		return m, none, nil
	}
	return nil, none, &usageError{fmt.Sprintf("-model %q: no such file or folder, and not a Hugging Face hub id (org/name)", spec)}
}

func isHubID(s string) bool {
	id, _, _ := strings.Cut(s, "@")
	return strings.Contains(id, "/") && hub.ValidRepoID(id)
}

// loadAPI returns the hosted encoder -api names.
func (m *modelFlags) loadAPI() (embed.Encoder, error) {
	provider, model, ok := strings.Cut(m.api, ":")
	if !ok {
		return nil, &usageError{fmt.Sprintf("-api %q: want provider:model", m.api)}
	}
	var opts []remote.Option
	if m.baseURL != "" && provider != "openai-compatible" && provider != "azure-openai" {
		opts = append(opts, remote.WithBaseURL(m.baseURL))
	}
	if m.dim > 0 {
		if provider == "openai-compatible" || provider == "ollama" {
			opts = append(opts, remote.WithExpectedDim(m.dim))
		} else {
			opts = append(opts, remote.WithDimensions(m.dim))
		}
	}
	switch provider {
	case "openai":
		return remote.NewOpenAI(model, opts...)
	case "azure-openai":
		return remote.NewAzureOpenAI(m.baseURL, m.deployment, model, "", opts...)
	case "openai-compatible":
		return remote.NewOpenAICompatible(m.baseURL, model, opts...)
	case "cohere":
		return remote.NewCohere(model, opts...)
	case "voyage":
		return remote.NewVoyage(model, opts...)
	case "jina":
		return remote.NewJina(model, opts...)
	case "upstage":
		q, p, _ := strings.Cut(model, "+")
		return remote.NewUpstage(q, p, opts...)
	case "gemini":
		return remote.NewGemini(model, opts...)
	case "ollama":
		return remote.NewOllama(model, opts...)
	}
	return nil, &usageError{fmt.Sprintf("-api %q: unknown provider %q", m.api, provider)}
}
