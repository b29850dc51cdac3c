// example_test.go holds the package's runnable examples: one against a
// local httptest server speaking OpenAI's format (so it runs offline),
// and one per provider that needs only the provider's key to run.

package remote_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/remote"
)

// A stand-in for an OpenAI-compatible server (vLLM, TEI, Ollama's /v1):
// it answers POST /v1/embeddings with a 3-dimensional vector per input,
// in OpenAI's response format.
func fakeServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":{"message":"bad body"}}`, http.StatusBadRequest)
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string         `json:"object"`
			Data   []item         `json:"data"`
			Model  string         `json:"model"`
			Usage  map[string]int `json:"usage"`
		}{Object: "list", Model: req.Model, Usage: map[string]int{"prompt_tokens": 0, "total_tokens": 0}}
		for i, t := range req.Input {
			resp.Data = append(resp.Data, item{"embedding", i, []float32{float32(len(t)), 1, 0}})
			resp.Usage["prompt_tokens"] += len(t)
		}
		resp.Usage["total_tokens"] = resp.Usage["prompt_tokens"]
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
}

// An OpenAI-compatible server, with the token usage it reports.
func ExampleNewOpenAICompatible() {
	srv := fakeServer()
	defer srv.Close()

	enc, err := remote.NewOpenAICompatible(srv.URL+"/v1", "BAAI/bge-m3", remote.WithExpectedDim(3))
	if err != nil {
		log.Fatal(err)
	}
	vecs, err := enc.Encode(context.Background(), []string{"hello", "안녕하세요"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(vecs)
	fmt.Printf("%+v\n", enc.Usage())
	fmt.Println(enc.Identity().Model, enc.Dim())
	// Output:
	// [[5 1 0] [15 1 0]]
	// {Requests:1 InputTokens:20}
	// openai-compatible:BAAI/bge-m3 3
}

// OpenAI; the key comes from OPENAI_API_KEY.
func ExampleNewOpenAI() {
	enc, err := remote.NewOpenAI("text-embedding-3-small", remote.WithDimensions(512))
	if err != nil {
		log.Fatal(err)
	}
	vecs, err := enc.Encode(context.Background(), []string{"The quick brown fox"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(vecs[0]), enc.Usage().InputTokens)
}

// Cohere distinguishes queries and documents; the key comes from
// CO_API_KEY.
func ExampleNewCohere() {
	enc, err := remote.NewCohere("embed-multilingual-v3.0")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	docs, err := embed.EncodeDocuments(ctx, enc, []string{"서울은 대한민국의 수도이다.", "Paris is the capital of France."})
	if err != nil {
		log.Fatal(err)
	}
	query, err := embed.EncodeQueries(ctx, enc, []string{"한국의 수도는?"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(docs), len(query[0]))
}

// Voyage; the key comes from VOYAGE_API_KEY.
func ExampleNewVoyage() {
	enc, err := remote.NewVoyage("voyage-3.5", remote.WithDimensions(256))
	if err != nil {
		log.Fatal(err)
	}
	q, err := enc.EncodeQueries(context.Background(), []string{"what is a vector database?"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(q[0]))
}

// Jina with late chunking: the chunks of one document see each other;
// the key comes from JINA_API_KEY.
func ExampleNewJina() {
	enc, err := remote.NewJina("jina-embeddings-v3", remote.WithLateChunking(true))
	if err != nil {
		log.Fatal(err)
	}
	chunks := []string{"Berlin is the capital of Germany.", "Its population is 3.85 million."}
	vecs, err := enc.EncodeDocuments(context.Background(), chunks)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(vecs))
}

// Upstage's query and passage models, for Korean; the key comes from
// UPSTAGE_API_KEY.
func ExampleNewUpstage() {
	enc, err := remote.NewUpstage(remote.UpstageQuery, remote.UpstagePassage)
	if err != nil {
		log.Fatal(err)
	}
	q, err := enc.EncodeQueries(context.Background(), []string{"한국어 임베딩 모델"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(q[0]))
}

// Gemini; the key comes from GEMINI_API_KEY.
func ExampleNewGemini() {
	enc, err := remote.NewGemini("gemini-embedding-001", remote.WithDimensions(768))
	if err != nil {
		log.Fatal(err)
	}
	d, err := enc.EncodeDocuments(context.Background(), []string{"a document"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(d[0]))
}

// A local Ollama server (http://localhost:11434 or $OLLAMA_HOST); no key.
func ExampleNewOllama() {
	enc, err := remote.NewOllama("nomic-embed-text")
	if err != nil {
		log.Fatal(err)
	}
	v, err := enc.Encode(context.Background(), []string{"hello"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(v[0]))
}
