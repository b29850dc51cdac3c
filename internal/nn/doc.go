// Package nn holds the row operations of a transformer layer other than
// matrix products: LayerNorm, softmax, exact (erf) and tanh GELU, SiLU, ReLU,
// bias and residual adds, and the float32 exp and erf they are built on.
//
// Every function works on plain []float32 rows, allocates nothing, and is
// safe for concurrent use on disjoint slices. Where a function takes dst
// and x, dst may be the same slice as x (in-place use). Functions panic on
// inconsistent lengths: they are internal kernels whose callers own the
// shapes.
//
// On amd64 the kernels are AVX2+FMA or AVX-512 assembly; Erf, the tanh
// GELU and SiLU run their AVX2+FMA kernels at the AVX-512 level too (this
// project's machines have no AVX-512 to test a 16-lane form on: Zen 3,
// and qemu's TCG lacks AVX-512). On arm64 (neon
// and dotprod levels) LayerNorm's row statistics (float64, widened with
// FCVTL) and normalisation, the bias and residual adds, exp, softmax's
// three passes (max, exp-and-sum, scaling), exact and tanh GELU, Erf and
// SiLU are NEON assembly, tested under qemu-user emulation against the
// same float64 references and accuracy bounds (every length 0–1100).
// Expected arm64 speed, not measured (from instruction counts and the
// published pipes: four 128-bit FP pipes on Apple M1 and Neoverse V1/V2,
// two on N1): the add and the normalisation are load/store-bound at about
// 4–8 floats per cycle; exp is about 30 vector instructions per 4 floats
// (about 0.5 float per cycle on four pipes), exact GELU about 65 and Erf
// about 60 (both branches and 14 coefficient broadcasts; about 0.25), SiLU
// about 32 and the tanh GELU about 39 (about 0.5 and 0.4), those two with
// one vector FDIV per 4 floats, which can bound them instead where the
// divider is slower than that; the pure-Go loops run about one element
// per cycle for the adds and 0.1–0.2 for the others.
//
// Accuracy (measured by the tests against math.Erf / math.Exp / math.Tanh
// over dense grids): Exp has relative error below 2e-7, Erf absolute error
// below 1.2e-7, GELU absolute error below 1.5e-7·max(1,|x|) (rounding the
// result alone costs up to 6e-8), the tanh GELU below 2e-7·max(1,|x|),
// SiLU relative error below 4e-7 (0 for x below about -88.4, where the
// exact value is under 4e-37).
package nn
