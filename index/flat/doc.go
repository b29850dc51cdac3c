// Package flat is ganada's exact vector index: every search scores the query
// against every stored vector, so results are exact. It is the ground truth
// the approximate index (index/hnsw) is tested and benchmarked against, and
// the right choice for up to some hundred thousand vectors when exactness
// matters more than latency.
//
// Vectors live in one contiguous row-major slab and are scored a block at a
// time with similarity.DotBatch or similarity.SquaredL2Batch, keeping the k
// best in a bounded heap. Large indexes are scanned by several goroutines
// (see WithWorkers). Delete moves the last row into the hole, so the slab
// stays dense and no compaction is needed.
//
// An Index is safe for concurrent use: searches run in parallel with each
// other and exclude writers.
//
// # Quantisation and funnels
//
// WithQuantization(index.Int8 or index.Binary) makes searches scan codes
// instead of float32 rows: int8 codes calibrated per dimension as
// sentence-transformers' quantize_embeddings does (see index.Int8), or sign
// bits scored by Hamming distance. WithFunnel(d) scans only the first d
// components (a Matryoshka funnel), as float32 or as codes. WithRescore(n)
// keeps the float32 rows as well and rescores the best max(n, k) candidates
// on them; without it the float32 rows are dropped once the codes exist
// (an Int8 index keeps them until it calibrates, at WithCalibration's
// count), and Scores are the codes' estimates. Memory: MemoryBytes reports
// it; per vector of dimension D, float32 rows take 4·D bytes, int8 codes D
// (+4 under L2), binary codes D/8 rounded up to 8, a float32 funnel 4·d,
// ids 8 plus the id map. Measured on 100k × 384 synthetic vectors, one
// thread, Zen 3 (bench/index/README.md, "Quantised vectors"): int8 without
// rescoring scans 2.8× faster than float32 at recall@10 0.973 in 0.24× the
// memory; with 20 rescored, recall 1.0 at 2.6×.
package flat
