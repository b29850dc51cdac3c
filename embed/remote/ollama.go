// ollama.go holds the encoder of Ollama's own embedding endpoint
// (POST /api/embed) on a local server.

package remote

import (
	"encoding/json"
	"os"
	"strings"
)

// Ollama documents no limit on inputs per request; 256 keeps one
// request's work (and its response) moderate on a local server.
const ollamaMaxInputs = 256

var ollamaDims = map[string]int{
	"nomic-embed-text":       768,
	"mxbai-embed-large":      1024,
	"all-minilm":             384,
	"snowflake-arctic-embed": 1024,
	"bge-m3":                 1024,
	"bge-large":              1024,
	"embeddinggemma":         768,
}

// ollamaRequest is the body of POST /api/embed.
type ollamaRequest struct {
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Dimensions int      `json:"dimensions,omitempty"`
}

type ollamaResponse struct {
	Embeddings      []json.RawMessage `json:"embeddings"`
	PromptEvalCount *float64          `json:"prompt_eval_count"`
}

// ollamaBase is OLLAMA_HOST as a URL ("host:port" gets http://), or
// Ollama's default address.
func ollamaBase() string {
	h := strings.TrimSpace(os.Getenv("OLLAMA_HOST"))
	if h == "" {
		return "http://localhost:11434"
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	return strings.TrimRight(h, "/")
}

// NewOllama returns an encoder of an Ollama server's /api/embed with model
// ("nomic-embed-text", "bge-m3", ...; other models need WithExpectedDim).
// The server is WithBaseURL's, else $OLLAMA_HOST's, else
// http://localhost:11434; no key is needed (WithAPIKey sends one as a
// bearer token). WithDimensions sets dimensions.
func NewOllama(model string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewOllama", model); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(model, ":latest")
	p := provider{
		name:        "ollama",
		model:       model,
		keyOptional: true,
		maxInputs:   ollamaMaxInputs,
		url:         func(e *Encoder, _ role) string { return e.cfg.baseURL + "/api/embed" },
		auth:        bearer,
		body: func(e *Encoder, _ role, texts []string) any {
			return ollamaRequest{Model: model, Input: texts, Dimensions: e.cfg.dimensions}
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			var r ollamaResponse
			if err := e.unmarshal(data, &r); err != nil {
				return nil, 0, err
			}
			if r.Embeddings == nil {
				return nil, 0, e.corrupt("embeddings", "missing")
			}
			if err := e.count("embeddings", len(r.Embeddings), n); err != nil {
				return nil, 0, err
			}
			out := make([][]float32, n)
			for i, raw := range r.Embeddings {
				v, err := e.vector(i, raw, false)
				if err != nil {
					return nil, 0, err
				}
				out[i] = v
			}
			var tokens int64
			if r.PromptEvalCount != nil {
				x := *r.PromptEvalCount
				if x < 0 || x > 1e15 {
					return nil, 0, e.corrupt("prompt_eval_count", "%v", x)
				}
				tokens = int64(x)
			}
			return out, tokens, nil
		},
		message: messageOf,
	}
	p.baseURL = ollamaBase()
	return newEncoder(p, ollamaDims[base], opts)
}
