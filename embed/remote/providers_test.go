// providers_test.go tests each provider's encoder against a fake that
// follows that provider's documented protocol (request fields, types and
// limits; response shape; usage), and the fakes of the providers other
// than OpenAI.

package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

var ctx = context.Background()

// texts returns n distinct texts.
func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("text number %d 한국어 %d", i, i*i)
	}
	return out
}

// checkVecs checks got against the fake's vectors for salt.
func checkVecs(t *testing.T, got [][]float32, in []string, salt string, dim int) {
	t.Helper()
	if len(got) != len(in) {
		t.Fatalf("%d vectors for %d texts", len(got), len(in))
	}
	for i, s := range in {
		want := fakeVec(s, salt, dim)
		if len(got[i]) != dim {
			t.Fatalf("vector %d: dim %d, want %d", i, len(got[i]), dim)
		}
		for j := range want {
			if got[i][j] != want[j] {
				t.Fatalf("vector %d (%q) component %d: got %v, want %v (salt %q)", i, s, j, got[i][j], want[j], salt)
			}
		}
	}
}

func TestOpenAI(t *testing.T) {
	dims := map[string]int{"text-embedding-3-small": 1536}
	for _, b64 := range []bool{true, false} {
		t.Run(fmt.Sprint("base64=", b64), func(t *testing.T) {
			f := newFake(t, openAIFake("/v1/embeddings", dims, bearerAuth, true, ""))
			var reported Usage
			var mu = make(chan struct{}, 1)
			enc, err := NewOpenAI("text-embedding-3-small", WithAPIKey(testKey), WithBaseURL(f.URL+"/v1"),
				WithDimensions(64), WithBase64(b64), WithUsage(func(u Usage) {
					mu <- struct{}{}
					reported.Requests += u.Requests
					reported.InputTokens += u.InputTokens
					<-mu
				}))
			if err != nil {
				t.Fatal(err)
			}
			in := texts(2500) // over 2048: two requests
			got, err := enc.Encode(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			checkVecs(t, got, in, "text-embedding-3-small", 64)
			if f.calls.Load() != 2 {
				t.Errorf("%d requests for 2500 texts, want 2", f.calls.Load())
			}
			for _, b := range f.requestBodies() {
				wantFormat := `"encoding_format":"base64"`
				if strings.Contains(b, wantFormat) != b64 || !strings.Contains(b, `"dimensions":64`) {
					t.Errorf("request %.200s: want dimensions 64 and base64 %v", b, b64)
				}
			}
			if u := enc.Usage(); u.Requests != 2 || u.InputTokens != int64(words(in)) || reported != u {
				t.Errorf("usage %+v, reported %+v, want 2 requests and %d tokens", u, reported, words(in))
			}
			// Queries and documents are encoded alike.
			q, err := embed.EncodeQueries(ctx, enc, in[:3])
			if err != nil {
				t.Fatal(err)
			}
			checkVecs(t, q, in[:3], "text-embedding-3-small", 64)
			id := enc.Identity()
			if id.Model != "openai:text-embedding-3-small" || id.Dim != 64 || !id.Normalized || id.QueryPrompt != "" {
				t.Errorf("identity %+v", id)
			}
		})
	}
	t.Run("native dimension", func(t *testing.T) {
		f := newFake(t, openAIFake("/v1/embeddings", dims, bearerAuth, true, ""))
		enc, err := NewOpenAI("text-embedding-3-small", WithAPIKey(testKey), WithBaseURL(f.URL+"/v1"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := enc.Encode(ctx, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		checkVecs(t, got, []string{"a", "b"}, "text-embedding-3-small", 1536)
	})
	t.Run("token limit", func(t *testing.T) {
		f := newFake(t, openAIFake("/v1/embeddings", dims, bearerAuth, true, ""))
		enc, err := NewOpenAI("text-embedding-3-small", WithAPIKey(testKey), WithBaseURL(f.URL+"/v1"), WithDimensions(8))
		if err != nil {
			t.Fatal(err)
		}
		in := make([]string, 100)
		for i := range in {
			in[i] = strings.Repeat(fmt.Sprintf("w%d ", i), 3000) // 12-15 KB each: 1.3 MB in all
		}
		got, err := enc.Encode(ctx, in)
		if err != nil {
			t.Fatal(err) // the fake refuses a request over 300,000 tokens
		}
		checkVecs(t, got, in, "text-embedding-3-small", 8)
		if c := f.calls.Load(); c < 5 {
			t.Errorf("%d requests for 1.3 MB of text, want at least 5", c)
		}
	})
}

func TestAzureOpenAI(t *testing.T) {
	path := "/openai/deployments/my-embed/embeddings"
	auth := func(r *http.Request) (int, any, bool) {
		if r.Header.Get("Api-Key") != testKey || r.Header.Get("Authorization") != "" {
			return 401, map[string]any{"error": map[string]any{"code": "401", "message": "Access denied due to invalid subscription key."}}, false
		}
		if r.URL.Query().Get("api-version") != "2024-10-21" {
			return 404, map[string]any{"error": map[string]any{"code": "404", "message": "Resource not found"}}, false
		}
		return 0, nil, true
	}
	f := newFake(t, openAIFake(path, map[string]int{"text-embedding-3-large": 3072}, auth, false, "text-embedding-3-large"))
	t.Setenv("AZURE_OPENAI_API_KEY", testKey)
	enc, err := NewAzureOpenAI(f.URL, "my-embed", "text-embedding-3-large", "", WithDimensions(256))
	if err != nil {
		t.Fatal(err)
	}
	got, err := enc.EncodeDocuments(ctx, []string{"one", "two", "three"})
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, got, []string{"one", "two", "three"}, "text-embedding-3-large", 256)
	if id := enc.Identity(); id.Model != "azure-openai:text-embedding-3-large" || id.Dim != 256 {
		t.Errorf("identity %+v", id)
	}
}

func TestOpenAICompatible(t *testing.T) {
	dims := map[string]int{"BAAI/bge-m3": 1024}
	f := newFake(t, openAIFake("/v1/embeddings", dims, func(r *http.Request) (int, any, bool) {
		if r.Header.Get("Authorization") != "" {
			return 400, map[string]any{"error": "no key expected"}, false
		}
		return 0, nil, true
	}, true, ""))
	t.Setenv("OPENAI_API_KEY", testKey) // not used by a compatible server
	if _, err := NewOpenAICompatible(f.URL+"/v1", "BAAI/bge-m3"); !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), "WithExpectedDim") {
		t.Errorf("no dimension: %v, want ErrInvalidOption naming WithExpectedDim", err)
	}
	enc, err := NewOpenAICompatible(f.URL+"/v1", "BAAI/bge-m3", WithExpectedDim(1024))
	if err != nil {
		t.Fatal(err)
	}
	got, err := enc.Encode(ctx, []string{"vLLM", "TEI"})
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, got, []string{"vLLM", "TEI"}, "BAAI/bge-m3", 1024)
	if b := f.requestBodies()[0]; strings.Contains(b, "encoding_format") || strings.Contains(b, "dimensions") {
		t.Errorf("request %s: a compatible server gets neither encoding_format nor dimensions by default", b)
	}
	// A wrong expected dimension is caught on the response.
	enc, _ = NewOpenAICompatible(f.URL+"/v1", "BAAI/bge-m3", WithExpectedDim(768))
	if _, err := enc.Encode(ctx, []string{"x"}); !errors.Is(err, errs.ErrEncoder) {
		t.Errorf("wrong expected dim: %v, want ErrEncoder", err)
	}
}

