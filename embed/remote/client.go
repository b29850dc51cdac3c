// client.go is the core every hosted encoder shares: the Encoder type,
// batching within a provider's limits, bounded concurrency, retries with
// backoff and Retry-After, error answers turned into *APIError without the
// key, and bounded reading of responses.

package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// role is what a text is encoded as.
type role int

const (
	roleDefault  role = iota // Encode
	roleQuery                // EncodeQueries
	roleDocument             // EncodeDocuments
)

// provider is what differs between APIs. The functions get the encoder,
// whose configuration and dimension they read.
type provider struct {
	name        string   // "openai", for messages and the Identity
	envKeys     []string // environment variables holding the key, in order
	keyOptional bool     // a server that needs no key (Ollama, compatible servers)
	baseURL     string   // the default base URL
	maxInputs   int      // documented inputs per request
	maxTokens   int      // documented tokens per request, 0 for none documented
	normalized  bool     // the API documents unit-length vectors
	// url is the endpoint of a request of role r.
	url func(e *Encoder, r role) string
	// auth sets the key's header.
	auth func(h http.Header, key string)
	// body is the request's JSON value.
	body func(e *Encoder, r role, texts []string) any
	// parse decodes a successful response of n vectors; tokens is the
	// input token count the API reported (0 if none).
	parse func(e *Encoder, body []byte, n int) (vecs [][]float32, tokens int64, err error)
	// message extracts the provider's error message from an error body.
	message func(body []byte) string
	// prompts describes the three roles for the Identity.
	prompts func(e *Encoder) (def, query, doc string)
	// model is the Identity's Model after the provider's name.
	model string
}

// Encoder is an embed.Encoder backed by a hosted API. It is safe for
// concurrent use; all its calls share at most WithConcurrency requests in
// flight. It implements embed.QueryDocumentEncoder and embed.Identifier.
type Encoder struct {
	p       provider
	cfg     config
	key     string
	dim     int
	id      embed.Identity
	sem     chan struct{}
	reqs    atomic.Int64
	tokens  atomic.Int64
	timeNow func() time.Time // for Retry-After dates; time.Now
}

// newEncoder builds an encoder of p after applying opts; nativeDim is the
// model's dimension from the provider's table (0 when unknown).
func newEncoder(p provider, nativeDim int, opts []Option, allowed ...string) (*Encoder, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	for opt := range cfg.used {
		ok := false
		for _, a := range allowed {
			ok = ok || a == opt
		}
		if !ok {
			return nil, invalid(opt, "not understood by %s", p.name)
		}
	}
	e := &Encoder{p: p, cfg: cfg, timeNow: time.Now}
	if e.cfg.baseURL == "" {
		e.cfg.baseURL = p.baseURL
	}
	if e.cfg.baseURL == "" {
		return nil, invalid("WithBaseURL", "%s needs a base URL", p.name)
	}
	e.key = cfg.apiKey
	if !cfg.apiKeySet {
		for _, v := range p.envKeys {
			if k := os.Getenv(v); k != "" {
				e.key = k
				break
			}
		}
	}
	if e.key == "" && !p.keyOptional {
		return nil, invalid("WithAPIKey", "%s needs an API key: give WithAPIKey or set %s", p.name, strings.Join(p.envKeys, " or "))
	}
	switch {
	case cfg.dimensions > 0:
		e.dim = cfg.dimensions
	case cfg.expectedDim > 0:
		e.dim = cfg.expectedDim
	case nativeDim > 0:
		e.dim = nativeDim
	default:
		return nil, invalid("WithExpectedDim", "the dimension of %s model %q is unknown: give WithExpectedDim or WithDimensions", p.name, p.model)
	}
	if cfg.dimensions > 0 && cfg.expectedDim > 0 && cfg.dimensions != cfg.expectedDim {
		return nil, invalid(fmt.Sprintf("WithExpectedDim(%d)", cfg.expectedDim), "differs from WithDimensions(%d)", cfg.dimensions)
	}
	if (cfg.embeddingType == "binary" || cfg.embeddingType == "ubinary") && e.dim%8 != 0 {
		return nil, invalid(fmt.Sprintf("WithEmbeddingType(%q)", cfg.embeddingType), "dimension %d is not a multiple of 8", e.dim)
	}
	e.sem = make(chan struct{}, cfg.concurrency)
	def, q, d := "", "", ""
	if p.prompts != nil {
		def, q, d = p.prompts(e)
	}
	model := p.name + ":" + p.model
	if cfg.embeddingType != "" && cfg.embeddingType != "float" {
		model += " embedding_type=" + cfg.embeddingType
	}
	if cfg.lateChunking {
		model += " late_chunking"
	}
	e.id = embed.Identity{
		Model:          model,
		Dim:            e.dim,
		Normalized:     p.normalized && (cfg.embeddingType == "" || cfg.embeddingType == "float"),
		Prompt:         def,
		QueryPrompt:    q,
		DocumentPrompt: d,
	}
	return e, nil
}

