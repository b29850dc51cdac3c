// header.go parses and validates the JSON header of a safetensors file.

package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// maxHeaderLen bounds the JSON header, as the reference implementation does
// (100 MB), so a corrupt length cannot make us allocate without limit.
const maxHeaderLen = 100 << 20

type header struct {
	tensors  []Tensor
	metadata map[string]string
}

type rawEntry struct {
	DType       *string  `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// parseHeader validates the header of a whole file b and returns the
// tensors it describes and the offset of the data section.
func parseHeader(b []byte) (*header, int, error) {
	if len(b) < 8 {
		return nil, 0, fmt.Errorf("%w: %d bytes is too short for a header", ErrCorrupt, len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxHeaderLen || n > uint64(len(b)-8) {
		return nil, 0, fmt.Errorf("%w: header length %d exceeds the file (%d bytes) or the %d-byte limit", ErrCorrupt, n, len(b), maxHeaderLen)
	}
	js := b[8 : 8+n]
	if len(bytes.TrimSpace(js)) == 0 || bytes.TrimSpace(js)[0] != '{' {
		return nil, 0, fmt.Errorf("%w: header is not a JSON object", ErrCorrupt)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, 0, fmt.Errorf("%w: header JSON: %v", ErrCorrupt, err)
	}
	data := int64(len(b)) - 8 - int64(n)
	h := &header{metadata: map[string]string{}}
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &h.metadata); err != nil {
				return nil, 0, fmt.Errorf("%w: __metadata__ is not a string map: %v", ErrCorrupt, err)
			}
			continue
		}
		t, err := parseEntry(name, msg, data)
		if err != nil {
			return nil, 0, err
		}
		h.tensors = append(h.tensors, t)
	}
	// Byte ranges must not overlap (zero-length tensors may sit anywhere).
	sorted := append([]Tensor(nil), h.tensors...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].begin != sorted[j].begin {
			return sorted[i].begin < sorted[j].begin
		}
		return sorted[i].end < sorted[j].end
	})
	var prevEnd int64
	prev := ""
	for _, t := range sorted {
		if t.begin == t.end {
			continue
		}
		if t.begin < prevEnd {
			return nil, 0, fmt.Errorf("%w: tensor %q overlaps tensor %q", ErrCorrupt, t.Name, prev)
		}
		prevEnd, prev = t.end, t.Name
	}
	return h, 8 + int(n), nil
}

func parseEntry(name string, msg json.RawMessage, data int64) (Tensor, error) {
	bad := func(format string, a ...any) (Tensor, error) {
		return Tensor{}, fmt.Errorf("%w: tensor %q: %s", ErrCorrupt, name, fmt.Sprintf(format, a...))
	}
	var e rawEntry
	if err := json.Unmarshal(msg, &e); err != nil {
		return bad("entry: %v", err)
	}
	if e.DType == nil || e.Shape == nil || e.DataOffsets == nil {
		return bad("entry needs dtype, shape and data_offsets")
	}
	dt := DType(*e.DType)
	size := dt.Size()
	if size == 0 {
		return bad("unknown dtype %q", *e.DType)
	}
	if len(*e.DataOffsets) != 2 {
		return bad("data_offsets has %d values, want 2", len(*e.DataOffsets))
	}
	begin, end := (*e.DataOffsets)[0], (*e.DataOffsets)[1]
	if begin < 0 || end < begin || end > data {
		return bad("data_offsets [%d, %d] outside the %d-byte data section", begin, end, data)
	}
	shape := make([]int, len(*e.Shape))
	elems := int64(1)
	for i, d := range *e.Shape {
		if d < 0 {
			return bad("invalid dimension %d", d)
		}
		shape[i] = int(d)
		if d != 0 && elems > math.MaxInt64/int64(size)/d {
			return bad("shape %v overflows", *e.Shape)
		}
		elems *= d
	}
	if elems*int64(size) != end-begin {
		return bad("shape %v of %s needs %d bytes, data_offsets give %d", *e.Shape, dt, elems*int64(size), end-begin)
	}
	return Tensor{Name: name, DType: dt, Shape: shape, begin: begin, end: end}, nil
}
