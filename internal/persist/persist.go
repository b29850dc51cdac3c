// Package persist implements the sectioned binary container every ganada
// file is written in — the indexes' (index/flat, index/hnsw) and the
// Collection's:
//
//	file     = magic[8] version:u32 section* end
//	section  = tag[4] length:u64 payload[length] crc32c(payload):u32
//	streamed = tag[4] 0xFFFFFFFFFFFFFFFF bytes crc32c(bytes):u32
//	end      = "END." 0:u64 crc32c(""):u32
//
// A streamed section holds data that delimits itself (a nested file written
// by another package's WriteTo); see Writer.Stream and Reader.Stream.
// Payloads built in memory use the helpers of payload.go: uvarints and
// length-prefixed strings, decoded with bounds checked (Decoder).
//
// All integers are little-endian. Readers consume exactly the bytes a Writer
// produced (no read-ahead), check every section's CRC-32C (Castagnoli), and
// grow their allocations with the bytes actually read, so a forged length in a
// short or hostile stream cannot make them allocate much more than the stream
// holds. Every failure caused by the data wraps errs.ErrCorrupt.
package persist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"hash/crc32"
	"io"
	"math"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const chunk = 64 << 10 // bytes per buffered write or bulk read

// EndTag is the tag of the empty section that closes every file.
const EndTag = "END."

// Writer encodes sections onto an io.Writer. Errors are sticky: after the
// first failure every call is a no-op and Finish reports it.
type Writer struct {
	w         io.Writer
	buf       []byte
	n         int64
	err       error
	crc       uint32
	remaining uint64
	open      bool
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, chunk)}
}

func (w *Writer) flush() {
	if w.err != nil || len(w.buf) == 0 {
		w.buf = w.buf[:0]
		return
	}
	m, err := w.w.Write(w.buf)
	w.n += int64(m)
	if err == nil && m != len(w.buf) {
		err = io.ErrShortWrite
	}
	w.err = err
	w.buf = w.buf[:0]
}

// raw appends bytes outside any checksum.
func (w *Writer) raw(p []byte) {
	if len(w.buf)+len(p) > cap(w.buf) {
		w.flush()
	}
	w.buf = append(w.buf, p...)
}

// claim accounts for n more payload bytes of the open section, reporting
// whether they may be written.
func (w *Writer) claim(n int) bool {
	if w.err != nil {
		return false
	}
	if !w.open || uint64(n) > w.remaining {
		w.err = errors.New("persist: section payload exceeds its declared length")
		return false
	}
	w.remaining -= uint64(n)
	return true
}

// payload appends section bytes, updating the checksum.
func (w *Writer) payload(p []byte) {
	if w.claim(len(p)) {
		w.crc = crc32.Update(w.crc, castagnoli, p)
		w.raw(p)
	}
}

// space returns the next n ≤ chunk bytes of the write buffer, for a caller
// to encode payload into in place before passing them to commit.
func (w *Writer) space(n int) []byte {
	if len(w.buf)+n > cap(w.buf) {
		w.flush()
	}
	return w.buf[len(w.buf) : len(w.buf)+n]
}

// commit appends p, just filled in the buffer space returned, as payload.
func (w *Writer) commit(p []byte) {
	if w.claim(len(p)) {
		w.crc = crc32.Update(w.crc, castagnoli, p)
		w.buf = w.buf[:len(w.buf)+len(p)]
	}
}

// Header writes the magic and version that open a file.
func (w *Writer) Header(magic string, version uint32) {
	var b [12]byte
	copy(b[:8], magic)
	binary.LittleEndian.PutUint32(b[8:], version)
	w.raw(b[:])
}

// Begin opens a section of exactly length payload bytes.
func (w *Writer) Begin(tag string, length uint64) {
	if w.open && w.err == nil {
		w.err = errors.New("persist: Begin inside an open section")
	}
	var b [12]byte
	copy(b[:4], tag)
	binary.LittleEndian.PutUint64(b[4:], length)
	w.raw(b[:])
	w.open, w.remaining, w.crc = true, length, 0
}