// cohereFake follows Cohere's POST /v2/embed: model (string, required),
// input_type (required: search_document, search_query, classification,
// clustering), texts (1..96 strings), embedding_types (float, int8, uint8,
// binary, ubinary; float when absent), output_dimension (256, 512, 1024,
// 1536), max_tokens, truncate (NONE, START, END). It answers {"id",
// "embeddings": {type: [...]}, "texts", "meta": {"api_version":
// {"version": "2"}, "billed_units": {"input_tokens": n}}}; errors are
// {"message": ...}.
func cohereFake(f *fake, r *http.Request, body []byte) (int, any) {
	if r.URL.Path != "/v2/embed" {
		return 404, map[string]any{"message": "not found"}
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		return 401, map[string]any{"message": "invalid api token"}
	}
	var req struct {
		Model           *string   `json:"model"`
		InputType       *string   `json:"input_type"`
		Texts           *[]string `json:"texts"`
		EmbeddingTypes  *[]string `json:"embedding_types"`
		OutputDimension *int      `json:"output_dimension"`
		MaxTokens       *int      `json:"max_tokens"`
		Truncate        *string   `json:"truncate"`
	}
	bad := func(msg string) (int, any) { return 400, map[string]any{"id": "x", "message": msg} }
	if err := strict(body, &req); err != nil {
		return bad("invalid request: " + err.Error())
	}
	if req.Model == nil || req.InputType == nil || req.Texts == nil {
		return bad("model, input_type and texts are required")
	}
	if !slices.Contains([]string{"search_document", "search_query", "classification", "clustering"}, *req.InputType) {
		return bad("invalid input_type")
	}
	if len(*req.Texts) == 0 || len(*req.Texts) > 96 {
		return bad(fmt.Sprintf("invalid request: total number of texts must be at most 96 - received %d", len(*req.Texts)))
	}
	dim := map[string]int{"embed-v4.0": 1536, "embed-multilingual-v3.0": 1024}[*req.Model]
	if dim == 0 {
		return 404, map[string]any{"message": "model '" + *req.Model + "' not found"}
	}
	if req.OutputDimension != nil {
		if !slices.Contains([]int{256, 512, 1024, 1536}, *req.OutputDimension) || *req.Model != "embed-v4.0" {
			return bad("invalid output_dimension")
		}
		dim = *req.OutputDimension
	}
	types := []string{"float"}
	if req.EmbeddingTypes != nil {
		types = *req.EmbeddingTypes
	}
	embs := map[string]any{}
	for _, typ := range types {
		var vecs []any
		for _, s := range *req.Texts {
			vecs = append(vecs, quantise(fakeVec(s, *req.Model+"/"+*req.InputType, dim), typ))
		}
		if vecs == nil {
			return bad("bad embedding type " + typ)
		}
		embs[typ] = vecs
	}
	return 200, map[string]any{"id": "e1", "embeddings": embs, "texts": *req.Texts, "response_type": "embeddings_by_type",
		"meta": map[string]any{"api_version": map[string]any{"version": "2"}, "billed_units": map[string]any{"input_tokens": words(*req.Texts)}}}
}

