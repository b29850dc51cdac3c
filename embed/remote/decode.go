// decode.go checks and converts what a response holds before anything
// uses it: the number of vectors, their order, their length, finite
// values, and quantised or base64 encodings.

package remote

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
)

// corrupt is a response that does not follow the documented format.
func (e *Encoder) corrupt(field, format string, args ...any) error {
	return fmt.Errorf("remote: %s: response: %s: %s: %w", e.p.name, field, fmt.Sprintf(format, args...), errs.ErrCorrupt)
}

// unmarshal decodes a response body, naming the provider on failure.
func (e *Encoder) unmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return e.corrupt("body", "%v", err)
	}
	return nil
}

// count checks that a response has n vectors.
func (e *Encoder) count(field string, got, n int) error {
	if got != n {
		return fmt.Errorf("remote: %s: response: %s: %d vectors for %d texts: %w", e.p.name, field, got, n, errs.ErrEncoder)
	}
	return nil
}

// wrongDim reports a vector of another length than the encoder's.
func (e *Encoder) wrongDim(i, got, want int) error {
	return fmt.Errorf("remote: %s: response: vector %d: %d components, want %d: %w", e.p.name, i, got, want, errs.ErrEncoder)
}

// vector converts vector i of the response, raw JSON (an array of numbers,
// or a base64 string when b64), according to the embedding type.
func (e *Encoder) vector(i int, raw json.RawMessage, b64 bool) ([]float32, error) {
	if b64 {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, e.corrupt(fmt.Sprintf("vector %d", i), "want a base64 string: %v", err)
		}
		return e.fromBase64(i, s)
	}
	// Check the length before decoding the numbers.
	var vals []float64
	if err := json.Unmarshal(raw, &vals); err != nil {
		return nil, e.corrupt(fmt.Sprintf("vector %d", i), "want an array of numbers: %v", err)
	}
	return e.fromNumbers(i, vals)
}

// fromNumbers converts decoded numbers per the embedding type.
func (e *Encoder) fromNumbers(i int, vals []float64) ([]float32, error) {
	switch t := e.cfg.embeddingType; t {
	case "", "float":
		if len(vals) != e.dim {
			return nil, e.wrongDim(i, len(vals), e.dim)
		}
		v := make([]float32, len(vals))
		for j, x := range vals {
			if math.IsNaN(x) || math.Abs(x) > math.MaxFloat32 {
				return nil, fmt.Errorf("remote: %s: response: vector %d component %d: %v: %w", e.p.name, i, j, x, errs.ErrNonFinite)
			}
			v[j] = float32(x)
		}
		return v, nil
	case "int8", "uint8":
		if len(vals) != e.dim {
			return nil, e.wrongDim(i, len(vals), e.dim)
		}
		lo, hi := -128.0, 127.0
		if t == "uint8" {
			lo, hi = 0, 255
		}
		v := make([]float32, len(vals))
		for j, x := range vals {
			if x != math.Trunc(x) || x < lo || x > hi {
				return nil, e.corrupt(fmt.Sprintf("vector %d component %d", i, j), "%v is not a %s", x, t)
			}
			v[j] = float32(x)
		}
		return v, nil
	default: // binary, ubinary
		if len(vals) != e.dim/8 {
			return nil, fmt.Errorf("remote: %s: response: vector %d: %d packed bytes, want %d for %d dimensions: %w", e.p.name, i, len(vals), e.dim/8, e.dim, errs.ErrEncoder)
		}
		lo, hi := -128.0, 127.0
		if t == "ubinary" {
			lo, hi = 0, 255
		}
		v := make([]float32, e.dim)
		for j, x := range vals {
			if x != math.Trunc(x) || x < lo || x > hi {
				return nil, e.corrupt(fmt.Sprintf("vector %d byte %d", i, j), "%v is not a %s byte", x, t)
			}
			b := byte(int(x)) // ubinary: the packed byte
			if t == "binary" {
				b = byte(int(x) + 128) // binary: the packed byte minus 128, as a signed byte
			}
			for k := range 8 {
				if b&(0x80>>k) != 0 {
					v[8*j+k] = 1
				} else {
					v[8*j+k] = -1
				}
			}
		}
		return v, nil
	}
}

