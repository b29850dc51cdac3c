// Package gemm computes the float32 matrix products of a transformer
// encoder: a weight matrix packed once at load times a batch of token rows,
// with a fused epilogue (bias, activation, residual), and the unpacked
// products of attention (Q·Kᵀ and P·V) on strided per-head slices.
//
// The products run GotoBLAS-style: B (the weights) is held in panels of NR
// columns, each stored k-major so a micro-kernel streams it linearly; a
// register-blocked micro-kernel computes an MR×NR tile of C, broadcasting
// A's elements straight from its rows (the assembly kernels) or from a
// packed MR-row panel (the pure-Go kernel); loops over cache blocks of
// kc inputs and mc rows keep A's block and B's panel in L2. On amd64 the micro-kernels are
// Go assembly for AVX-512 (14×32 tiles) and AVX2+FMA (6×16 tiles), chosen
// at init with golang.org/x/sys/cpu; elsewhere, or with the build tag
// purego, a pure-Go 4×4 kernel is used.
//
// An optional int8 path (PackInt8, QPacked.Mul, Workers.MulInt8) quantises
// weights per output channel once and activations per row at each call,
// and runs u8×s8 dot products on AVX-512 VNNI (VPDPBUSD) where present
// (Int8Accelerated); its output is float32 with the same epilogue.
//
// Parallelism: a Workers is a fixed set of goroutines (the caller is one
// of them) that splits a product over row blocks and/or column panels, and
// runs any other loop through For. Nothing is allocated per call once
// scratch buffers exist. Jobs are handed over through a monitor (a mutex
// and two condition variables over a published and a finished job number;
// the invariant is written down at Workers), with polling of the same
// numbers for up to 100 µs in front of it, so the steps of a forward pass
// hand over in about a microsecond instead of waking a sleeping thread
// each time.
// Callers that split their own work run it with For and the Worker*
// products, each on the worker's own scratch memory.
//
// Functions and methods here panic on inconsistent dimensions or short
// slices: they are internal kernels whose callers own the shapes, the way
// the standard library's copy or crypto/subtle do. A Packed is read-only
// after Pack and safe for concurrent use; a Workers is not: one goroutine
// drives it at a time.
package gemm
