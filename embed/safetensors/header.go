// header.go parses and validates the JSON header of a safetensors file.

package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/ganada/ganada/errs"
)

// maxHeaderLen bounds the JSON header, as the reference implementation does
// (100 MB), so a corrupt length cannot make us allocate without limit.
const maxHeaderLen = 100 << 20

// header is what a file's header describes.
type header struct {
	tensors []Tensor // sorted by name
	meta    []byte   // the "__metadata__" object's JSON (nil if none)
}

// parseHeader validates the header of a whole file b and returns the
// tensors it describes and the offset of the data section. It allocates
// in proportion to the header's length: the tensors' names and shapes,
// and a Tensor per entry (each entry takes at least 49 bytes of JSON).
func parseHeader(b []byte) (*header, int, error) {
	if len(b) < 8 {
		return nil, 0, fmt.Errorf("%d bytes is too short for a header: %w", len(b), errs.ErrCorrupt)
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxHeaderLen || n > uint64(len(b)-8) {
		return nil, 0, fmt.Errorf("header length %d exceeds the file (%d bytes) or the %d-byte limit: %w", n, len(b), maxHeaderLen, errs.ErrCorrupt)
	}
	s := &scanner{b: b[8 : 8+n], what: "header"}
	if s.peek() != '{' {
		return nil, 0, fmt.Errorf("header is not a JSON object: %w", errs.ErrCorrupt)
	}
	data := int64(len(b)) - 8 - int64(n)
	h := &header{}
	// Count the entries first, so that the tensors take exactly their
	// room (append's growth would allocate about 5 times it in all).
	count, err := s.countKeys()
	if err != nil {
		return nil, 0, err
	}
	h.tensors = make([]Tensor, 0, count)
	err = s.beginObject()
	for first := true; err == nil; first = false {
		var key []byte
		var ok bool
		if key, ok, err = s.nextKey(first); err != nil || !ok {
			break
		}
		if string(key) == "__metadata__" {
			if h.meta != nil {
				return nil, 0, fmt.Errorf("__metadata__ appears twice: %w", errs.ErrCorrupt)
			}
			m, err := s.stringMap()
			if err != nil {
				return nil, 0, fmt.Errorf("%w (__metadata__ must map strings to strings)", err)
			}
			h.meta = append([]byte{}, m...)
			continue
		}
		var t Tensor
		if t, err = s.entry(string(key), data); err == nil {
			h.tensors = append(h.tensors, t)
		}
	}
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return nil, 0, err
	}
	// Byte ranges must not overlap (zero-length tensors may sit anywhere).
	ts := h.tensors
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].begin != ts[j].begin {
			return ts[i].begin < ts[j].begin
		}
		return ts[i].end < ts[j].end
	})
	var prevEnd int64
	prev := ""
	for _, t := range ts {
		if t.begin == t.end {
			continue
		}
		if t.begin < prevEnd {
			return nil, 0, fmt.Errorf("tensor %s (data_offsets [%d, %d]) overlaps tensor %s: %w", clip(t.Name), t.begin, t.end, clip(prev), errs.ErrCorrupt)
		}
		prevEnd, prev = t.end, t.Name
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	for i := 1; i < len(ts); i++ {
		if ts[i].Name == ts[i-1].Name {
			return nil, 0, fmt.Errorf("tensor %s appears twice: %w", clip(ts[i].Name), errs.ErrCorrupt)
		}
	}
	return h, 8 + int(n), nil
}

// entry reads the header entry of tensor name; data is the size of the
// data section.
func (s *scanner) entry(name string, data int64) (Tensor, error) {
	t := Tensor{Name: name}
	var (
		dtype                  []byte
		offs                   [2]int64
		nOffs                  int
		haveD, haveS, haveO    bool
		elems                  = int64(1)
		overflow, negativeDims bool
	)
	err := s.beginObject()
	for first := true; err == nil; first = false {
		var key []byte
		var ok bool
		if key, ok, err = s.nextKey(first); err != nil || !ok {
			break
		}
		switch string(key) {
		case "dtype":
			if dtype, err = s.rawStr(); err == nil {
				t.DType, haveD = dtypeOf(dtype), true
			}
		case "shape":
			haveS = true
			elems, overflow, negativeDims = 1, false, false
			if err = s.beginArray(); err != nil {
				break
			}
			// Each dimension takes at least two bytes of JSON.
			t.Shape = make([]int, 0, s.arrayLen())
			for first := true; ; first = false {
				var more bool
				if more, err = s.nextElem(first); err != nil || !more {
					break
				}
				var d int64
				if d, err = s.integer(); err != nil {
					break
				}
				switch {
				case d < 0:
					negativeDims = true
				case d != 0 && elems > math.MaxInt64/8/d:
					overflow = true
				default:
					elems *= d
				}
				if int64(int(d)) != d {
					overflow = true
				}
				t.Shape = append(t.Shape, int(d))
			}
		case "data_offsets":
			haveO, nOffs = true, 0
			if err = s.beginArray(); err != nil {
				break
			}
			for first := true; ; first = false {
				var more bool
				if more, err = s.nextElem(first); err != nil || !more {
					break
				}
				var v int64
				if v, err = s.integer(); err != nil {
					break
				}
				if nOffs < 2 {
					offs[nOffs] = v
				}
				nOffs++
			}
		default:
			err = s.skip()
		}
	}
	if err != nil {
		return Tensor{}, fmt.Errorf("tensor %s: %w", clip(name), err)
	}
	bad := func(format string, a ...any) (Tensor, error) {
		return Tensor{}, fmt.Errorf("tensor %s: %s: %w", clip(name), fmt.Sprintf(format, a...), errs.ErrCorrupt)
	}
	if !haveD || !haveS || !haveO {
		return bad("entry needs dtype, shape and data_offsets")
	}
	size := t.DType.Size()
	if size == 0 {
		return bad("unknown dtype %s", clip(string(dtype)))
	}
	if nOffs != 2 {
		return bad("data_offsets has %d values, want 2", nOffs)
	}
	t.begin, t.end = offs[0], offs[1]
	if t.begin < 0 || t.end < t.begin || t.end > data {
		return bad("data_offsets [%d, %d] outside the %d-byte data section", t.begin, t.end, data)
	}
	switch {
	case negativeDims:
		return bad("invalid dimension in shape %s", shapeString(t.Shape))
	case overflow:
		return bad("shape %s overflows", shapeString(t.Shape))
	}
	if elems*int64(size) != t.end-t.begin {
		return bad("shape %s of %s needs %d bytes, data_offsets give %d", shapeString(t.Shape), t.DType, elems*int64(size), t.end-t.begin)
	}
	t.Shape = t.Shape[:len(t.Shape):len(t.Shape)]
	return t, nil
}

// dtypeOf returns the DType constant named b, or "" for an unknown name.
func dtypeOf(b []byte) DType {
	for _, d := range dtypes {
		if string(b) == string(d) {
			return d
		}
	}
	return ""
}

var dtypes = []DType{F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, Bool, F8E4M3, F8E5M2}

// shapeString formats a shape for an error message, eliding the middle of
// a very long one.
func shapeString(shape []int) string {
	if len(shape) <= 8 {
		return fmt.Sprint(shape)
	}
	return fmt.Sprintf("%v ... %v (%d dimensions)", shape[:4], shape[len(shape)-2:], len(shape))
}

// clip quotes s for an error message, cutting it after 80 bytes: a name
// read from a file can be as long as the file.
func clip(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q... (%d bytes)", s[:80], len(s))
	}
	return fmt.Sprintf("%q", s)
}
