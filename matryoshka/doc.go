// Package matryoshka shortens sentence embeddings: it keeps the first dim
// components of a vector and rescales them to unit length, which is what
// sentence-transformers returns for SentenceTransformer(...,
// truncate_dim=dim) with normalize_embeddings=True (truncate_embeddings,
// then torch.nn.functional.normalize).
//
// # When truncation is valid
//
// Only for models trained with a Matryoshka loss (Matryoshka Representation
// Learning, Kusupati et al., NeurIPS 2022, arXiv:2205.13147), which packs the
// most useful information into the leading components so that every prefix
// is itself an embedding. Among them: nomic-embed-text-v1.5 (768
// dimensions, trained for 512, 256, 128 and 64), jina-embeddings-v3 (1024,
// down to 32), mxbai-embed-large-v1 (1024) and OpenAI's text-embedding-3-small
// and text-embedding-3-large (whose dimensions API parameter does the same).
// Truncating a model trained without such a loss (all-MiniLM-L6-v2, bge,
// e5, LaBSE, ...) throws away information the model spread over all
// components; the package cannot tell, so check the model card. Compare only
// vectors truncated to the same dim, from the same model.
//
// # What it costs
//
// Quality falls off gradually, then faster at small sizes. Measured figures
// published by the model makers (MTEB average scores, higher is better):
//
//   - nomic-embed-text-v1.5 (model card, huggingface.co/nomic-ai/nomic-embed-text-v1.5,
//     and docs.nomic.ai): 768 dims 62.28, 512 61.96, 256 61.04, 128 59.34,
//     64 56.10 — a third of the size for 1.2 points, a twelfth for 6.2.
//   - text-embedding-3-large (OpenAI, "New embedding models and API
//     updates", 25 January 2024): 64.6 at its full 3072 dims; shortened to
//     256 dims it still outperforms the earlier text-embedding-ada-002 at
//     its full 1536 dims (61.0).
//
// In return, memory, index size and scoring time shrink in proportion to
// dim (a 768→256 cut makes an exact scan three times faster). A common
// pattern is to shortlist with short vectors and re-rank the shortlist with
// the full ones.
//
// Truncation is always followed by renormalisation here: the prefix of a
// unit vector is shorter than 1, and cosine or dot-product scores between
// unnormalised prefixes would not be comparable across vectors.
package matryoshka
