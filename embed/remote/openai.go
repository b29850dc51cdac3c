// openai.go holds the encoders of OpenAI's /v1/embeddings and of the
// servers that speak it: Azure OpenAI (its deployments URL scheme and
// api-key header), any OpenAI-compatible server (vLLM, Hugging Face TEI,
// LM Studio, Together, Mistral, Ollama's /v1), and Upstage's Solar
// embeddings, which use the same format with a query and a passage model.

package remote

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// OpenAI's documented limits (API reference, "Create embeddings", input):
// at most 2048 inputs per request and 300,000 tokens summed over the
// inputs of a request (8192 tokens per input).
const (
	openAIMaxInputs = 2048
	openAIMaxTokens = 300_000
)

// openAIDims are the native dimensions of OpenAI's embedding models.
var openAIDims = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
}

// openAIRequest is the body of POST /v1/embeddings.
type openAIRequest struct {
	Input          []string `json:"input"`
	Model          string   `json:"model,omitempty"`
	Dimensions     int      `json:"dimensions,omitempty"`
	EncodingFormat string   `json:"encoding_format,omitempty"`
}

func bearer(h http.Header, key string) { h.Set("Authorization", "Bearer "+key) }

// useBase64 reports whether requests ask for base64 vectors.
func (e *Encoder) useBase64(def bool) bool {
	if e.cfg.base64 != nil {
		return *e.cfg.base64
	}
	return def
}

// openAIProvider is the OpenAI format; path is the endpoint after the
// base URL, sendModel whether the body names the model (Azure's
// deployments scheme does not), b64 the default encoding.
func openAIProvider(name, model, base, path string, sendModel, b64 bool) provider {
	return provider{
		name:      name,
		model:     model,
		baseURL:   base,
		maxInputs: openAIMaxInputs,
		maxTokens: openAIMaxTokens,
		url:       func(e *Encoder, _ role) string { return e.cfg.baseURL + path },
		auth:      bearer,
		body: func(e *Encoder, _ role, texts []string) any {
			r := openAIRequest{Input: texts, Dimensions: e.cfg.dimensions}
			if sendModel {
				r.Model = model
			}
			if e.useBase64(b64) {
				r.EncodingFormat = "base64"
			}
			return r
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			return e.parseData(data, n, e.useBase64(b64))
		},
		message: messageOf,
	}
}

// NewOpenAI returns an encoder of OpenAI's embeddings API with model
// ("text-embedding-3-small", "text-embedding-3-large",
// "text-embedding-ada-002"; another needs WithExpectedDim). The key comes
// from WithAPIKey or OPENAI_API_KEY. Vectors are requested in base64
// (WithBase64(false) for JSON numbers); WithDimensions shortens them
// (text-embedding-3 models). OpenAI documents its vectors as unit length,
// which the Identity records.
//
// Options: the common ones and WithBase64.
func NewOpenAI(model string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewOpenAI", model); err != nil {
		return nil, err
	}
	p := openAIProvider("openai", model, "https://api.openai.com/v1", "/embeddings", true, true)
	p.envKeys = []string{"OPENAI_API_KEY"}
	p.normalized = true
	return newEncoder(p, openAIDims[model], opts, "WithBase64")
}

// DefaultAzureAPIVersion is the api-version NewAzureOpenAI sends when
// given none: the generally available data-plane version.
const DefaultAzureAPIVersion = "2024-10-21"

// NewAzureOpenAI returns an encoder of an Azure OpenAI deployment:
// requests go to {endpoint}/openai/deployments/{deployment}/embeddings
// ?api-version={apiVersion} (DefaultAzureAPIVersion when empty) with the
// key in the api-key header, from WithAPIKey or AZURE_OPENAI_API_KEY.
// model is the deployed model's name ("text-embedding-3-small"), for the
// dimension and the Identity.
func NewAzureOpenAI(endpoint, deployment, model, apiVersion string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewAzureOpenAI", model); err != nil {
		return nil, err
	}
	if deployment == "" || strings.ContainsAny(deployment, "/?#") {
		return nil, invalid("NewAzureOpenAI", "deployment %q: empty or not a name", deployment)
	}
	if apiVersion == "" {
		apiVersion = DefaultAzureAPIVersion
	}
	path := "/openai/deployments/" + url.PathEscape(deployment) + "/embeddings?api-version=" + url.QueryEscape(apiVersion)
	p := openAIProvider("azure-openai", model, "", path, false, true)
	p.envKeys = []string{"AZURE_OPENAI_API_KEY"}
	p.normalized = true
	p.auth = func(h http.Header, key string) { h.Set("Api-Key", key) }
	opts = append([]Option{WithBaseURL(endpoint)}, opts...)
	return newEncoder(p, openAIDims[model], opts, "WithBase64")
}

