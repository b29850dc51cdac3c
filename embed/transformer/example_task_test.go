// example_task_test.go shows WithTask, the task adapters of
// jina-embeddings-v3.

package transformer_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed/transformer"
)

// jina-embeddings-v3 carries LoRA adapters per task: WithTask merges the
// task's into the weights at load and makes the task's instruction the
// prompt. A retrieval index loads the model twice, "retrieval.passage" for
// its documents and "retrieval.query" for its queries. The testdata model
// (tiny-jina3, seeded weights of the real layout) stands in for
// jinaai/jina-embeddings-v3.
func ExampleWithTask() {
	ctx := context.Background()
	dir := tinyJinaV3()
	defer os.RemoveAll(dir)
	queries, err := transformer.Load(ctx, dir, transformer.WithTask("retrieval.query"))
	if err != nil {
		log.Fatal(err)
	}
	defer queries.Close()
	passages, err := transformer.Load(ctx, dir, transformer.WithTask("retrieval.passage"))
	if err != nil {
		log.Fatal(err)
	}
	defer passages.Close()
	q, err := queries.Encode(ctx, []string{"What is the capital of Korea?"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := passages.Encode(ctx, []string{"Seoul is the capital of South Korea."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n%q\n", queries.Prompt(), passages.Prompt())
	fmt.Println("dimensions:", len(q[0]), len(p[0]))
	// Output:
	// "Represent the query for retrieving evidence documents: "
	// "Represent the document for retrieval: "
	// dimensions: 32 32
}

// tinyJinaV3 assembles a model folder from testdata/tiny-jina3, which has
// no tokenizer of its own, and tiny-xlmr's tokenizer files.
func tinyJinaV3() string {
	dir, err := os.MkdirTemp("", "tiny-jina3")
	if err != nil {
		log.Fatal(err)
	}
	files := map[string]string{}
	for _, n := range []string{"config.json", "model.safetensors", "modules.json", "sentence_bert_config.json",
		"config_sentence_transformers.json", "1_Pooling/config.json"} {
		files[n] = filepath.Join("testdata", "tiny-jina3", n)
	}
	for _, n := range []string{"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"} {
		files[n] = filepath.Join("testdata", "tiny-xlmr", n)
	}
	for to, from := range files {
		b, err := os.ReadFile(from)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, to), b, 0o644)
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	return dir
}