// quantise is sentence-transformers' quantize_embeddings convention for
// the integer types with a fixed range [-1, 1], and packbits for binary.
func quantise(v []float32, typ string) any {
	switch typ {
	case "float":
		return v
	case "int8", "uint8":
		out := make([]int, len(v))
		for i, x := range v {
			q := int(math.Round(float64(x) * 127))
			if typ == "uint8" {
				q += 128
			}
			out[i] = q
		}
		return out
	case "binary", "ubinary":
		out := make([]int, len(v)/8)
		for i := range out {
			b := 0
			for k := range 8 {
				if v[8*i+k] > 0 {
					b |= 0x80 >> k
				}
			}
			if typ == "binary" {
				b -= 128
			}
			out[i] = b
		}
		return out
	}
	return nil
}

// dequantise is what the encoder should return for a quantised vector.
func dequantise(v []float32, typ string) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		switch typ {
		case "int8":
			out[i] = float32(math.Round(float64(x) * 127))
		case "uint8":
			out[i] = float32(math.Round(float64(x)*127) + 128)
		default:
			out[i] = -1
			if x > 0 {
				out[i] = 1
			}
		}
	}
	return out
}

func TestCohere(t *testing.T) {
	f := newFake(t, cohereFake)
	t.Setenv("CO_API_KEY", testKey)
	enc, err := NewCohere("embed-v4.0", WithBaseURL(f.URL), WithDimensions(256))
	if err != nil {
		t.Fatal(err)
	}
	in := texts(200) // 96 per request: 3 requests
	q, err := enc.EncodeQueries(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, q, in, "embed-v4.0/search_query", 256)
	if f.calls.Load() != 3 {
		t.Errorf("%d requests for 200 texts, want 3", f.calls.Load())
	}
	d, err := enc.EncodeDocuments(ctx, in[:5])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, d, in[:5], "embed-v4.0/search_document", 256)
	p, err := enc.Encode(ctx, in[:5])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, p, in[:5], "embed-v4.0/search_document", 256)
	if u := enc.Usage(); u.InputTokens != int64(words(in)+2*words(in[:5])) {
		t.Errorf("usage %+v, want %d tokens", u, words(in)+2*words(in[:5]))
	}
	id := enc.Identity()
	if id.Model != "cohere:embed-v4.0" || id.QueryPrompt != "input_type=search_query" || id.DocumentPrompt != "input_type=search_document" || id.Prompt != "input_type=search_document" {
		t.Errorf("identity %+v", id)
	}
	// Cohere echoes the texts: a long one must not trip the size limit.
	long := []string{strings.Repeat("가나다 ", 100_000)}
	lv, err := enc.EncodeDocuments(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, lv, long, "embed-v4.0/search_document", 256)
	clu, err := NewCohere("embed-v4.0", WithBaseURL(f.URL), WithTask("clustering"), WithDimensions(256))
	if err != nil {
		t.Fatal(err)
	}
	c, err := clu.Encode(ctx, in[:2])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, c, in[:2], "embed-v4.0/clustering", 256)
	for _, typ := range []string{"int8", "uint8", "binary", "ubinary"} {
		t.Run(typ, func(t *testing.T) {
			enc, err := NewCohere("embed-multilingual-v3.0", WithBaseURL(f.URL), WithEmbeddingType(typ))
			if err != nil {
				t.Fatal(err)
			}
			got, err := enc.EncodeQueries(ctx, in[:4])
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range in[:4] {
				want := dequantise(fakeVec(s, "embed-multilingual-v3.0/search_query", 1024), typ)
				if !slices.Equal(got[i], want) {
					t.Fatalf("%s vector %d differs", typ, i)
				}
			}
			if id := enc.Identity(); id.Model != "cohere:embed-multilingual-v3.0 embedding_type="+typ || id.Dim != 1024 {
				t.Errorf("identity %+v", id)
			}
		})
	}
	if _, err := NewCohere("embed-v4.0", WithBaseURL(f.URL), WithDimensions(300)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("output_dimension 300: %v", err)
	}
	if _, err := NewCohere("embed-v4.0", WithTask("image")); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("input_type image: %v", err)
	}
}

