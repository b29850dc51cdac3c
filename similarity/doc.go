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
// scalar POPCNT for Hamming). On arm64 they are NEON (Advanced SIMD)
// assembly: FMLA for the float kernels, four rows at a time in the batch
// scans, CNT for Hamming, SMULL/SADALP for DotInt8, or SDOT at the dotprod
// level (Apple M-series, Neoverse N1/V1/V2, Graviton 2-4). Every other
// platform, and every build with the purego tag, uses portable Go. All
// implementations are tested against the same float64 reference (arm64
// under qemu-user emulation in CI: correctness only, no timing).
// Implementation reports the choice; GANADA_CPU=avx2, neon or purego
// lowers it at run time, for comparisons or to rule out a kernel.
//
// # Expected arm64 throughput
//
// Not measured (this project has no arm64 machine); estimated per core
// from the instructions per step of each loop and the published pipe
// counts: 128-bit FMLA at latency 4 on four pipes on Apple M1 (Dougall
// Johnson, "Apple M1 Firestorm SIMD and FP instructions",
// dougallj.github.io/applecpu) and Neoverse V1/V2 (Arm Neoverse V1 and V2
// Software Optimization Guides), two on Neoverse N1 (its guide); three
// 128-bit loads per cycle on M1, V1 and V2, two on N1. For data in L1/L2,
// per cycle:
//
//	kernel          bound            M1, V1, V2     N1
//	Dot             2 loads/FMLA     6 floats       4 floats
//	SquaredL2       loads            6 floats       4 floats
//	Cosine          3 FMLA/4 floats  5.3 floats     2.7 floats
//	DotBatch        5 loads/4 FMLA   9.6 products   6.4 products
//	DotInt8 (SDOT)  loads            24 bytes       16 bytes
//	DotInt8 (neon)  SMULL, SADALP    16 bytes       8 bytes
//	Hamming         14 SIMD ops/64 B 18 bytes       9 bytes
//
// The portable Go loops do one element per scalar load pair (about 1.5
// floats or bytes per cycle), so 3-6× is expected in cache and less for
// scans streamed from memory. bench/arm64 measures the ratios on a real
// machine.
//
// # Accuracy
//
// Float kernels accumulate in float32 across several independent partial
// sums (4 in portable Go, 8 to 64 SIMD lanes in assembly) and add the
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
//
// Cosine finishes with correctly rounded square roots and a division,
// c = ab/(√aa·√bb), not with an approximate reciprocal square root refined
// by one Newton step as vek32.CosineSimilarity does. Measured on Zen 3
// (bench/similarity/finish, float64 reference, dimensions 1–1536): the
// approximate finish is not less accurate in practice (worst relative error
// of the finish 1.8–2.1·10⁻⁷ for both, about 3 float32 ulps, mean 4·10⁻⁸;
// VRSQRTSS+Newton alone reaches 2.1·10⁻⁷), but neither reaches 10⁻⁷, the
// order of near-tied top-10 results changes between the two finishes (131 of
// 200 queries over near-duplicates; each also differs from the float64 order
// about as often), and VRSQRTSS's bits are the vendor's (AMD and Intel
// differ), so portable Go and other machines could not reproduce them. The
// exact finish costs about 3 ns a call (the latency of VSQRTSS and VDIVSS),
// which is why Cosine measures 0.6–0.9× vek at 128–384 dimensions on Zen 3
// and ahead of it from 768 up. The indexes do not pay it: under the cosine
// metric they store unit vectors (normalised once at insertion) and score
// with Dot.
package similarity