// fromBase64 decodes OpenAI's base64 encoding: little-endian float32s.
func (e *Encoder) fromBase64(i int, s string) ([]float32, error) {
	if base64.StdEncoding.DecodedLen(len(s)) > 4*e.dim+3 {
		return nil, e.wrongDim(i, base64.StdEncoding.DecodedLen(len(s))/4, e.dim)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, e.corrupt(fmt.Sprintf("vector %d", i), "base64: %v", err)
	}
	if len(b)%4 != 0 {
		return nil, e.corrupt(fmt.Sprintf("vector %d", i), "%d bytes is not whole float32s", len(b))
	}
	if len(b)/4 != e.dim {
		return nil, e.wrongDim(i, len(b)/4, e.dim)
	}
	v := make([]float32, e.dim)
	for j := range v {
		x := math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("remote: %s: response: vector %d component %d: %v: %w", e.p.name, i, j, x, errs.ErrNonFinite)
		}
		v[j] = x
	}
	return v, nil
}

// dataItem is an entry of the "data" array of OpenAI-style responses
// (OpenAI, Voyage, Jina, Upstage).
type dataItem struct {
	Index     *int            `json:"index"`
	Embedding json.RawMessage `json:"embedding"`
}

// dataResponse is an OpenAI-style response.
type dataResponse struct {
	Data  []dataItem `json:"data"`
	Usage *struct {
		PromptTokens *int64 `json:"prompt_tokens"`
		TotalTokens  *int64 `json:"total_tokens"`
	} `json:"usage"`
}

// parseData decodes an OpenAI-style response of n vectors, placing each
// at its index.
func (e *Encoder) parseData(data []byte, n int, b64 bool) ([][]float32, int64, error) {
	var r dataResponse
	if err := e.unmarshal(data, &r); err != nil {
		return nil, 0, err
	}
	if r.Data == nil {
		return nil, 0, e.corrupt("data", "missing")
	}
	if err := e.count("data", len(r.Data), n); err != nil {
		return nil, 0, err
	}
	out := make([][]float32, n)
	for k, item := range r.Data {
		i := k
		if item.Index != nil {
			i = *item.Index
		}
		if i < 0 || i >= n || out[i] != nil {
			return nil, 0, e.corrupt(fmt.Sprintf("data[%d].index", k), "%d is out of range or repeated for %d texts", i, n)
		}
		if len(item.Embedding) == 0 {
			return nil, 0, e.corrupt(fmt.Sprintf("data[%d].embedding", k), "missing")
		}
		v, err := e.vector(i, item.Embedding, b64)
		if err != nil {
			return nil, 0, err
		}
		out[i] = v
	}
	var tokens int64
	if r.Usage != nil {
		switch {
		case r.Usage.PromptTokens != nil:
			tokens = *r.Usage.PromptTokens
		case r.Usage.TotalTokens != nil:
			tokens = *r.Usage.TotalTokens
		}
	}
	if tokens < 0 {
		return nil, 0, e.corrupt("usage", "negative token count %d", tokens)
	}
	return out, tokens, nil
}

// messageOf extracts an error message from the usual error bodies:
// {"error": {"message": ...}} (OpenAI, Gemini), {"error": "..."},
// {"message": "..."} (Cohere, Ollama's errors are {"error": "..."}),
// {"detail": "..."} or {"detail": [{"msg": ...}]} (Voyage, Jina).
func messageOf(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if len(v.Error) > 0 {
		var s string
		if json.Unmarshal(v.Error, &s) == nil {
			return s
		}
		var o struct {
			Message string `json:"message"`
			Status  string `json:"status"`
		}
		if json.Unmarshal(v.Error, &o) == nil && o.Message != "" {
			return o.Message
		}
	}
	if v.Message != "" {
		return v.Message
	}
	if len(v.Detail) > 0 {
		var s string
		if json.Unmarshal(v.Detail, &s) == nil {
			return s
		}
		var list []struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal(v.Detail, &list) == nil && len(list) > 0 {
			return list[0].Msg
		}
	}
	return ""
}
