// voyage.go holds the encoder of Voyage AI's embeddings API
// (POST /v1/embeddings): input_type, output_dimension, output_dtype.

package remote

import "strings"

// Voyage's documented limits (API reference, "Text embedding models",
// input): at most 1,000 texts per request, and at most 1M tokens for
// voyage-4-lite and voyage-3.5-lite, 320K for voyage-4, voyage-3.5 and
// voyage-2, 120K for voyage-4-large, voyage-3-large, voyage-code-3,
// voyage-finance-2 and voyage-law-2 (and, here, any other model).
const voyageMaxInputs = 1000

func voyageMaxTokens(model string) int {
	switch model {
	case "voyage-4-lite", "voyage-3.5-lite":
		return 1_000_000
	case "voyage-4", "voyage-3.5", "voyage-2":
		return 320_000
	}
	return 120_000
}

var voyageDims = map[string]int{
	"voyage-4-large": 1024, "voyage-4": 1024, "voyage-4-lite": 1024,
	"voyage-3-large": 1024, "voyage-3.5": 1024, "voyage-3.5-lite": 1024,
	"voyage-3": 1024, "voyage-3-lite": 512, "voyage-code-3": 1024,
	"voyage-finance-2": 1024, "voyage-law-2": 1024, "voyage-multilingual-2": 1024,
	"voyage-2": 1024,
}

// voyageRequest is the body of POST /v1/embeddings. InputType is
// omitted (null, the API's default) for Encode.
type voyageRequest struct {
	Input           []string `json:"input"`
	Model           string   `json:"model"`
	InputType       string   `json:"input_type,omitempty"`
	OutputDimension int      `json:"output_dimension,omitempty"`
	OutputDtype     string   `json:"output_dtype,omitempty"`
}

// NewVoyage returns an encoder of Voyage AI's embeddings API with model
// ("voyage-3.5", "voyage-3-large", ...). The key comes from WithAPIKey
// or VOYAGE_API_KEY. EncodeQueries sends input_type query,
// EncodeDocuments document, Encode none (null). WithDimensions sets
// output_dimension, WithEmbeddingType output_dtype. Voyage documents its
// float vectors as unit length, which the Identity records.
func NewVoyage(model string, opts ...Option) (*Encoder, error) {
	if err := checkModel("NewVoyage", model); err != nil {
		return nil, err
	}
	p := provider{
		name:       "voyage",
		model:      model,
		envKeys:    []string{"VOYAGE_API_KEY"},
		baseURL:    "https://api.voyageai.com/v1",
		maxInputs:  voyageMaxInputs,
		maxTokens:  voyageMaxTokens(strings.TrimSpace(model)),
		normalized: true,
		url:        func(e *Encoder, _ role) string { return e.cfg.baseURL + "/embeddings" },
		auth:       bearer,
		body: func(e *Encoder, r role, texts []string) any {
			req := voyageRequest{Input: texts, Model: model, OutputDimension: e.cfg.dimensions, OutputDtype: e.cfg.embeddingType}
			switch r {
			case roleQuery:
				req.InputType = "query"
			case roleDocument:
				req.InputType = "document"
			}
			return req
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			return e.parseData(data, n, false)
		},
		message: messageOf,
		prompts: func(*Encoder) (string, string, string) { return "", "input_type=query", "input_type=document" },
	}
	return newEncoder(p, voyageDims[model], opts, "WithEmbeddingType")
}
