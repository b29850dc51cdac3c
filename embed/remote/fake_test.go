// fake_test.go is the fake servers the tests run against: an httptest
// server per provider that follows that provider's documented request and
// response format (the request JSON is decoded strictly, unknown fields
// and wrong types refused, and the documented limits checked), answers
// with vectors computed from the text and the input type, and can be made
// to fail on cue (a status with a body and headers, a truncated body, a
// delay).

package remote

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-test-0123456789abcdef-SECRET"

// fakeVec is the vector the fakes return for text under salt (the
// model and input type): deterministic, components in [-1, 1].
func fakeVec(text, salt string, dim int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(text))
	r := rand.New(rand.NewPCG(h.Sum64(), 42))
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.Float64()*2 - 1)
	}
	return v
}

// fault is a canned answer that replaces the next request's.
type fault struct {
	status  int
	header  map[string]string
	body    string
	delay   time.Duration
	cutBody bool // declare a longer Content-Length than sent
}

// fake is a provider's fake server.
type fake struct {
	*httptest.Server
	t        testing.TB
	mu       sync.Mutex
	faults   []fault
	bodies   []string // the request bodies received, in order
	headers  []http.Header
	calls    atomic.Int64
	inflight atomic.Int64
	peak     atomic.Int64
	delay    time.Duration // before every answer
	// mutate, when set, changes a success answer's vectors (wrong
	// dimension, count, non-finite values) before they are encoded.
	mutate func(vecs [][]float32) [][]float32
}

// handler answers a checked request: the vectors and the reported tokens,
// or an error status and message.
type handler func(f *fake, r *http.Request, body []byte) (status int, resp any)

func newFake(t testing.TB, h handler) *fake {
	f := &fake{t: t}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		n := f.inflight.Add(1)
		defer f.inflight.Add(-1)
		for {
			p := f.peak.Load()
			if n <= p || f.peak.CompareAndSwap(p, n) {
				break
			}
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		f.mu.Lock()
		f.bodies = append(f.bodies, string(body))
		f.headers = append(f.headers, r.Header.Clone())
		var ft *fault
		if len(f.faults) > 0 {
			ft = &f.faults[0]
			f.faults = f.faults[1:]
		}
		f.mu.Unlock()
		if f.delay > 0 {
			select {
			case <-time.After(f.delay):
			case <-r.Context().Done():
				return
			}
		}
		if ft != nil && !ft.cutBody && ft.status != 0 {
			if ft.delay > 0 {
				select {
				case <-time.After(ft.delay):
				case <-r.Context().Done():
					return
				}
			}
			for k, v := range ft.header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(ft.status)
			io.WriteString(w, ft.body)
			return
		}
		if r.Method != http.MethodPost {
			f.reply(w, 405, map[string]any{"error": map[string]any{"message": "method " + r.Method}})
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.reply(w, 415, map[string]any{"error": map[string]any{"message": "content type " + ct}})
			return
		}
		status, resp := h(f, r, body)
		if ft != nil && ft.cutBody {
			data, _ := json.Marshal(resp)
			w.Header().Set("Content-Length", fmt.Sprint(len(data)+100))
			w.WriteHeader(200)
			w.Write(data[:len(data)/2])
			return
		}
		f.reply(w, status, resp)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) reply(w http.ResponseWriter, status int, resp any) {
	data, err := json.Marshal(resp)
	if err != nil {
		f.t.Errorf("fake: encoding the answer: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// fail queues faults for the next requests.
func (f *fake) fail(fs ...fault) {
	f.mu.Lock()
	f.faults = append(f.faults, fs...)
	f.mu.Unlock()
}

func (f *fake) requestHeaders() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.headers...)
}

func (f *fake) requestBodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

// strict decodes body into v refusing unknown fields and trailing data,
// as a server validating the documented schema does.
func strict(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

func badRequest(msg string) (int, any) {
	return 400, map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}}
}

// checkBearer checks the Authorization header against testKey.
func checkBearer(r *http.Request) (int, any, bool) {
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		return 401, map[string]any{"error": map[string]any{
			"message": "Incorrect API key provided: " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "),
			"type":    "invalid_request_error", "code": "invalid_api_key"}}, false
	}
	return 0, nil, true
}

