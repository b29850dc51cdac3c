// Package core holds what the index packages share and do not publish: the
// checks of dimensions, metrics, capacities, k and vectors, the
// normalisation of stored vectors, the bounded top-k heap, the ordering of
// results, and the crash-safe file helpers behind every index's Save and
// Load.
package core