// voyageFake follows Voyage's POST /v1/embeddings: input (1..1000
// strings, a per-model token total), model, input_type (null, query,
// document), truncation (bool), output_dimension (256, 512, 1024, 2048),
// output_dtype (float, int8, uint8, binary, ubinary), encoding_format
// (null or base64). Answer: {"object": "list", "data": [{"object":
// "embedding", "embedding": [...], "index": i}], "model", "usage":
// {"total_tokens": n}}; errors {"detail": ...}.
func voyageFake(f *fake, r *http.Request, body []byte) (int, any) {
	if r.URL.Path != "/v1/embeddings" {
		return 404, map[string]any{"detail": "Not Found"}
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		return 401, map[string]any{"detail": "Provided API key is invalid."}
	}
	var req struct {
		Input           *[]string `json:"input"`
		Model           *string   `json:"model"`
		InputType       *string   `json:"input_type"`
		Truncation      *bool     `json:"truncation"`
		OutputDimension *int      `json:"output_dimension"`
		OutputDtype     *string   `json:"output_dtype"`
		EncodingFormat  *string   `json:"encoding_format"`
	}
	bad := func(msg string) (int, any) { return 400, map[string]any{"detail": msg} }
	if err := strict(body, &req); err != nil {
		return bad(err.Error())
	}
	if req.Input == nil || req.Model == nil || len(*req.Input) == 0 || len(*req.Input) > 1000 {
		return bad("input: 1 to 1000 texts; model required")
	}
	if byteTokens(*req.Input) > voyageMaxTokens(*req.Model) {
		return bad("The max allowed tokens per submitted batch is exceeded")
	}
	it := "null"
	if req.InputType != nil {
		if *req.InputType != "query" && *req.InputType != "document" {
			return bad("input_type")
		}
		it = *req.InputType
	}
	dim := 1024
	if req.OutputDimension != nil {
		if !slices.Contains([]int{256, 512, 1024, 2048}, *req.OutputDimension) {
			return bad("output_dimension")
		}
		dim = *req.OutputDimension
	}
	typ := "float"
	if req.OutputDtype != nil {
		typ = *req.OutputDtype
	}
	var data []any
	for i, s := range *req.Input {
		q := quantise(fakeVec(s, *req.Model+"/"+it, dim), typ)
		if q == nil {
			return bad("output_dtype")
		}
		data = append(data, map[string]any{"object": "embedding", "embedding": q, "index": i})
	}
	return 200, map[string]any{"object": "list", "data": data, "model": *req.Model, "usage": map[string]any{"total_tokens": words(*req.Input)}}
}

