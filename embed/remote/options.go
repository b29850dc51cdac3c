// options.go holds the options every hosted encoder takes, and the few
// that only some providers understand (the constructor of another provider
// refuses them).

package remote

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// Option configures an Encoder. Each option checks its value; a bad one
// makes the constructor fail with an error wrapping errs.ErrInvalidOption
// that names the option.
type Option func(*config) error

// Usage is the cost of requests: how many were sent (retries included)
// and the input tokens the API reported for the successful ones (0 when the
// API reports none, as Gemini's batchEmbedContents).
type Usage struct {
	Requests    int64
	InputTokens int64
}

// config is what the options set.
type config struct {
	apiKey      string
	apiKeySet   bool
	baseURL     string
	client      *http.Client
	dimensions  int // requested output dimension, 0 for the model's own
	expectedDim int // the model's dimension when the table does not know it
	retries     int
	minBackoff  time.Duration
	maxBackoff  time.Duration
	maxWait     time.Duration // the longest Retry-After honoured
	concurrency int
	batchInputs int
	batchTokens int
	countTokens func(string) int
	onUsage     func(Usage)
	headers     http.Header
	// provider-specific
	embeddingType string // cohere embedding_types, voyage output_dtype, jina embedding_type
	lateChunking  bool   // jina
	task          string // jina task / gemini taskType / cohere input_type for Encode
	base64        *bool  // openai encoding_format
	used          map[string]bool
}

func defaultConfig() config {
	return config{
		client:      &http.Client{Timeout: 2 * time.Minute},
		retries:     5,
		minBackoff:  500 * time.Millisecond,
		maxBackoff:  30 * time.Second,
		maxWait:     2 * time.Minute,
		concurrency: 4,
		used:        map[string]bool{},
	}
}

func invalid(opt, format string, args ...any) error {
	return fmt.Errorf("remote: %s: %s: %w", opt, fmt.Sprintf(format, args...), errs.ErrInvalidOption)
}

// WithAPIKey sets the API key, in place of the provider's environment
// variable. The key is sent in the provider's header and nowhere else; it
// is never printed (the option's own error does not show it).
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" || strings.ContainsAny(key, "\r\n") {
			return invalid("WithAPIKey", "empty or contains a line break")
		}
		c.apiKey, c.apiKeySet = key, true
		return nil
	}
}

// WithBaseURL sends requests to base instead of the provider's: an
// http or https URL, such as "http://localhost:8000/v1" for a vLLM server
// (the path the provider's endpoint adds, e.g. "/embeddings", is appended).
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid(fmt.Sprintf("WithBaseURL(%q)", base), "not an http or https URL")
		}
		c.baseURL = strings.TrimRight(base, "/")
		return nil
	}
}

// WithHTTPClient sends requests with client (for its transport, proxy or
// timeout). The default has a timeout of two minutes per request.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) error {
		if client == nil {
			return invalid("WithHTTPClient(nil)", "no client")
		}
		c.client = client
		return nil
	}
}

// WithDimensions asks the API for vectors of n dimensions (OpenAI's and
// Jina's dimensions, Cohere's and Voyage's output_dimension, Gemini's
// outputDimensionality, Ollama's dimensions), for models that can shorten
// their vectors. The encoder's Dim is then n.
func WithDimensions(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1<<16 {
			return invalid(fmt.Sprintf("WithDimensions(%d)", n), "outside [1, 65536]")
		}
		c.dimensions = n
		return nil
	}
}

// WithExpectedDim declares the dimension of a model the package's table
// does not know (a model served by vLLM, TEI or Ollama, say) without
// asking the API to change it. Responses of another dimension are errors.
func WithExpectedDim(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1<<16 {
			return invalid(fmt.Sprintf("WithExpectedDim(%d)", n), "outside [1, 65536]")
		}
		c.expectedDim = n
		return nil
	}
}

// WithRetries sets how many times a request that failed with a 429, a
// 5xx or a broken connection is retried (default 5; 0 disables retries),
// waiting min·2^attempt with full jitter, at most max, between attempts
// (defaults 500ms and 30s). A Retry-After header's wait is honoured up to
// two minutes; a longer one fails the request.
func WithRetries(n int, min, max time.Duration) Option {
	return func(c *config) error {
		if n < 0 || n > 100 || min <= 0 || max < min {
			return invalid(fmt.Sprintf("WithRetries(%d, %v, %v)", n, min, max), "want 0 ≤ n ≤ 100 and 0 < min ≤ max")
		}
		c.retries, c.minBackoff, c.maxBackoff = n, min, max
		return nil
	}
}

