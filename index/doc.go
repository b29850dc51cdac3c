// Package index holds what ganada's vector indexes share: the Metric and
// Result types, the Index interface (exactly what a ganada.Collection uses,
// so that another backend plugs in by implementing it) and the search
// options with their resolved form, SearchOptions, which an implementation
// outside this module reads with ResolveSearch. A backend that stores each
// vector's document (a database) also implements DocumentIndex and
// evaluates the search's Cond (WithWhere), a condition on the stored
// metadata that it translates to its own query language. Errors wrap the
// sentinels of package errs.
//
// Three implementations live below it:
//
//   - index/flat: exact (brute-force) search over one contiguous slab of
//     vectors, parallel across cores for large indexes.
//   - index/hnsw: approximate search over a Hierarchical Navigable Small
//     World graph (Malkov & Yashunin), with deletes, filters and concurrent
//     reads and writes.
//   - index/pgvector: a PostgreSQL table searched by the pgvector
//     extension, for corpora that several processes share.
//
// # Scores
//
// Every search returns Results sorted best first, and a higher Score is always
// better:
//
//   - Cosine: the cosine similarity in [-1, 1]. Vectors are normalised to
//     unit length when added and queries when searched, so the index stores
//     unit vectors and scores them by dot product.
//   - Dot: the raw inner product.
//   - L2: the negated squared Euclidean distance, −‖q−x‖². An exact match
//     scores 0 and farther vectors score lower; take −Score for the squared
//     distance.
//
// # Quantisation
//
// Both implementations take WithQuantization(Int8 or Binary),
// WithFunnel(d) (a Matryoshka funnel: the first stage scans the first d
// components), WithRescore(n) and WithCalibration(n) options; the kind is
// the Quantization type of this package. Int8 follows sentence-transformers'
// quantize_embeddings: per-dimension ranges calibrated from the data.
//
// # Identifiers
//
// Vectors are identified by caller-chosen uint64 ids. Adding an id that is
// already present replaces its vector. Callers that key documents by string
// keep their own string→uint64 map and may use WithFilter to restrict a search
// to a subset of ids (for example documents whose metadata matches).
//
// # Persistence
//
// Both implementations write themselves with WriteTo and read back with
// ReadFrom in a versioned, checksummed binary format (CRC-32C per section);
// version 2 added the quantisation section, and version 1 files are still
// read.
// ReadFrom consumes exactly the bytes WriteTo produced, so an index can be
// embedded inside a larger file. Save and Load wrap them with an atomic file
// replace (temporary file, fsync, rename); Load requires the file to end where the
// index ends. Damaged or truncated input, and a file with data after the
// index, yields an error wrapping errs.ErrCorrupt.
package index
