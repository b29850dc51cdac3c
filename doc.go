// Package ganada is a pure-Go library for sentence embeddings and in-process
// vector search: load a sentence-embedding model from a Hugging Face model
// folder, encode text on the CPU, and answer top-k semantic queries from an
// in-memory index, with no Python, no server and no cgo.
//
// # Collections
//
// A Collection composes an encoder, a vector index and the documents:
//
//	enc, _ := glove.Load() // or transformer.Load(ctx, "sentence-transformers/all-MiniLM-L6-v2")
//	col, _ := ganada.NewCollection(enc)
//	_ = col.Add(ctx, ganada.Document{ID: "1", Text: "The cat sleeps on the sofa.", Metadata: map[string]string{"lang": "en"}})
//	hits, _ := col.Query(ctx, "where is the kitten?", 5, ganada.WithFilter(ganada.Where("lang", "en")))
//	_ = col.Save(ctx, "docs.ganada") // later: ganada.Load(ctx, "docs.ganada", enc)
//
// Adds are encoded in batches and replace documents with the same ID;
// queries run in parallel with adds; filters on metadata are applied inside
// the index's search (WithFilter with Where, WhereIn, And, Or, Not). The index is HNSW by
// default (WithFlat() for exact search). Save writes one atomic,
// checksummed file holding the documents, their metadata, the vectors and
// the index, and records the encoder's identity: Load refuses an encoder
// with another identity (errs.ErrEncoderMismatch), because vectors from two
// embedding spaces must not be compared. OpenFile instead attaches a
// collection to its file: each Add and Delete is appended to a log beside
// it and flushed before returning, and Compact folds the log into the
// file, so a change to a large collection writes the change, not the file.
//
// With WithLexical the collection also keeps a BM25 index of the texts
// (index/lexical: Lucene's BM25, an analyzer for English, Korean and other
// CJK text) in step with Add and Delete and in the same file; queries then
// rank by BM25 alone (WithLexicalOnly) or fuse the dense and lexical lists
// (WithHybrid with RRF or WeightedSum), filters applying to both.
//
// With an encoder that has BGE-M3's three outputs (embed.MultiEncoder:
// transformer.M3), WithSparse and WithColBERT also store each document's
// lexical weights (index/sparse) and ColBERT token vectors
// (index/multivec), saved in the same file; queries then rank by the
// lexical weights (WithSparseOnly), by FlagEmbedding's compute_score
// combination of the dense, sparse and ColBERT scores (WithM3), or rescore
// any search's candidates by MaxSim (WithMaxSim), all from the stored
// outputs: only the query is encoded.
//
// # Repository map
//
// The module is organised as packages, each with one job:
//
//   - embed: the Encoder interface (texts → vectors) and its implementations:
//     tokenizers (embed/tokenizer), transformer models (embed/transformer),
//     static word-vector models (embed/static) and the embedded default
//     English model (embed/static/glove).
//   - pool: token vectors → one sentence vector (mean, CLS, max, last-token, ...).
//   - similarity: dot, cosine, L2, int8 and binary kernels, SIMD with pure-Go
//     fallbacks.
//   - matryoshka: dimension truncation with renormalisation.
//   - index: exact (index/flat) and HNSW (index/hnsw) top-k search, and
//     the BM25 inverted index (index/lexical), the learned-sparse index
//     (index/sparse) and the ColBERT vector store (index/multivec).
//   - eval: STS and retrieval metrics, ANN recall.
//   - internal: matrix products (internal/gemm) and transformer row
//     operations (internal/nn) for embed/transformer, and the crash-safe
//     file writer behind every Save (internal/atomicfile).
//   - the root package ganada: the Collection.
//   - examples: runnable programs (go run ./examples/quickstart).
//
// The benchmarks that compare ganada with its peers live in bench/, a
// separate Go module, so that the peers never enter users' builds.
package ganada
