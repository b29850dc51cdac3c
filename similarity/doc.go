// Package similarity provides the vector kernels every other ganada package
// stands on: dot product, cosine similarity, squared Euclidean distance,
// norms, in-place normalisation, one-query-against-many batch scoring, and the
// quantised forms (int8 dot product, Hamming distance over packed bits).
//
// # Length checks
//
// The two-vector kernels are low-level primitives in the spirit of copy: they
// require slices of equal length and panic otherwise. Higher-level packages
// validate user input before calling them. Normalize, which user data reaches
// directly, returns errors instead.
//
// # Implementations
//
// On amd64 the kernels are Go assembly at the module's kernel level,
// chosen once at start-up (internal/cpu): AVX-512 (F, VL, BW, DQ; VNNI for
// DotInt8 and VPOPCNTDQ for Hamming where present) or AVX2 with FMA (and
// scalar POPCNT for Hamming). Every other platform, and every build with
// the purego tag, uses portable Go. All implementations are tested against
// the same float64 reference. Implementation reports the choice;
// GANADA_CPU=avx2 or GANADA_CPU=purego lowers it at run time, for
// comparisons or to rule out a kernel.
//
// # Accuracy
//
// Float kernels accumulate in float32 across several independent partial
// sums (4 in portable Go, 16 to 64 SIMD lanes in assembly) and add the
// partial sums pairwise at the end. For vectors of length n the error of
// Dot, of each of Cosine's three sums and of each row of DotBatch is
// bounded by
//
//	|Dot(a, b) - a·b| <= (n/4 + 8) · 2⁻²⁴ · Σ|aᵢbᵢ|
//
// (plus n·2⁻¹⁴⁹ when products fall in the subnormal range), which is what the
// tests check for every length from 0 to 1100. SquaredL2 obeys the same bound
// relative to Σ(aᵢ-bᵢ)² with two more units for the rounded differences.
// Results that exceed the float32 range overflow to ±Inf, except in Norm,
// Cosine and Normalize, which fall back to float64 for vectors too large or
// too small for float32 sums of squares. Different implementations add in
// different orders, so results may differ in the last bits between machines;
// DotInt8 and Hamming are exact everywhere.
package similarity