func TestVoyage(t *testing.T) {
	f := newFake(t, voyageFake)
	enc, err := NewVoyage("voyage-3-large", WithAPIKey(testKey), WithBaseURL(f.URL+"/v1"), WithDimensions(256))
	if err != nil {
		t.Fatal(err)
	}
	in := texts(10)
	for _, c := range []struct {
		f    func(context.Context, []string) ([][]float32, error)
		salt string
	}{{enc.Encode, "null"}, {enc.EncodeQueries, "query"}, {enc.EncodeDocuments, "document"}} {
		got, err := c.f(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		checkVecs(t, got, in, "voyage-3-large/"+c.salt, 256)
	}
	if b := f.requestBodies()[0]; strings.Contains(b, "input_type") {
		t.Errorf("Encode's request %s: input_type should be null (absent)", b)
	}
	if u := enc.Usage(); u.InputTokens != int64(3*words(in)) {
		t.Errorf("usage %+v", u)
	}
	// voyage-3-large: 120K tokens a request.
	big := make([]string, 30)
	for i := range big {
		big[i] = strings.Repeat("voyage ", 2000) + fmt.Sprint(i) // 14 KB
	}
	got, err := enc.EncodeDocuments(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, got, big, "voyage-3-large/document", 256)
	enc8, err := NewVoyage("voyage-3-large", WithAPIKey(testKey), WithBaseURL(f.URL+"/v1"), WithEmbeddingType("int8"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := enc8.EncodeQueries(ctx, in[:2])
	if err != nil {
		t.Fatal(err)
	}
	if want := dequantise(fakeVec(in[1], "voyage-3-large/query", 1024), "int8"); !slices.Equal(q[1], want) {
		t.Errorf("int8 vector differs")
	}
	if enc8.Identity().Normalized || !enc.Identity().Normalized {
		t.Errorf("Normalized: float %v, int8 %v", enc.Identity().Normalized, enc8.Identity().Normalized)
	}
}

// jinaFake follows Jina's POST /v1/embeddings: model, input (1..512
// strings), task (retrieval.query, retrieval.passage, text-matching,
// classification, separation, code.query, code.passage), dimensions,
// late_chunking, embedding_type, normalized, truncate. Answer: the
// OpenAI-style list with usage {"total_tokens", "prompt_tokens"}; errors
// {"detail": ...}.
func jinaFake(f *fake, r *http.Request, body []byte) (int, any) {
	if r.URL.Path != "/v1/embeddings" {
		return 404, map[string]any{"detail": "Not Found"}
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		return 401, map[string]any{"detail": "Unauthorized"}
	}
	var req struct {
		Model         *string   `json:"model"`
		Input         *[]string `json:"input"`
		Task          *string   `json:"task"`
		Dimensions    *int      `json:"dimensions"`
		LateChunking  *bool     `json:"late_chunking"`
		EmbeddingType *string   `json:"embedding_type"`
		Normalized    *bool     `json:"normalized"`
		Truncate      *bool     `json:"truncate"`
	}
	bad := func(msg string) (int, any) { return 422, map[string]any{"detail": msg} }
	if err := strict(body, &req); err != nil {
		return bad(err.Error())
	}
	if req.Model == nil || req.Input == nil || len(*req.Input) == 0 {
		return bad("model and input required")
	}
	if len(*req.Input) > 512 {
		return bad("Each input list can contain at most 512 items.")
	}
	task := "none"
	if req.Task != nil {
		if !slices.Contains([]string{"retrieval.query", "retrieval.passage", "text-matching", "classification", "separation", "code.query", "code.passage"}, *req.Task) {
			return bad("task")
		}
		task = *req.Task
	}
	dim := 1024
	if req.Dimensions != nil {
		dim = *req.Dimensions
	}
	salt := *req.Model + "/" + task
	if req.LateChunking != nil && *req.LateChunking {
		salt += "/late:" + strings.Join(*req.Input, "|")
	}
	typ := "float"
	if req.EmbeddingType != nil {
		typ = *req.EmbeddingType
	}
	var data []any
	for i, s := range *req.Input {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": quantise(fakeVec(s, salt, dim), typ)})
	}
	n := words(*req.Input)
	return 200, map[string]any{"model": *req.Model, "object": "list", "data": data, "usage": map[string]any{"total_tokens": n, "prompt_tokens": n}}
}

func TestJina(t *testing.T) {
	f := newFake(t, jinaFake)
	t.Setenv("JINA_API_KEY", testKey)
	enc, err := NewJina("jina-embeddings-v3", WithBaseURL(f.URL+"/v1"), WithDimensions(128))
	if err != nil {
		t.Fatal(err)
	}
	in := texts(600) // 512 a request
	q, err := enc.EncodeQueries(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, q, in, "jina-embeddings-v3/retrieval.query", 128)
	d, err := enc.EncodeDocuments(ctx, in[:3])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, d, in[:3], "jina-embeddings-v3/retrieval.passage", 128)
	p, err := enc.Encode(ctx, in[:3])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, p, in[:3], "jina-embeddings-v3/none", 128)

	late, err := NewJina("jina-embeddings-v3", WithBaseURL(f.URL+"/v1"), WithLateChunking(true), WithBatchSize(2))
	if err != nil {
		t.Fatal(err)
	}
	chunks := []string{"Berlin is the capital of Germany.", "Its population is 3.85 million.", "It is also a state."}
	got, err := late.EncodeDocuments(ctx, chunks)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, got, chunks, "jina-embeddings-v3/retrieval.passage/late:"+strings.Join(chunks, "|"), 1024)
	if _, err := late.EncodeDocuments(ctx, texts(513)); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("late chunking over one request: %v, want ErrInvalidInput", err)
	}
	if id := late.Identity(); id.Model != "jina:jina-embeddings-v3 late_chunking" {
		t.Errorf("identity %+v", id)
	}
	ub, err := NewJina("jina-embeddings-v3", WithBaseURL(f.URL+"/v1"), WithEmbeddingType("ubinary"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := ub.EncodeQueries(ctx, in[:1])
	if err != nil {
		t.Fatal(err)
	}
	if want := dequantise(fakeVec(in[0], "jina-embeddings-v3/retrieval.query", 1024), "ubinary"); !slices.Equal(u[0], want) {
		t.Errorf("ubinary vector differs")
	}
	if _, err := NewJina("jina-embeddings-v3", WithEmbeddingType("int8")); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("Jina int8: %v", err)
	}
}