// NewOpenAICompatible returns an encoder of a server speaking OpenAI's
// embeddings API at base (POST base + "/embeddings"): vLLM
// ("http://localhost:8000/v1"), Hugging Face TEI ("http://localhost:8080/v1"),
// LM Studio, Ollama ("http://localhost:11434/v1"), Together
// ("https://api.together.xyz/v1"), Mistral ("https://api.mistral.ai/v1").
// The key, from WithAPIKey only, is optional. The model's dimension must
// be given with WithExpectedDim (or WithDimensions, if the server
// supports it). Vectors come as JSON numbers unless WithBase64(true).
func NewOpenAICompatible(base, model string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewOpenAICompatible", model); err != nil {
		return nil, err
	}
	p := openAIProvider("openai-compatible", model, "", "/embeddings", true, false)
	p.keyOptional = true
	opts = append([]Option{WithBaseURL(base)}, opts...)
	return newEncoder(p, 0, opts, "WithBase64")
}

// Upstage's models: the query and passage model of Solar Embedding 1
// (the aliases embedding-query and embedding-passage, 4096 dimensions)
// and Solar Embedding 2 (1024 dimensions).
const (
	UpstageQuery   = "embedding-query"
	UpstagePassage = "embedding-passage"
)

var upstageDims = map[string]int{
	"embedding-query":                 4096,
	"embedding-passage":               4096,
	"solar-embedding-1-large-query":   4096,
	"solar-embedding-1-large-passage": 4096,
	"solar-embedding-2-query":         1024,
	"solar-embedding-2-passage":       1024,
}

// Upstage's limits per request: 100 inputs and 204,800 tokens, from its
// API reference (developers.upstage.ai, "Embeddings"; the excerpt we
// could read confirms only the 4,000-token context per input, so these
// two are as we recall them).
const (
	upstageMaxInputs = 100
	upstageMaxTokens = 204_800
)

// NewUpstage returns an encoder of Upstage's Solar embeddings
// (POST https://api.upstage.ai/v1/solar/embeddings), which embeds
// queries and passages with two models of one space: EncodeQueries uses
// queryModel, EncodeDocuments and Encode passageModel (UpstageQuery and
// UpstagePassage when empty). The key comes from WithAPIKey or
// UPSTAGE_API_KEY.
func NewUpstage(queryModel, passageModel string, opts ...Option) (*Encoder, error) {
	if queryModel == "" {
		queryModel = UpstageQuery
	}
	if passageModel == "" {
		passageModel = UpstagePassage
	}
	if err := checkModel("NewUpstage", queryModel); err != nil {
		return nil, err
	}
	if err := checkModel("NewUpstage", passageModel); err != nil {
		return nil, err
	}
	p := provider{
		name:      "upstage",
		model:     queryModel + "+" + passageModel,
		envKeys:   []string{"UPSTAGE_API_KEY"},
		baseURL:   "https://api.upstage.ai/v1/solar",
		maxInputs: upstageMaxInputs,
		maxTokens: upstageMaxTokens,
		url:       func(e *Encoder, _ role) string { return e.cfg.baseURL + "/embeddings" },
		auth:      bearer,
		body: func(e *Encoder, r role, texts []string) any {
			m := passageModel
			if r == roleQuery {
				m = queryModel
			}
			return openAIRequest{Input: texts, Model: m}
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			return e.parseData(data, n, false)
		},
		message: messageOf,
		prompts: func(e *Encoder) (string, string, string) {
			return "model=" + passageModel, "model=" + queryModel, "model=" + passageModel
		},
	}
	dim := upstageDims[passageModel]
	if q := upstageDims[queryModel]; q != dim {
		dim = 0
	}
	e, err := newEncoder(p, dim, opts)
	if err != nil {
		return nil, err
	}
	if e.cfg.dimensions != 0 {
		return nil, invalid(fmt.Sprintf("WithDimensions(%d)", e.cfg.dimensions), "Upstage's embeddings have no dimensions parameter")
	}
	return e, nil
}

// checkModel refuses an empty model name or one that could break a URL.
func checkModel(fn, model string) error {
	if model == "" || strings.ContainsAny(model, "?#\r\n\"\\") {
		return invalid(fn, "model %q: empty or not a model name", model)
	}
	return nil
}
