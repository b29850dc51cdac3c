// purego_test.go tells tests that the pure-Go GEMM fallback is forced
// (build tag purego), whose products are several times slower.

//go:build purego

package transformer

const puregoEnabled = true
