// nopurego_test.go tells tests the assembly GEMM kernels may be used.

//go:build !purego

package transformer

const puregoEnabled = false
