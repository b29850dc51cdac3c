// Package remote holds embed.Encoders that call hosted embedding APIs:
// OpenAI's /v1/embeddings and every server that speaks it (Azure OpenAI,
// vLLM, Hugging Face TEI, LM Studio, Together, Mistral, Ollama's /v1),
// Cohere's /v2/embed, Voyage AI, Jina AI, Upstage's Solar embeddings (a
// query model and a passage model), Google Gemini's batchEmbedContents and
// Ollama's own /api/embed.
//
// Switching between a local model and an API is one line:
//
//	enc, err := remote.NewOpenAI("text-embedding-3-small") // key from $OPENAI_API_KEY
//	col, err := ganada.NewCollection(enc)
//
// Every encoder is an *Encoder and shares one client core (client.go):
//
//   - inputs are split into requests within the API's documented limits,
//     in inputs and in tokens per request (tokens are estimated from above
//     as the text's UTF-8 length plus two, unless WithTokenCounter gives
//     a real count); requests run at most WithConcurrency at a time per
//     Encoder;
//   - a 429 or a 5xx answer, or a connection that fails, is retried with
//     exponential backoff and full jitter (WithRetries), waiting what a
//     Retry-After header asks for when the server sends one;
//   - the context cancels the requests and the waits between them;
//   - an error answer becomes an *APIError carrying the HTTP status and the
//     provider's own message; the API key never appears in an error (it is
//     cut from any message that echoes it) and is never logged;
//   - a response is read through a size limit computed from the batch's
//     size and the model's dimension, and is checked before use: one vector
//     per input, each of the encoder's dimension, finite values.
//
// The API key comes from WithAPIKey or the provider's usual environment
// variable (OPENAI_API_KEY, CO_API_KEY or COHERE_API_KEY, VOYAGE_API_KEY,
// JINA_API_KEY, UPSTAGE_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY,
// AZURE_OPENAI_API_KEY); WithBaseURL points any encoder at another server.
//
// # Queries and documents
//
// Every *Encoder implements embed.QueryDocumentEncoder. Where the API
// distinguishes queries from documents (Cohere's input_type, Voyage's
// input_type, Jina's task, Gemini's taskType, Upstage's two models),
// EncodeQueries and EncodeDocuments ask for each, and the Identity
// describes what was asked in QueryPrompt and DocumentPrompt (for example
// "input_type=search_query"). Elsewhere the three methods are the same.
//
// # Errors
//
// Errors wrap the sentinels of package errs: an HTTP 400, 413 or 422 is
// errs.ErrInvalidInput, 401 and 403 (a bad or missing key) are
// errs.ErrInvalidOption, 404 (an unknown model) is errs.ErrNotFound, and
// any other failed status, after the retries, is errs.ErrEncoder; all of
// them are also an *APIError (errors.As). A response that is not the
// documented JSON, or is cut short, is errs.ErrCorrupt; one with the wrong
// number of vectors or a vector of the wrong length is errs.ErrEncoder; a
// NaN or infinite component is errs.ErrNonFinite.
//
// # Testing
//
// The package's tests run against httptest servers that follow each
// provider's documented request and response format (the request JSON is
// checked field by field against the documentation: names, types, limits);
// they are tested against a fake following the documented protocol, not
// against the services. Live tests run only when the provider's key is in
// the environment (TestLive*, e.g. OPENAI_API_KEY=... go test -run Live).
package remote
