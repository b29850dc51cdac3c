// Package ganada is a pure-Go library for sentence embeddings and in-process
// vector search: load a sentence-embedding model from a Hugging Face model
// folder, encode text on the CPU, and answer top-k semantic queries from an
// in-memory index, with no Python, no server and no cgo.
//
// The module is organised as rooms, each with one job:
//
//   - embed: the Encoder interface (texts → vectors) and its implementations:
//     tokenizers (embed/tokenizer), transformer models (embed/transformer),
//     static word-vector models (embed/static).
//   - pool: token vectors → one sentence vector (mean, CLS, max, last-token, ...).
//   - similarity: dot, cosine, L2, int8 and binary kernels, SIMD with pure-Go
//     fallbacks.
//   - matryoshka: dimension truncation with renormalisation.
//   - index: exact (index/flat) and HNSW (index/hnsw) top-k search.
//   - examples: runnable programs.
//
// The benchmarks that compare ganada with its peers live in bench/, a
// separate Go module, so that the peers never enter users' builds.
package ganada
