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
package flat
