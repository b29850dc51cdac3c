// This file holds the encoding of payloads built in memory: uvarints and
// length-prefixed UTF-8 strings appended to a byte slice, and Decoder,
// which reads them back with every length and count bounded by the bytes
// that remain.

package persist

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// AppendUvarint appends v as a uvarint.
func AppendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendUint64 appends v little-endian.
func AppendUint64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// AppendString appends s as its uvarint byte length and its bytes.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Decoder reads a payload held in memory. Errors are sticky: after the
// first failure every call returns zero values and Err reports it, wrapping
// errs.ErrCorrupt and naming the section and the field.
type Decoder struct {
	b   []byte
	tag string
	err error
}

// NewDecoder returns a Decoder over the payload b of the section tag.
func NewDecoder(tag string, b []byte) *Decoder { return &Decoder{b: b, tag: tag} }

// Fail records a failure about the payload unless one is recorded.
func (d *Decoder) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("section %s: %s: %w", d.tag, fmt.Sprintf(format, args...), errs.ErrCorrupt)
	}
}

// Err returns the first failure, or nil.
func (d *Decoder) Err() error { return d.err }

// Remaining returns the number of bytes not yet read.
func (d *Decoder) Remaining() int { return len(d.b) }

// Uvarint reads a uvarint.
func (d *Decoder) Uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.Fail("%s: bad or truncated uvarint", field)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Byte reads one byte.
func (d *Decoder) Byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.Fail("%s: truncated", field)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// Uint64 reads a little-endian uint64.
func (d *Decoder) Uint64(field string) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.Fail("%s: truncated", field)
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// String reads a length-prefixed string, which must be valid UTF-8 and no
// longer than the bytes that remain.
func (d *Decoder) String(field string) string {
	n := d.Uvarint(field + " length")
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.Fail("%s: length %d, only %d bytes left", field, n, len(d.b))
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	if !utf8.ValidString(s) {
		d.Fail("%s: not valid UTF-8", field)
		return ""
	}
	return s
}

// Blob reads a length-prefixed byte string (any bytes) no longer than the
// bytes that remain.
func (d *Decoder) Blob(field string) []byte {
	n := d.Uvarint(field + " length")
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.Fail("%s: length %d, only %d bytes left", field, n, len(d.b))
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

// Float32s reads n little-endian float32s, failing unless the payload
// still holds 4n bytes (checked before anything is allocated).
func (d *Decoder) Float32s(field string, n int) []float32 {
	if d.err != nil {
		return nil
	}
	if n < 0 || uint64(n) > uint64(len(d.b))/4 {
		d.Fail("%s: %d floats, only %d bytes left", field, n, len(d.b))
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*n:]
	return out
}

// Count reads a uvarint count or size that must not exceed limit (a bound
// derived from the bytes that remain or from the data's own limits), so
// that a caller may allocate for it.
func (d *Decoder) Count(field string, limit uint64) int {
	v := d.Uvarint(field)
	if d.err != nil {
		return 0
	}
	if v > limit {
		d.Fail("%s %d exceeds %d", field, v, limit)
		return 0
	}
	return int(v)
}

// End requires every byte to have been read and returns the first failure.
func (d *Decoder) End() error {
	if d.err == nil && len(d.b) != 0 {
		d.Fail("%d bytes after the last field", len(d.b))
	}
	return d.err
}