// End closes the current section, writing its checksum.
func (w *Writer) End() {
	if w.err == nil && (!w.open || w.remaining != 0) {
		w.err = errors.New("persist: section shorter than its declared length")
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w.crc)
	w.raw(b[:])
	w.open = false
}

// Uint8 writes one byte of payload.
func (w *Writer) Uint8(v uint8) { w.payload([]byte{v}) }

// Uint32 writes a little-endian uint32 of payload.
func (w *Writer) Uint32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	w.payload(b[:])
}

// Uint64 writes a little-endian uint64 of payload.
func (w *Writer) Uint64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	w.payload(b[:])
}

// Bytes writes p as payload.
func (w *Writer) Bytes(p []byte) {
	for len(p) > 0 && w.err == nil {
		n := min(len(p), chunk)
		w.payload(p[:n])
		p = p[n:]
	}
}

// Uint32s writes vs as payload.
func (w *Writer) Uint32s(vs []uint32) { writeFixed(w, vs, 4, binary.LittleEndian.PutUint32) }

// Uint64s writes vs as payload.
func (w *Writer) Uint64s(vs []uint64) { writeFixed(w, vs, 8, binary.LittleEndian.PutUint64) }

// Float32s writes vs as payload.
func (w *Writer) Float32s(vs []float32) {
	writeFixed(w, vs, 4, func(b []byte, v float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(v)) })
}

// writeFixed writes vs, of size bytes each as put encodes them, in chunks.
func writeFixed[T any](w *Writer, vs []T, size int, put func([]byte, T)) {
	for len(vs) > 0 && w.err == nil {
		n := min(len(vs), chunk/size)
		b := w.space(size * n)
		for i, v := range vs[:n] {
			put(b[size*i:], v)
		}
		w.commit(b)
		vs = vs[n:]
	}
}

// Finish writes the end section, flushes, and returns the byte count and the
// first error.
func (w *Writer) Finish() (int64, error) {
	w.Begin(EndTag, 0)
	w.End()
	w.flush()
	return w.n, w.err
}

// Reader decodes sections from an io.Reader without reading ahead. Errors are
// sticky: after the first failure every call returns zero values and Err
// reports it.
type Reader struct {
	r         io.Reader
	n         int64
	err       error
	crc       uint32
	remaining uint64
	open      bool
	tag       string
	tmp       []byte
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// N returns the number of bytes consumed so far.
func (r *Reader) N() int64 { return r.n }

// Err returns the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Fail records a validation failure (wrapping errs.ErrCorrupt) unless an
// error is already recorded.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errs.ErrCorrupt)
	}
}

func (r *Reader) full(p []byte) bool {
	if r.err != nil {
		return false
	}
	m, err := io.ReadFull(r.r, p)
	r.n += int64(m)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			r.err = fmt.Errorf("truncated after %d bytes: %w", r.n, errs.ErrCorrupt)
		} else {
			r.err = err
		}
		return false
	}
	return true
}

// Header reads and checks the magic and returns the version.
func (r *Reader) Header(magic string) uint32 {
	var b [12]byte
	if !r.full(b[:]) {
		return 0
	}
	if string(b[:8]) != magic {
		r.Fail("bad magic %q, want %q", b[:8], magic)
		return 0
	}
	return binary.LittleEndian.Uint32(b[8:])
}

// Begin reads a section header, requires its tag to be tag and its length to
// be within [minLen, maxLen], and returns the length.
func (r *Reader) Begin(tag string, minLen, maxLen uint64) uint64 {
	var b [12]byte
	if !r.full(b[:]) {
		return 0
	}
	if string(b[:4]) != tag {
		r.Fail("section %q where %q was expected", b[:4], tag)
		return 0
	}
	n := binary.LittleEndian.Uint64(b[4:])
	if n < minLen || n > maxLen {
		r.Fail("section %q has length %d outside [%d, %d]", tag, n, minLen, maxLen)
		return 0
	}
	r.open, r.remaining, r.crc, r.tag = true, n, 0, tag
	return n
}

