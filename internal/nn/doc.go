// Package nn holds the row operations of a transformer layer other than
// matrix products: LayerNorm, softmax, exact (erf) and tanh GELU, ReLU,
// bias and residual adds, and the float32 exp and erf they are built on.
//
// Every function works on plain []float32 rows, allocates nothing, and is
// safe for concurrent use on disjoint slices. Where a function takes dst
// and x, dst may be the same slice as x (in-place use). Functions panic on
// inconsistent lengths: they are internal kernels whose callers own the
// shapes.
//
// Accuracy (measured by the tests against math.Erf / math.Exp / math.Tanh
// over dense grids): Exp has relative error below 2e-7, Erf absolute error
// below 1.2e-7, GELU absolute error below 1.5e-7·max(1,|x|) (rounding the
// result alone costs up to 6e-8).
package nn
