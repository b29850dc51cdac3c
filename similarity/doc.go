// Package similarity provides the vector kernels every other ganada package
// stands on: dot product, cosine similarity, squared Euclidean distance,
// norms, in-place normalisation, one-query-against-many batch scoring, and the
// quantised forms (int8 dot product, Hamming distance over packed bits).
//
// The two-vector kernels are low-level primitives in the spirit of copy: they
// require slices of equal length and panic otherwise. Higher-level packages
// validate user input before calling them.
package similarity