// upstageFake follows Upstage's POST /v1/solar/embeddings: model (a query
// or passage model), input (1..100 strings, 204,800 tokens); OpenAI's
// answer format.
func upstageFake(f *fake, r *http.Request, body []byte) (int, any) {
	if r.URL.Path != "/v1/solar/embeddings" {
		return 404, map[string]any{"error": map[string]any{"message": "not found"}}
	}
	if st, resp, ok := checkBearer(r); !ok {
		return st, resp
	}
	var req struct {
		Model *string   `json:"model"`
		Input *[]string `json:"input"`
	}
	if err := strict(body, &req); err != nil {
		return badRequest(err.Error())
	}
	if req.Model == nil || req.Input == nil || len(*req.Input) == 0 || len(*req.Input) > 100 || byteTokens(*req.Input) > 204_800 {
		return badRequest("model and 1 to 100 inputs required")
	}
	dim := upstageDims[*req.Model]
	if dim == 0 {
		return 404, map[string]any{"error": map[string]any{"message": "model not found"}}
	}
	var data []any
	for i, s := range *req.Input {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": fakeVec(s, *req.Model, dim)})
	}
	n := words(*req.Input)
	return 200, map[string]any{"object": "list", "data": data, "model": *req.Model, "usage": map[string]any{"prompt_tokens": n, "total_tokens": n}}
}

func TestUpstage(t *testing.T) {
	f := newFake(t, upstageFake)
	t.Setenv("UPSTAGE_API_KEY", testKey)
	enc, err := NewUpstage("solar-embedding-2-query", "solar-embedding-2-passage", WithBaseURL(f.URL+"/v1/solar"))
	if err != nil {
		t.Fatal(err)
	}
	in := []string{"한국어 문장 임베딩", "서울은 대한민국의 수도이다."}
	q, err := enc.EncodeQueries(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, q, in, "solar-embedding-2-query", 1024)
	d, err := enc.EncodeDocuments(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, d, in, "solar-embedding-2-passage", 1024)
	many := texts(250)
	if _, err := enc.EncodeDocuments(ctx, many); err != nil {
		t.Fatal(err)
	}
	if id := enc.Identity(); id.Model != "upstage:solar-embedding-2-query+solar-embedding-2-passage" || id.QueryPrompt != "model=solar-embedding-2-query" {
		t.Errorf("identity %+v", id)
	}
	if _, err := NewUpstage("", "", WithDimensions(256)); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("Upstage WithDimensions: %v", err)
	}
	def, err := NewUpstage("", "")
	if err != nil || def.Dim() != 4096 {
		t.Errorf("default models: dim %v, %v", def, err)
	}
}

