// Package hnsw is ganada's approximate nearest-neighbour index: a
// Hierarchical Navigable Small World graph (Malkov & Yashunin, 2016) built
// the way hnswlib builds it.
//
// # Layout
//
// Vectors live in one contiguous slab indexed by an internal slot number;
// layer-0 neighbour lists (up to 2·M links) live in a second flat slab of
// uint32 with a count word per node; the sparse upper layers (a node reaches
// layer l with probability M^-l, level multiplier 1/ln M) share a third slab,
// each node's lists found by a uint32 offset (4 bytes per node where a slice
// per node cost 24 and an allocation), repacked by Compact. Under Cosine, vectors are normalised when added and searched
// by dot product. Distances come from package similarity.
//
// # Construction
//
// Insertion follows hnswlib: greedy descent through the upper layers, a beam
// search of width efConstruction on every layer of the new node, neighbour
// selection by the paper's heuristic (keep a candidate only if it is closer to
// the new node than to every neighbour already kept), and reverse links added
// to each chosen neighbour, re-pruned by the same heuristic when its list is
// full.
//
// # Concurrency
//
// Search, Add, AddBatch and Delete may be called concurrently. Neighbour lists
// are written under per-node locks and read with atomic loads, so searches
// take no per-node lock; a global read-write lock is taken exclusively only to
// grow the slabs (amortised doubling; see WithCapacity), to Compact, and while
// WriteTo/ReadFrom run. An insert that raises the top level serialises on the
// entry-point lock, as in hnswlib. An insert never starts a layer's search
// from a node still being inserted, whose lists on that layer may not be
// written yet (hnswlib's inserts wait on such a node's lock instead).
//
// # Deletes and updates
//
// Delete marks the node as a tombstone: it leaves search results at once but
// stays in the graph as a waypoint, so recall does not drop (hnswlib's
// markDelete). Lists that overflow later drop tombstones before anything else.
// If every node an insertion's search reaches is a tombstone (everything near
// the entry point deleted), the new node links to them rather than to
// nothing, so that it stays reachable (hnswlib links it to a deleted entry
// point).
// Adding an id that is present gives the new vector a fresh slot, inserts it
// with the full construction search, and only then retires the old slot as a
// tombstone; this is hnswlib's updatePoint without rewriting a vector that
// concurrent searches may be reading. Compact reclaims tombstones: every live
// list that points at one is re-selected by the heuristic from its live
// neighbours plus the tombstones' live neighbours (in-place relinking, as
// FreshDiskANN consolidates deletes; a tombstone whose id was added again
// forwards to the new slot, which so inherits its in-links as with
// updatePoint), topped up with the closest pruned candidates to the list's
// former length, and the slots are renumbered densely; then every node
// that no path from the entry point reaches on some layer (left so by the
// heuristic's pruning, say) is linked from its nearest reachable nodes, so
// that searches can reach every vector of a compacted index. Call it when
// Tombstones is a sizeable share of Len (say a tenth); until then tombstones
// cost memory and a little speed.
//
// # Memory layout for speed
//
// Compact finishes by renumbering all nodes in breadth-first order of the
// layer-0 graph, so that nodes a search visits together lie together in
// memory; calling it once after a bulk build speeds searches up by some 5–20%.
// The vector and layer-0 slabs are advised for transparent huge pages
// (madvise on Linux) to spare TLB misses, and a search prefetches the leading
// cache lines of a node's neighbours before scoring them, and the next
// candidate's list while scoring.
//
// # Quantisation and funnels
//
// WithQuantization(index.Int8 or index.Binary) and WithFunnel(d) make a
// search walk the graph scoring codes (int8 codes calibrated per dimension
// as sentence-transformers' quantize_embeddings does, sign bits by Hamming
// distance) or the first d components of each vector, and WithRescore(n)
// rescores the best max(n, k) candidates on the float32 vectors (the beam
// is at least n wide). The graph is built, repaired and compacted on the
// float32 vectors (unless WithoutVectors dropped them): the codes speed up the walk (fewer bytes per visited
// node), and a quantisation can be changed on a built index with
// Reconfigure, which recomputes the codes. The file keeps the
// configuration, the Int8 ranges and the codes.
//
// # Where the float32 vectors live
//
// An index built with New or read with Load or ReadFrom keeps its float32
// vectors in RAM beside the codes (so Add, Compact and Reconfigure work),
// which adds the codes to the memory rather than saving any. To serve a
// quantised index in less memory, Save it and Open it: Open maps the file
// read-only, keeps the ids, levels and flags in RAM and uses the links,
// codes and vectors in place, so the vectors' pages are read from the
// file only when a search rescores them (WithRescore(n)), and never with
// WithRescore(0), where the graph walk reads codes and links alone. The
// opened index is read-only (Load the file to Add or Delete). Open
// checksums and validates the links at once and leaves the vectors' and
// codes' checksums to Verify.
//
// WithoutVectors drops the float32 vectors altogether (no rescoring): the
// index and its files hold the codes and the graph only, and inserts,
// Compact's repairs and exact scans compare codes, so it still takes Add,
// Delete and Compact after Load; building on float32 and then calling
// Reconfigure(WithoutVectors()) keeps the float32-built graph. The
// default keeps the vectors in memory.
//
// Exact searches (index.WithExact, k ≥ Len, selective filters) score the
// float32 vectors, or the codes of an index without them.
//
// Measured on 100k × 384 synthetic vectors, one thread, Zen 3, beside hnswlib in the same run (bench/index/README.md,
// "Quantised vectors"): int8 with 20 rescored gives 1.5× the CPU QPS of the
// float32 walk at recall@10 0.95 (2.55× hnswlib's) and 1.8× at 0.99; binary
// codes reach only recall 0.935 on that set even with 400 rescored.
//
// # Filters
//
// index.WithFilter is applied during traversal as in hnswlib: rejected nodes
// are still expanded but never returned, so a search finds k allowed results
// where post-filtering would come up short. When a sample of the index
// suggests the filter admits few nodes (fewer than about 2·sqrt(ef·Len)),
// or when the graph search returns fewer than k results, the search scans the
// allowed nodes exactly instead, so results stay correct for very selective
// filters.
package hnsw