// Dim returns the length of the vectors the encoder returns.
func (e *Encoder) Dim() int { return e.dim }

// Identity describes the embedding space: Model is "provider:model" (with
// a quantised embedding type or late chunking after it), Dim the vectors'
// length, and Prompt, QueryPrompt and DocumentPrompt what the three
// methods ask the API for (empty where it makes no difference).
func (e *Encoder) Identity() embed.Identity { return e.id }

// Usage returns the requests sent so far (retries included) and the input
// tokens the API reported for the successful ones.
func (e *Encoder) Usage() Usage {
	return Usage{Requests: e.reqs.Load(), InputTokens: e.tokens.Load()}
}

// Encode encodes texts with the API's default (Encode's) input type.
func (e *Encoder) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	return e.encode(ctx, roleDefault, texts)
}

// EncodeQueries encodes texts as search queries.
func (e *Encoder) EncodeQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return e.encode(ctx, roleQuery, texts)
}

// EncodeDocuments encodes texts as the documents searched.
func (e *Encoder) EncodeDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	return e.encode(ctx, roleDocument, texts)
}

// span is a batch: texts[lo:hi].
type span struct{ lo, hi int }

// limits returns the inputs and tokens per request: the provider's,
// lowered by the options.
func (e *Encoder) limits() (inputs, tokens int) {
	inputs, tokens = e.p.maxInputs, e.p.maxTokens
	if b := e.cfg.batchInputs; b > 0 && b < inputs {
		inputs = b
	}
	if b := e.cfg.batchTokens; b > 0 && (tokens == 0 || b < tokens) {
		tokens = b
	}
	if e.cfg.lateChunking {
		inputs = e.p.maxInputs // late chunking needs one document's chunks in one request
	}
	return inputs, tokens
}

// countTokens estimates text's tokens from above: every token of a
// byte-level or character tokenizer covers at least one byte, and two
// allow for the special tokens the model adds.
func (e *Encoder) countTokens(text string) int {
	if e.cfg.countTokens != nil {
		return e.cfg.countTokens(text)
	}
	return len(text) + 2
}

// batches splits texts into spans within the limits. A single text over
// the token limit goes alone; the API then decides (truncate or refuse).
func (e *Encoder) batches(texts []string) []span {
	inputs, tokens := e.limits()
	var out []span
	lo, sum := 0, 0
	for i, t := range texts {
		n := e.countTokens(t)
		if i > lo && (i-lo >= inputs || (tokens > 0 && sum+n > tokens)) {
			out = append(out, span{lo, i})
			lo, sum = i, 0
		}
		sum += n
	}
	if lo < len(texts) {
		out = append(out, span{lo, len(texts)})
	}
	return out
}