// byteTokens is the fakes' token count: UTF-8 bytes, which no real
// tokenizer's count exceeds by more than the special tokens.
func byteTokens(texts []string) int {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	return n
}

// words is the token count the fakes report as usage.
func words(texts []string) int {
	n := 0
	for _, t := range texts {
		n += len(strings.Fields(t)) + 1
	}
	return n
}

// encodeFloats is OpenAI's base64 encoding of a vector.
func encodeFloats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// openAIFake follows OpenAI's POST /v1/embeddings: the body has input
// (an array of 1..2048 non-empty strings, 300,000 tokens in all), model
// (a string; absent for Azure's deployments), and optionally dimensions
// (an integer ≥ 1), encoding_format ("float" or "base64") and user. The
// answer is {"object": "list", "data": [{"object": "embedding", "index":
// i, "embedding": [...] or "base64"}], "model": ..., "usage":
// {"prompt_tokens": n, "total_tokens": n}}, the data in reverse order to
// check that the client places vectors by index.
func openAIFake(path string, dims map[string]int, auth func(*http.Request) (int, any, bool), modelRequired bool, fixedModel string) handler {
	return func(f *fake, r *http.Request, body []byte) (int, any) {
		if r.URL.Path != path {
			return 404, map[string]any{"error": map[string]any{"message": "no route " + r.URL.Path}}
		}
		if st, resp, ok := auth(r); !ok {
			return st, resp
		}
		var req struct {
			Input          *[]string `json:"input"`
			Model          *string   `json:"model"`
			Dimensions     *int      `json:"dimensions"`
			EncodingFormat *string   `json:"encoding_format"`
			User           *string   `json:"user"`
		}
		if err := strict(body, &req); err != nil {
			return badRequest("invalid body: " + err.Error())
		}
		if req.Input == nil || len(*req.Input) == 0 || len(*req.Input) > 2048 {
			return badRequest("input: want 1 to 2048 strings")
		}
		for _, t := range *req.Input {
			if t == "" {
				return badRequest("input: empty string")
			}
		}
		if byteTokens(*req.Input) > 300_000 {
			return badRequest("Requested 300001 tokens, max 300000 tokens per request")
		}
		model := fixedModel
		if modelRequired {
			if req.Model == nil || *req.Model == "" {
				return badRequest("model: required")
			}
			model = *req.Model
		} else if req.Model != nil {
			return badRequest("model: not expected on a deployment URL")
		}
		dim, ok := dims[model]
		if !ok {
			return 404, map[string]any{"error": map[string]any{"message": "The model `" + model + "` does not exist", "code": "model_not_found"}}
		}
		if req.Dimensions != nil {
			if *req.Dimensions < 1 || *req.Dimensions > dim {
				return badRequest("dimensions: out of range")
			}
			dim = *req.Dimensions
		}
		b64 := false
		if req.EncodingFormat != nil {
			switch *req.EncodingFormat {
			case "float":
			case "base64":
				b64 = true
			default:
				return badRequest("encoding_format: want float or base64")
			}
		}
		vecs := make([][]float32, len(*req.Input))
		for i, t := range *req.Input {
			vecs[i] = fakeVec(t, model, dim)
		}
		if f.mutate != nil {
			vecs = f.mutate(vecs)
		}
		data := make([]map[string]any, len(vecs))
		for i, v := range vecs {
			var emb any = v
			if b64 {
				emb = encodeFloats(v)
			}
			data[len(vecs)-1-i] = map[string]any{"object": "embedding", "index": i, "embedding": emb}
		}
		n := words(*req.Input)
		return 200, map[string]any{"object": "list", "data": data, "model": model,
			"usage": map[string]any{"prompt_tokens": n, "total_tokens": n}}
	}
}

func bearerAuth(r *http.Request) (int, any, bool) { return checkBearer(r) }
