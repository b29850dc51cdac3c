// gemini.go holds the encoder of Google's Gemini API
// (POST /v1beta/models/{model}:batchEmbedContents): taskType,
// outputDimensionality.

package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Gemini's limit: at most 100 requests in one batchEmbedContents call
// (the API answers more with "BatchEmbedContentsRequest.requests: at most
// 100 requests can be in one batch", langchain-ai/langchainjs#4491). No
// per-call token limit is documented (2048 tokens per input for
// gemini-embedding-001).
const geminiMaxInputs = 100

var geminiDims = map[string]int{
	"gemini-embedding-001": 3072,
	"text-embedding-004":   768,
	"embedding-001":        768,
}

type geminiPart struct {
	Text string `json:"text"`
}

type geminiContent struct {
	Parts []geminiPart `json:"parts"`
}

type geminiEmbedRequest struct {
	Model                string        `json:"model"`
	Content              geminiContent `json:"content"`
	TaskType             string        `json:"taskType,omitempty"`
	OutputDimensionality int           `json:"outputDimensionality,omitempty"`
}

type geminiBatchRequest struct {
	Requests []geminiEmbedRequest `json:"requests"`
}

type geminiBatchResponse struct {
	Embeddings []struct {
		Values json.RawMessage `json:"values"`
	} `json:"embeddings"`
}

// geminiTasks are the documented taskType values.
var geminiTasks = []string{"SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "RETRIEVAL_DOCUMENT",
	"RETRIEVAL_QUERY", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"}

// NewGemini returns an encoder of the Gemini API's batchEmbedContents
// with model ("gemini-embedding-001", "text-embedding-004"; a leading
// "models/" is dropped). The key comes from WithAPIKey, GEMINI_API_KEY or
// GOOGLE_API_KEY and is sent in the x-goog-api-key header. EncodeQueries
// sends taskType RETRIEVAL_QUERY, EncodeDocuments RETRIEVAL_DOCUMENT,
// Encode WithTask's type (none by default). WithDimensions sets
// outputDimensionality. The API reports no token usage.
func NewGemini(model string, opts ...Option) (*Encoder, error) {
	model = strings.TrimPrefix(model, "models/")
	if err := checkModel("NewGemini", model); err != nil {
		return nil, err
	}
	if strings.Contains(model, "/") {
		return nil, invalid("NewGemini", "model %q: not a model name", model)
	}
	p := provider{
		name:      "gemini",
		model:     model,
		envKeys:   []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"},
		baseURL:   "https://generativelanguage.googleapis.com/v1beta",
		maxInputs: geminiMaxInputs,
		url: func(e *Encoder, _ role) string {
			return e.cfg.baseURL + "/models/" + url.PathEscape(model) + ":batchEmbedContents"
		},
		auth: func(h http.Header, key string) { h.Set("X-Goog-Api-Key", key) },
		body: func(e *Encoder, r role, texts []string) any {
			b := geminiBatchRequest{Requests: make([]geminiEmbedRequest, len(texts))}
			for i, t := range texts {
				b.Requests[i] = geminiEmbedRequest{Model: "models/" + model, Content: geminiContent{Parts: []geminiPart{{Text: t}}},
					TaskType: geminiTask(e, r), OutputDimensionality: e.cfg.dimensions}
			}
			return b
		},
		parse: func(e *Encoder, data []byte, n int) ([][]float32, int64, error) {
			var r geminiBatchResponse
			if err := e.unmarshal(data, &r); err != nil {
				return nil, 0, err
			}
			if err := e.count("embeddings", len(r.Embeddings), n); err != nil {
				return nil, 0, err
			}
			out := make([][]float32, n)
			for i, emb := range r.Embeddings {
				if len(emb.Values) == 0 {
					return nil, 0, e.corrupt(fmt.Sprintf("embeddings[%d].values", i), "missing")
				}
				v, err := e.vector(i, emb.Values, false)
				if err != nil {
					return nil, 0, err
				}
				out[i] = v
			}
			return out, 0, nil
		},
		message: messageOf,
		prompts: func(e *Encoder) (string, string, string) {
			def := ""
			if e.cfg.task != "" {
				def = "taskType=" + e.cfg.task
			}
			return def, "taskType=RETRIEVAL_QUERY", "taskType=RETRIEVAL_DOCUMENT"
		},
	}
	e, err := newEncoder(p, geminiDims[model], opts, "WithTask")
	if err != nil {
		return nil, err
	}
	if t := e.cfg.task; t != "" {
		ok := false
		for _, g := range geminiTasks {
			ok = ok || g == t
		}
		if !ok {
			return nil, invalid(fmt.Sprintf("WithTask(%q)", t), "not one of Gemini's task types %v", geminiTasks)
		}
	}
	return e, nil
}

func geminiTask(e *Encoder, r role) string {
	switch r {
	case roleQuery:
		return "RETRIEVAL_QUERY"
	case roleDocument:
		return "RETRIEVAL_DOCUMENT"
	}
	return e.cfg.task
}