// WithConcurrency sets how many requests one Encoder has in flight at
// once, across all its calls (default 4).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 256 {
			return invalid(fmt.Sprintf("WithConcurrency(%d)", n), "outside [1, 256]")
		}
		c.concurrency = n
		return nil
	}
}

// WithBatchSize lowers the number of inputs per request below the
// provider's documented maximum (it cannot raise it).
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid(fmt.Sprintf("WithBatchSize(%d)", n), "below 1")
		}
		c.batchInputs = n
		return nil
	}
}

// WithBatchTokens lowers the tokens per request below the provider's
// documented maximum (it cannot raise it).
func WithBatchTokens(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid(fmt.Sprintf("WithBatchTokens(%d)", n), "below 1")
		}
		c.batchTokens = n
		return nil
	}
}

// WithTokenCounter counts a text's tokens for batching, in place of the
// default upper bound (the text's UTF-8 length plus two). A count that
// underestimates can make the API refuse a request.
func WithTokenCounter(count func(text string) int) Option {
	return func(c *config) error {
		if count == nil {
			return invalid("WithTokenCounter(nil)", "no function")
		}
		c.countTokens = count
		return nil
	}
}

// WithUsage calls f after each successful request with its usage (one
// request, the tokens the API reported), from the goroutine that made the
// request: f must be safe for concurrent use. Encoder.Usage gives the
// running totals.
func WithUsage(f func(Usage)) Option {
	return func(c *config) error {
		if f == nil {
			return invalid("WithUsage(nil)", "no function")
		}
		c.onUsage = f
		return nil
	}
}

// WithHeader adds a header to every request (an organisation or project
// header, say). The key's own header cannot be set this way.
func WithHeader(name, value string) Option {
	return func(c *config) error {
		canon := http.CanonicalHeaderKey(name)
		if name == "" || strings.ContainsAny(name+value, "\r\n") || !utf8.ValidString(value) {
			return invalid(fmt.Sprintf("WithHeader(%q)", name), "empty name or a line break")
		}
		switch canon {
		case "Authorization", "Api-Key", "X-Goog-Api-Key":
			return invalid(fmt.Sprintf("WithHeader(%q)", name), "use WithAPIKey for the key")
		}
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Add(canon, value)
		return nil
	}
}

// WithEmbeddingType asks for quantised vectors: Cohere's embedding_types
// and Voyage's output_dtype ("float", "int8", "uint8", "binary",
// "ubinary"), Jina's embedding_type ("float", "binary", "ubinary").
// Integers become float32 values; binary and ubinary vectors become ±1
// components, so Dim stays the dimension asked for. The packing is
// sentence-transformers' quantize_embeddings' (numpy.packbits of the
// positive components, the first dimension in a byte's most significant
// bit; ubinary is that byte, binary that byte minus 128 as a signed
// byte), the convention of Cohere's and Voyage's quantised embeddings;
// that Jina's binary types follow it too is our assumption. The type
// is part of the Identity's Model.
func WithEmbeddingType(t string) Option {
	return func(c *config) error {
		switch t {
		case "float", "int8", "uint8", "binary", "ubinary":
		default:
			return invalid(fmt.Sprintf("WithEmbeddingType(%q)", t), "want float, int8, uint8, binary or ubinary")
		}
		c.embeddingType = t
		c.used["WithEmbeddingType"] = true
		return nil
	}
}

// WithLateChunking sets Jina's late_chunking: the inputs of one request
// are encoded as one text and each vector sees the others' context (the
// inputs are then the chunks of one document, and a request must hold
// them all; Jina only).
func WithLateChunking(on bool) Option {
	return func(c *config) error {
		c.lateChunking = on
		c.used["WithLateChunking"] = true
		return nil
	}
}

// WithTask sets what Encode (not EncodeQueries and EncodeDocuments)
// asks for: Cohere's input_type (default "search_document"), Jina's task
// (default none), Gemini's taskType (default none). It is recorded in the
// Identity's Prompt.
func WithTask(task string) Option {
	return func(c *config) error {
		if task == "" || !utf8.ValidString(task) || strings.ContainsAny(task, "\"\\\r\n") {
			return invalid(fmt.Sprintf("WithTask(%q)", task), "empty or not a plain name")
		}
		c.task = task
		c.used["WithTask"] = true
		return nil
	}
}

// WithBase64 chooses OpenAI's encoding_format: base64 (little-endian
// float32 bytes, a third of the JSON's size; the default for OpenAI and
// Azure) or float (the default for other OpenAI-compatible servers, not
// all of which accept base64).
func WithBase64(on bool) Option {
	return func(c *config) error {
		c.base64 = &on
		c.used["WithBase64"] = true
		return nil
	}
}
