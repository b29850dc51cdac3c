// This file declares Quantization, the storage kind of the vectors an
// index's searches scan, shared by the options of index/flat and index/hnsw
// (WithQuantization, WithRescore, WithFunnel, WithCalibration).
package index

import "fmt"

// Quantization selects how an index stores the vectors its searches scan
// first. The zero value, Float32, stores them as given. Int8 and Binary
// store a compressed code per vector and score queries against the codes;
// with rescoring (the indexes' WithRescore option) the best candidates are
// then rescored on float32 vectors kept beside the codes.
type Quantization int

const (
	// Float32 scans the float32 vectors themselves (no quantisation).
	Float32 Quantization = iota
	// Int8 is scalar quantisation as sentence-transformers'
	// quantize_embeddings(precision="int8") does it: per-dimension ranges
	// [min, max] calibrated from the data, step (max−min)/255, and the code
	// trunc((x−min)/step − 128), one signed byte per component (a quarter
	// of float32's memory). Values outside the calibrated range saturate
	// at −128 or 127.
	Int8
	// Binary keeps one sign bit per component (x > 0), as
	// quantize_embeddings(precision="ubinary"), and scores by Hamming
	// distance: a thirty-second of float32's memory.
	Binary
)

// String returns the kind's name: "float32", "int8" or "binary".
func (q Quantization) String() string {
	switch q {
	case Float32:
		return "float32"
	case Int8:
		return "int8"
	case Binary:
		return "binary"
	}
	return fmt.Sprintf("Quantization(%d)", int(q))
}

// Valid reports whether q is Float32, Int8 or Binary.
func (q Quantization) Valid() bool { return q >= Float32 && q <= Binary }
