// live_test.go holds the opt-in tests against the real services: each
// runs only when its provider's key is in the environment (and Ollama's
// when GANADA_TEST_OLLAMA=1), encodes two texts as queries and as
// documents, and checks the dimension, finiteness and that a text is
// nearer its paraphrase than an unrelated one.

package remote

import (
	"math"
	"os"
	"testing"
)

func cos(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return d / math.Sqrt(na*nb)
}

func live(t *testing.T, env string, mk func() (*Encoder, error)) {
	if os.Getenv(env) == "" {
		t.Skipf("set %s to run against the live service", env)
	}
	enc, err := mk()
	if err != nil {
		t.Fatal(err)
	}
	q, err := enc.EncodeQueries(ctx, []string{"How do I bake bread?"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := enc.EncodeDocuments(ctx, []string{"Knead the dough and let it rise before baking the loaf.", "The stock market fell sharply on Monday."})
	if err != nil {
		t.Fatal(err)
	}
	if len(q[0]) != enc.Dim() || len(d[1]) != enc.Dim() {
		t.Fatalf("dims %d %d, want %d", len(q[0]), len(d[1]), enc.Dim())
	}
	if a, b := cos(q[0], d[0]), cos(q[0], d[1]); a <= b {
		t.Errorf("cos(query, answer) %v ≤ cos(query, unrelated) %v", a, b)
	}
	t.Logf("%s: usage %+v", enc.Identity().Model, enc.Usage())
}

func TestLiveOpenAI(t *testing.T) {
	live(t, "OPENAI_API_KEY", func() (*Encoder, error) { return NewOpenAI("text-embedding-3-small", WithDimensions(256)) })
}

func TestLiveCohere(t *testing.T) {
	env := "CO_API_KEY"
	if os.Getenv(env) == "" {
		env = "COHERE_API_KEY"
	}
	live(t, env, func() (*Encoder, error) { return NewCohere("embed-multilingual-v3.0") })
}

func TestLiveVoyage(t *testing.T) {
	live(t, "VOYAGE_API_KEY", func() (*Encoder, error) { return NewVoyage("voyage-3.5-lite") })
}

func TestLiveJina(t *testing.T) {
	live(t, "JINA_API_KEY", func() (*Encoder, error) { return NewJina("jina-embeddings-v3") })
}

func TestLiveUpstage(t *testing.T) {
	live(t, "UPSTAGE_API_KEY", func() (*Encoder, error) { return NewUpstage("", "") })
}

func TestLiveGemini(t *testing.T) {
	env := "GEMINI_API_KEY"
	if os.Getenv(env) == "" {
		env = "GOOGLE_API_KEY"
	}
	live(t, env, func() (*Encoder, error) { return NewGemini("gemini-embedding-001", WithDimensions(768)) })
}

func TestLiveOllama(t *testing.T) {
	live(t, "GANADA_TEST_OLLAMA", func() (*Encoder, error) { return NewOllama("nomic-embed-text") })
}
