// This file reads golden files (ganada-golden-v1): a JSON index, possibly
// gzip-compressed, whose arrays point into a little-endian float32 binary.

package testutil

import (
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// GoldenArray is an array of a golden file: where it starts in the binary
// file, in bytes, and its shape.
type GoldenArray struct {
	Offset int   `json:"offset"`
	Shape  []int `json:"shape"`
}

// Floats returns the array's values read from bin, or an error when the
// shape or offset do not fit in bin.
func (a GoldenArray) Floats(bin []byte) ([]float32, error) {
	n := 1
	for _, d := range a.Shape {
		if d < 0 || (d > 0 && n > len(bin)/4/d) {
			return nil, fmt.Errorf("golden array shape %v: larger than the %d-byte binary", a.Shape, len(bin))
		}
		n *= d
	}
	if a.Offset < 0 || a.Offset > len(bin) || n > (len(bin)-a.Offset)/4 {
		return nil, fmt.Errorf("golden array at %d, shape %v: past the end of the %d-byte binary", a.Offset, a.Shape, len(bin))
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(bin[a.Offset+4*i:]))
	}
	return out, nil
}

// ReadJSON decodes the JSON file path into v, through gzip when the name
// ends in .gz.
func ReadJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