// End requires the current section to be fully consumed and checks its
// checksum.
func (r *Reader) End() {
	if r.err != nil {
		return
	}
	if !r.open || r.remaining != 0 {
		r.Fail("section %q has %d unread bytes", r.tag, r.remaining)
		return
	}
	r.open = false
	var b [4]byte
	if !r.full(b[:]) {
		return
	}
	if got := binary.LittleEndian.Uint32(b[:]); got != r.crc {
		r.Fail("section %q checksum %08x, want %08x", r.tag, got, r.crc)
	}
}

// Finish reads the end section.
func (r *Reader) Finish() error {
	r.Begin(EndTag, 0, 0)
	r.End()
	return r.err
}

// payload reads len(p) section bytes into p.
func (r *Reader) payload(p []byte) bool {
	if r.err != nil {
		return false
	}
	if !r.open || uint64(len(p)) > r.remaining {
		r.Fail("section %q is shorter than its contents", r.tag)
		return false
	}
	if !r.full(p) {
		return false
	}
	r.remaining -= uint64(len(p))
	r.crc = crc32.Update(r.crc, castagnoli, p)
	return true
}

// Uint8 reads one byte of payload.
func (r *Reader) Uint8() uint8 {
	var b [1]byte
	r.payload(b[:])
	return b[0]
}

// Uint32 reads a little-endian uint32 of payload.
func (r *Reader) Uint32() uint32 {
	var b [4]byte
	r.payload(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

// Uint64 reads a little-endian uint64 of payload.
func (r *Reader) Uint64() uint64 {
	var b [8]byte
	r.payload(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (r *Reader) buffer() []byte {
	if r.tmp == nil {
		r.tmp = make([]byte, chunk)
	}
	return r.tmp
}

// bulk checks that n elements of size bytes fit in the section.
func (r *Reader) bulk(n, size int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || uint64(n) > r.remaining/uint64(size) {
		r.Fail("section %q is shorter than its contents", r.tag)
		return false
	}
	return true
}

// grow extends s's capacity towards want (≥ len(s)+1 more), never beyond want,
// so allocations track the bytes actually read.
func grow[T any](s []T, want int) []T {
	if cap(s) > len(s) {
		return s
	}
	c := min(want, max(2*cap(s), chunk/4))
	t := make([]T, len(s), c)
	copy(t, s)
	return t
}

// Bytes reads n bytes of payload.
func (r *Reader) Bytes(n int) []byte {
	if !r.bulk(n, 1) {
		return nil
	}
	var out []byte
	for len(out) < n {
		out = grow(out, n)
		m := min(n-len(out), cap(out)-len(out), chunk)
		if !r.payload(out[len(out) : len(out)+m]) {
			return nil
		}
		out = out[:len(out)+m]
	}
	return out
}

// Uint32s reads n uint32s of payload.
func (r *Reader) Uint32s(n int) []uint32 { return readFixed(r, n, 4, binary.LittleEndian.Uint32) }

// Uint64s reads n uint64s of payload.
func (r *Reader) Uint64s(n int) []uint64 { return readFixed(r, n, 8, binary.LittleEndian.Uint64) }

// Float32s reads n float32s of payload.
func (r *Reader) Float32s(n int) []float32 {
	return readFixed(r, n, 4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) })
}

// readFixed reads n values of size bytes each, decoded by get. Memory
// grows with the bytes actually read (see bulk and grow), whatever n says.
func readFixed[T any](r *Reader, n, size int, get func([]byte) T) []T {
	if !r.bulk(n, size) {
		return nil
	}
	buf := r.buffer()
	out := make([]T, 0)
	for len(out) < n {
		out = grow(out, n)
		m := min(n-len(out), cap(out)-len(out), chunk/size)
		if !r.payload(buf[:size*m]) {
			return nil
		}
		for i := 0; i < m; i++ {
			out = append(out, get(buf[size*i:]))
		}
	}
	return out
}

// Finite reports whether every component of vs is finite, recording a
// failure otherwise.
func (r *Reader) Finite(vs []float32) bool {
	for i, v := range vs {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			r.Fail("component %d is %v", i, v)
			return false
		}
	}
	return true
}