// geminiFake follows the Gemini API's POST
// /v1beta/models/{model}:batchEmbedContents with the key in
// x-goog-api-key: {"requests": [{"model": "models/{model}", "content":
// {"parts": [{"text": ...}]}, "taskType", "title", "outputDimensionality"}]}
// (at most 100 requests, each naming the URL's model). Answer:
// {"embeddings": [{"values": [...]}]}; errors {"error": {"code",
// "message", "status"}}.
func geminiFake(f *fake, r *http.Request, body []byte) (int, any) {
	gerr := func(code int, msg, status string) (int, any) {
		return code, map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status}}
	}
	model, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/v1beta/models/"), ":batchEmbedContents")
	if !ok || !strings.HasPrefix(r.URL.Path, "/v1beta/models/") {
		return gerr(404, "not found", "NOT_FOUND")
	}
	if r.Header.Get("X-Goog-Api-Key") != testKey || r.URL.Query().Get("key") != "" {
		return gerr(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
	}
	type part struct {
		Text *string `json:"text"`
	}
	var req struct {
		Requests *[]struct {
			Model   *string `json:"model"`
			Content *struct {
				Parts *[]part `json:"parts"`
				Role  *string `json:"role"`
			} `json:"content"`
			TaskType             *string `json:"taskType"`
			Title                *string `json:"title"`
			OutputDimensionality *int    `json:"outputDimensionality"`
		} `json:"requests"`
	}
	if err := strict(body, &req); err != nil {
		return gerr(400, "Invalid JSON payload received. "+err.Error(), "INVALID_ARGUMENT")
	}
	if req.Requests == nil || len(*req.Requests) == 0 {
		return gerr(400, "requests: required", "INVALID_ARGUMENT")
	}
	if len(*req.Requests) > 100 {
		return gerr(400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch", "INVALID_ARGUMENT")
	}
	var embs []any
	for _, q := range *req.Requests {
		if q.Model == nil || *q.Model != "models/"+model || q.Content == nil || q.Content.Parts == nil || len(*q.Content.Parts) != 1 || (*q.Content.Parts)[0].Text == nil {
			return gerr(400, "request: model must match the URL's; one text part", "INVALID_ARGUMENT")
		}
		task := "none"
		if q.TaskType != nil {
			if !slices.Contains(geminiTasks, *q.TaskType) {
				return gerr(400, "taskType", "INVALID_ARGUMENT")
			}
			task = *q.TaskType
		}
		dim := geminiDims[model]
		if q.OutputDimensionality != nil {
			dim = *q.OutputDimensionality
		}
		embs = append(embs, map[string]any{"values": fakeVec(*(*q.Content.Parts)[0].Text, model+"/"+task, dim)})
	}
	return 200, map[string]any{"embeddings": embs}
}

func TestGemini(t *testing.T) {
	f := newFake(t, geminiFake)
	t.Setenv("GEMINI_API_KEY", testKey)
	enc, err := NewGemini("models/gemini-embedding-001", WithBaseURL(f.URL+"/v1beta"), WithDimensions(768))
	if err != nil {
		t.Fatal(err)
	}
	in := texts(250) // 100 a request
	q, err := enc.EncodeQueries(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, q, in, "gemini-embedding-001/RETRIEVAL_QUERY", 768)
	if f.calls.Load() != 3 {
		t.Errorf("%d requests, want 3", f.calls.Load())
	}
	d, err := enc.EncodeDocuments(ctx, in[:2])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, d, in[:2], "gemini-embedding-001/RETRIEVAL_DOCUMENT", 768)
	sim, err := NewGemini("gemini-embedding-001", WithBaseURL(f.URL+"/v1beta"), WithTask("SEMANTIC_SIMILARITY"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Encode(ctx, in[:2])
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, s, in[:2], "gemini-embedding-001/SEMANTIC_SIMILARITY", 3072)
	if id := sim.Identity(); id.Prompt != "taskType=SEMANTIC_SIMILARITY" || id.Dim != 3072 {
		t.Errorf("identity %+v", id)
	}
	if _, err := NewGemini("gemini-embedding-001", WithTask("search")); !errors.Is(err, errs.ErrInvalidOption) {
		t.Errorf("bad task: %v", err)
	}
}

// ollamaFake follows Ollama's POST /api/embed: model, input (string or
// array), truncate, dimensions, keep_alive, options. Answer: {"model",
// "embeddings": [[...]], "total_duration", "load_duration",
// "prompt_eval_count"}; errors {"error": ...}.
func ollamaFake(f *fake, r *http.Request, body []byte) (int, any) {
	if r.URL.Path != "/api/embed" {
		return 404, map[string]any{"error": "404 page not found"}
	}
	var req struct {
		Model      *string         `json:"model"`
		Input      *[]string       `json:"input"`
		Truncate   *bool           `json:"truncate"`
		Dimensions *int            `json:"dimensions"`
		KeepAlive  json.RawMessage `json:"keep_alive"`
		Options    json.RawMessage `json:"options"`
	}
	if err := strict(body, &req); err != nil {
		return 400, map[string]any{"error": err.Error()}
	}
	if req.Model == nil || req.Input == nil {
		return 400, map[string]any{"error": "model and input required"}
	}
	dim := map[string]int{"nomic-embed-text": 768, "nomic-embed-text:latest": 768}[*req.Model]
	if dim == 0 {
		return 404, map[string]any{"error": "model \"" + *req.Model + "\" not found, try pulling it first"}
	}
	if req.Dimensions != nil {
		dim = *req.Dimensions
	}
	var embs [][]float32
	for _, s := range *req.Input {
		embs = append(embs, fakeVec(s, "ollama", dim))
	}
	return 200, map[string]any{"model": *req.Model, "embeddings": embs, "total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": words(*req.Input)}
}

func TestOllama(t *testing.T) {
	f := newFake(t, ollamaFake)
	t.Setenv("OLLAMA_HOST", strings.TrimPrefix(f.URL, "http://"))
	enc, err := NewOllama("nomic-embed-text:latest")
	if err != nil {
		t.Fatal(err)
	}
	in := texts(300)
	got, err := enc.Encode(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	checkVecs(t, got, in, "ollama", 768)
	if u := enc.Usage(); u.Requests != 2 || u.InputTokens != int64(words(in)) {
		t.Errorf("usage %+v", u)
	}
	missing, err := NewOllama("no-such-model", WithExpectedDim(8))
	if err != nil {
		t.Fatal(err)
	}
	_, err = missing.Encode(ctx, in[:1])
	var ae *APIError
	if !errors.Is(err, errs.ErrNotFound) || !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message, "try pulling it first") {
		t.Errorf("unknown model: %v", err)
	}
}

// TestProviderErrors sends each provider's fake a wrong key: the error
// carries the status and the message in the provider's documented error
// body, and never the key.
func TestProviderErrors(t *testing.T) {
	const wrong = "wrong-key-0000000000"
	cases := []struct {
		name string
		h    handler
		mk   func(base string) (*Encoder, error)
		msg  string
	}{
		{"openai", openAIFake("/v1/embeddings", smallDims, bearerAuth, true, ""), func(b string) (*Encoder, error) {
			return NewOpenAI("m", WithAPIKey(wrong), WithBaseURL(b+"/v1"), WithExpectedDim(8))
		}, "Incorrect API key provided"},
		{"cohere", cohereFake, func(b string) (*Encoder, error) { return NewCohere("embed-v4.0", WithAPIKey(wrong), WithBaseURL(b)) }, "invalid api token"},
		{"voyage", voyageFake, func(b string) (*Encoder, error) {
			return NewVoyage("voyage-3.5", WithAPIKey(wrong), WithBaseURL(b+"/v1"))
		}, "Provided API key is invalid."},
		{"jina", jinaFake, func(b string) (*Encoder, error) {
			return NewJina("jina-embeddings-v3", WithAPIKey(wrong), WithBaseURL(b+"/v1"))
		}, "Unauthorized"},
		{"upstage", upstageFake, func(b string) (*Encoder, error) {
			return NewUpstage("", "", WithAPIKey(wrong), WithBaseURL(b+"/v1/solar"))
		}, "Incorrect API key"},
		{"gemini", geminiFake, func(b string) (*Encoder, error) {
			return NewGemini("gemini-embedding-001", WithAPIKey(wrong), WithBaseURL(b+"/v1beta"))
		}, "API key not valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.h)
			enc, err := c.mk(f.URL)
			if err != nil {
				t.Fatal(err)
			}
			_, err = enc.EncodeQueries(ctx, []string{"a"})
			var ae *APIError
			if !errors.As(err, &ae) || ae.Provider != c.name || !strings.Contains(ae.Message, c.msg) {
				t.Fatalf("%v, want the provider's message %q", err, c.msg)
			}
			if strings.Contains(err.Error(), wrong) {
				t.Errorf("the key is in the error: %v", err)
			}
			if ae.StatusCode == 401 && !errors.Is(err, errs.ErrInvalidOption) || ae.StatusCode == 400 && !errors.Is(err, errs.ErrInvalidInput) {
				t.Errorf("status %d: %v wraps the wrong sentinel", ae.StatusCode, err)
			}
		})
	}
}
