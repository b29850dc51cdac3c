// This file holds the vector storage: a row-major matrix of float32,
// float16 or int8-with-per-row-scale values, read row by row.

package static

import (
	"encoding/binary"
	"math"
)

// Precision is the storage type of a model's vectors.
type Precision uint8

const (
	// Float32 stores every component as an IEEE float32.
	Float32 Precision = 1
	// Float16 stores every component as an IEEE half-precision float.
	Float16 Precision = 2
	// Int8 stores every component as a signed byte q, with one float32
	// scale s per vector: the component is q·s, and s = max|x|/127.
	Int8 Precision = 3
)

// String returns "float32", "float16" or "int8".
func (p Precision) String() string {
	switch p {
	case Float32:
		return "float32"
	case Float16:
		return "float16"
	case Int8:
		return "int8"
	}
	return "unknown"
}

// matrix is the read-only vector store. For Float32 the values are in f32;
// for Float16 raw holds 2·dim little-endian bytes per row; for Int8 raw
// holds dim bytes per row and scales one little-endian float32 per row.
// raw and scales may alias caller memory (embedded data), which is never
// written.
type matrix struct {
	prec   Precision
	dim    int
	rows   int
	f32    []float32
	raw    []byte
	scales []byte
}

// addRow adds w·row(i) to acc.
func (m *matrix) addRow(acc []float64, i int, w float64) {
	d := m.dim
	switch m.prec {
	case Float32:
		r := m.f32[i*d : (i+1)*d]
		for j, x := range r {
			acc[j] += w * float64(x)
		}
	case Float16:
		r := m.raw[2*i*d : 2*(i+1)*d]
		for j := range acc[:d] {
			acc[j] += w * float64(float16to32(binary.LittleEndian.Uint16(r[2*j:])))
		}
	case Int8:
		r := m.raw[i*d : (i+1)*d]
		ws := w * float64(math.Float32frombits(binary.LittleEndian.Uint32(m.scales[4*i:])))
		for j, q := range r {
			acc[j] += ws * float64(int8(q))
		}
	}
}

// row writes row i into dst (len dim) as float32.
func (m *matrix) row(dst []float32, i int) {
	d := m.dim
	switch m.prec {
	case Float32:
		copy(dst, m.f32[i*d:(i+1)*d])
	case Float16:
		r := m.raw[2*i*d : 2*(i+1)*d]
		for j := range dst[:d] {
			dst[j] = float16to32(binary.LittleEndian.Uint16(r[2*j:]))
		}
	case Int8:
		r := m.raw[i*d : (i+1)*d]
		s := math.Float32frombits(binary.LittleEndian.Uint32(m.scales[4*i:]))
		for j, q := range r {
			dst[j] = float32(int8(q)) * s
		}
	}
}

// maxAbs returns the largest magnitude of row i's components.
func (m *matrix) maxAbs(i int) float64 {
	d := m.dim
	var out float64
	switch m.prec {
	case Float32:
		for _, x := range m.f32[i*d : (i+1)*d] {
			out = math.Max(out, math.Abs(float64(x)))
		}
	default:
		row := make([]float32, d)
		m.row(row, i)
		for _, x := range row {
			out = math.Max(out, math.Abs(float64(x)))
		}
	}
	return out
}
