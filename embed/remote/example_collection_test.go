// example_collection_test.go shows a hosted encoder behind the embedding
// cache in a Collection, against a local stand-in server so that it runs
// offline.

package remote_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/ganada/ganada"
	"github.com/ganada/ganada/embed/cache"
	"github.com/ganada/ganada/embed/remote"
)

// A stand-in for an OpenAI-compatible server whose "model" counts three
// topic words; it reports how many texts it was sent.
func topicServer(sent *int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		*sent += len(req.Input)
		var data []map[string]any
		for i, t := range req.Input {
			t = strings.ToLower(t)
			v := []float32{float32(strings.Count(t, "cat")), float32(strings.Count(t, "bread")), float32(strings.Count(t, "orbit")), 0.1}
			data = append(data, map[string]any{"index": i, "embedding": v})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	}))
}

// A hosted encoder in a Collection, behind the embedding cache: changing
// the encoder line is all it takes to switch from a local model.
func ExampleNewOpenAICompatible_collection() {
	var sent int
	srv := topicServer(&sent)
	defer srv.Close()
	ctx := context.Background()

	api, err := remote.NewOpenAICompatible(srv.URL+"/v1", "topics", remote.WithExpectedDim(4))
	if err != nil {
		log.Fatal(err)
	}
	enc, err := cache.New(api)
	if err != nil {
		log.Fatal(err)
	}
	col, err := ganada.NewCollection(enc, ganada.WithFlat())
	if err != nil {
		log.Fatal(err)
	}
	docs := []ganada.Document{
		{ID: "1", Text: "The cat sleeps on the sofa."},
		{ID: "2", Text: "Bread dough rises for an hour."},
		{ID: "3", Text: "Rockets reach orbit by burning fuel."},
	}
	if err := col.Add(ctx, docs...); err != nil {
		log.Fatal(err)
	}
	if err := col.Add(ctx, docs...); err != nil { // re-adding: no text is sent again
		log.Fatal(err)
	}
	hits, err := col.Query(ctx, "a cat", 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].ID, hits[0].Text)
	fmt.Println("texts sent to the API:", sent)
	// Output:
	// 1 The cat sleeps on the sofa.
	// texts sent to the API: 4
}
