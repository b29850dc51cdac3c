// cohere.go holds the encoder of Cohere's Embed API v2 (POST /v2/embed):
// input_type per role, embedding_types and output_dimension.

package remote

import (
	"encoding/json"
	"fmt"
)

// Cohere's documented limit (Embed API v2 reference, texts): at most 96
// texts per call. No per-request token limit is documented (inputs are
// truncated at the model's context unless truncate is NONE).
const cohereMaxInputs = 96

var cohereDims = map[string]int{
	"embed-v4.0":                    1536,
	"embed-english-v3.0":            1024,
	"embed-multilingual-v3.0":       1024,
	"embed-english-light-v3.0":      384,
	"embed-multilingual-light-v3.0": 384,
}

// cohereRequest is the body of POST /v2/embed.
type cohereRequest struct {
	Model           string   `json:"model"`
	InputType       string   `json:"input_type"`
	Texts           []string `json:"texts"`
	EmbeddingTypes  []string `json:"embedding_types"`
	OutputDimension int      `json:"output_dimension,omitempty"`
}

// cohereResponse is its answer: one array per embedding type asked for.
type cohereResponse struct {
	Embeddings map[string][]json.RawMessage `json:"embeddings"`
	Meta       *struct {
		BilledUnits *struct {
			InputTokens *float64 `json:"input_tokens"`
		} `json:"billed_units"`
	} `json:"meta"`
}

// NewCohere returns an encoder of Cohere's Embed API v2 with model
// ("embed-v4.0", "embed-multilingual-v3.0", ...). The key comes from
// WithAPIKey, CO_API_KEY or COHERE_API_KEY. EncodeQueries sends
// input_type search_query, EncodeDocuments search_document, and Encode
// WithTask's type (search_document by default; also classification or
// clustering). WithEmbeddingType chooses the embedding_types value (float
// by default), WithDimensions the output_dimension (256, 512, 1024 or
// 1536, embed-v4 and newer).
func NewCohere(model string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewCohere", model); err != nil {
		return nil, err
	}
	p := provider{
		name:      "cohere",
		model:     model,
		envKeys:   []string{"CO_API_KEY", "COHERE_API_KEY"},
		baseURL:   "https://api.cohere.com",
		maxInputs: cohereMaxInputs,
		url:       func(e *Encoder, _ role) string { return e.cfg.baseURL + "/v2/embed" },
		auth:      bearer,
		body: func(e *Encoder, r role, texts []string) any {
			return cohereRequest{Model: model, InputType: cohereInputType(e, r), Texts: texts,
				EmbeddingTypes: []string{e.embeddingType()}, OutputDimension: e.cfg.dimensions}
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			var r cohereResponse
			if err := e.unmarshal(data, &r); err != nil {
				return nil, 0, err
			}
			t := e.embeddingType()
			raw, ok := r.Embeddings[t]
			if !ok {
				return nil, 0, e.corrupt("embeddings."+t, "missing")
			}
			if err := e.count("embeddings."+t, len(raw), n); err != nil {
				return nil, 0, err
			}
			out := make([][]float32, n)
			for i, v := range raw {
				vec, err := e.vector(i, v, false)
				if err != nil {
					return nil, 0, err
				}
				out[i] = vec
			}
			var tokens int64
			if r.Meta != nil && r.Meta.BilledUnits != nil && r.Meta.BilledUnits.InputTokens != nil {
				x := *r.Meta.BilledUnits.InputTokens
				if x < 0 || x > 1e15 {
					return nil, 0, e.corrupt("meta.billed_units.input_tokens", "%v", x)
				}
				tokens = int64(x)
			}
			return out, tokens, nil
		},
		message: messageOf,
		prompts: func(e *Encoder) (string, string, string) {
			return "input_type=" + cohereInputType(e, roleDefault), "input_type=search_query", "input_type=search_document"
		},
	}
	e, err := newEncoder(p, cohereDims[model], opts, "WithEmbeddingType", "WithTask")
	if err != nil {
		return nil, err
	}
	switch e.cfg.task {
	case "", "search_document", "search_query", "classification", "clustering":
	default:
		return nil, invalid(fmt.Sprintf("WithTask(%q)", e.cfg.task), "Cohere's input_type is search_document, search_query, classification or clustering")
	}
	switch e.cfg.dimensions {
	case 0, 256, 512, 1024, 1536:
	default:
		return nil, invalid(fmt.Sprintf("WithDimensions(%d)", e.cfg.dimensions), "Cohere's output_dimension is 256, 512, 1024 or 1536")
	}
	return e, nil
}

func cohereInputType(e *Encoder, r role) string {
	switch r {
	case roleQuery:
		return "search_query"
	case roleDocument:
		return "search_document"
	}
	if e.cfg.task != "" {
		return e.cfg.task
	}
	return "search_document"
}

// embeddingType is the type asked for, float by default.
func (e *Encoder) embeddingType() string {
	if e.cfg.embeddingType == "" {
		return "float"
	}
	return e.cfg.embeddingType
}