func (e *Encoder) encode(ctx context.Context, r role, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	for i, t := range texts {
		if !utf8.ValidString(t) {
			return nil, fmt.Errorf("remote: %s: text %d: not valid UTF-8: %w", e.p.name, i, errs.ErrInvalidInput)
		}
	}
	spans := e.batches(texts)
	if e.cfg.lateChunking && len(spans) > 1 {
		return nil, fmt.Errorf("remote: %s: late chunking: %d texts do not fit one request (%d inputs): %w", e.p.name, len(texts), e.p.maxInputs, errs.ErrInvalidInput)
	}
	out := make([][]float32, len(texts))
	if len(spans) == 1 {
		vecs, err := e.request(ctx, r, texts)
		if err != nil {
			return nil, err
		}
		return vecs, nil
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	workers := min(e.cfg.concurrency, len(spans))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(spans) || cctx.Err() != nil {
					return
				}
				s := spans[i]
				vecs, err := e.request(cctx, r, texts[s.lo:s.hi])
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				copy(out[s.lo:s.hi], vecs)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// request sends one batch, retrying what can be retried.
func (e *Encoder) request(ctx context.Context, r role, texts []string) ([][]float32, error) {
	body, err := json.Marshal(e.p.body(e, r, texts))
	if err != nil {
		return nil, fmt.Errorf("remote: %s: encoding the request: %v: %w", e.p.name, err, errs.ErrInvalidInput)
	}
	url := e.p.url(e, r)
	for attempt := 0; ; attempt++ {
		vecs, tokens, err := e.attempt(ctx, url, body, len(texts))
		if err == nil {
			e.tokens.Add(tokens)
			if e.cfg.onUsage != nil {
				e.cfg.onUsage(Usage{Requests: 1, InputTokens: tokens})
			}
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var tr *transient
		if !errors.As(err, &tr) || attempt >= e.cfg.retries {
			if tr != nil {
				return nil, tr.err
			}
			return nil, err
		}
		wait := e.backoff(attempt)
		if tr.retryAfter > 0 {
			if tr.retryAfter > e.cfg.maxWait {
				return nil, fmt.Errorf("%w (Retry-After %v is longer than %v)", tr.err, tr.retryAfter, e.cfg.maxWait)
			}
			wait = tr.retryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is attempt's wait: full jitter over min·2^attempt, capped at max.
func (e *Encoder) backoff(attempt int) time.Duration {
	d := e.cfg.minBackoff << min(attempt, 30)
	if d <= 0 || d > e.cfg.maxBackoff {
		d = e.cfg.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// transient wraps an error that a retry may cure.
type transient struct {
	err        error
	retryAfter time.Duration
}

func (t *transient) Error() string { return t.err.Error() }
func (t *transient) Unwrap() error { return t.err }

// maxErrorBody bounds what is read of an error answer.
const maxErrorBody = 64 << 10

// responseLimit bounds a successful answer of n vectors to a request of
// reqBytes: JSON numbers take at most about 25 bytes, base64 under 6 per
// component; 512 bytes a vector and 64 KiB cover the rest of the JSON,
// and six times the request an echo of the texts (Cohere returns them),
// escaped.
func (e *Encoder) responseLimit(n, reqBytes int) int64 {
	return 64<<10 + int64(n)*(int64(e.dim)*32+512) + 6*int64(reqBytes)
}

// attempt sends one request and decodes its answer.
func (e *Encoder) attempt(ctx context.Context, url string, body []byte, n int) ([][]float32, int64, error) {
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	defer func() { <-e.sem }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("remote: %s: request: %v: %w", e.p.name, e.redact(err.Error()), errs.ErrInvalidOption)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, vs := range e.cfg.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if e.key != "" {
		e.p.auth(req.Header, e.key)
	}
	e.reqs.Add(1)
	resp, err := e.cfg.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		// The url error repeats the URL, which holds no key (keys go in
		// headers), but redact anyway.
		return nil, 0, &transient{err: fmt.Errorf("remote: %s: %s: %w", e.p.name, e.redact(err.Error()), errs.ErrEncoder)}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		ae := &APIError{Provider: e.p.name, StatusCode: resp.StatusCode, Message: e.redact(cleanMessage(e.p.message(data), data))}
		if resp.StatusCode == http.StatusTooManyRequests || (resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented) {
			ae.RetryAfter = e.retryAfter(resp.Header.Get("Retry-After"))
			return nil, 0, &transient{err: ae, retryAfter: ae.RetryAfter}
		}
		return nil, 0, ae
	}
	limit := e.responseLimit(n, len(body))
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, &transient{err: fmt.Errorf("remote: %s: reading the response: %s: %w", e.p.name, e.redact(err.Error()), errs.ErrCorrupt)}
	}
	if int64(len(data)) > limit {
		return nil, 0, fmt.Errorf("remote: %s: response: larger than %d bytes for %d vectors of %d dimensions: %w", e.p.name, limit, n, e.dim, errs.ErrCorrupt)
	}
	vecs, tokens, err := e.p.parse(e, data, n)
	if err != nil {
		return nil, 0, err
	}
	return vecs, tokens, nil
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func (e *Encoder) retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || s != s {
			return 0
		}
		if s > 1e6 {
			s = 1e6
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(e.timeNow()); d > 0 {
			return d
		}
	}
	return 0
}

// redact removes the key from s.
func (e *Encoder) redact(s string) string {
	if e.key == "" {
		return s
	}
	return strings.ReplaceAll(s, e.key, "[redacted]")
}

// cleanMessage is the provider's message, or the start of the body when
// none was found, on one line and at most 500 bytes.
func cleanMessage(msg string, body []byte) string {
	if msg == "" {
		msg = string(body)
	}
	msg = strings.ToValidUTF8(msg, "?")
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 500 {
		cut := 500
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// APIError is an error answer from a hosted API.
type APIError struct {
	// Provider names the API ("openai", "cohere", ...).
	Provider string
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the provider's error message (its JSON error field, or
	// the start of the body), without the API key.
	Message string
	// RetryAfter is the wait the server asked for, if any.
	RetryAfter time.Duration
}

// Error gives the provider, the status and the message, then the
// sentinel's text.
func (e *APIError) Error() string {
	return fmt.Sprintf("remote: %s: HTTP %d %s: %s: %v", e.Provider, e.StatusCode, http.StatusText(e.StatusCode), e.Message, e.Unwrap())
}

// Unwrap returns the errs sentinel of the status (see the package
// documentation).
func (e *APIError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return errs.ErrInvalidInput
	case http.StatusUnauthorized, http.StatusForbidden:
		return errs.ErrInvalidOption
	case http.StatusNotFound:
		return errs.ErrNotFound
	}
	return errs.ErrEncoder
}
