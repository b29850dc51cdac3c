// This file holds streamed sections: a section whose length is not known
// when it starts (a nested file written by another package's WriteTo), so
// its header carries the marker Streamed and its trailer the CRC-32C of
// every byte between them.

package persist

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
)

// Streamed is the length field of a streamed section.
const Streamed = math.MaxUint64

// Stream writes a streamed section tagged tag whose bytes are what write
// writes to the io.Writer it is given (its own checksummed sections, say).
// An error of write is recorded and returned by Finish as it is.
func (w *Writer) Stream(tag string, write func(io.Writer) (int64, error)) {
	if w.open && w.err == nil {
		w.err = errors.New("persist: Stream inside an open section")
	}
	var b [12]byte
	copy(b[:4], tag)
	binary.LittleEndian.PutUint64(b[4:], Streamed)
	w.raw(b[:])
	if w.err != nil {
		return
	}
	sw := &streamWriter{w: w}
	if _, err := write(sw); err != nil && w.err == nil {
		w.err = err
	}
	var t [4]byte
	binary.LittleEndian.PutUint32(t[:], sw.crc)
	w.raw(t[:])
}

// streamWriter passes bytes through the Writer's buffer, checksumming them.
type streamWriter struct {
	w   *Writer
	crc uint32
}

func (s *streamWriter) Write(p []byte) (int, error) {
	if s.w.err != nil {
		return 0, s.w.err
	}
	s.crc = crc32.Update(s.crc, castagnoli, p)
	for q := p; len(q) > 0 && s.w.err == nil; {
		n := min(len(q), chunk)
		s.w.raw(q[:n])
		q = q[n:]
	}
	if s.w.err != nil {
		return 0, s.w.err
	}
	return len(p), nil
}

// Stream reads a streamed section tagged tag: read gets an io.Reader over
// the bytes that follow the header and must consume exactly the section's
// bytes (a self-delimiting format's ReadFrom does); Stream then checks the
// CRC-32C trailer. An error of read is recorded as it is, except that the
// end of the input becomes a truncation (errs.ErrCorrupt).
func (r *Reader) Stream(tag string, read func(io.Reader) error) {
	var b [12]byte
	if !r.full(b[:]) {
		return
	}
	if string(b[:4]) != tag {
		r.Fail("section %q where %q was expected", b[:4], tag)
		return
	}
	if n := binary.LittleEndian.Uint64(b[4:]); n != Streamed {
		r.Fail("section %q has length %d, want the streamed marker", tag, n)
		return
	}
	sr := &streamReader{r: r}
	if err := read(sr); err != nil {
		if r.err == nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				r.Fail("section %q truncated after %d bytes: %v", tag, r.n, err)
			} else {
				r.err = err
			}
		}
		return
	}
	var t [4]byte
	if !r.full(t[:]) {
		return
	}
	if got := binary.LittleEndian.Uint32(t[:]); got != sr.crc {
		r.Fail("section %q checksum %08x, want %08x", tag, got, sr.crc)
	}
}

// streamReader reads from the Reader's source, counting and checksumming.
type streamReader struct {
	r   *Reader
	crc uint32
}

func (s *streamReader) Read(p []byte) (int, error) {
	if s.r.err != nil {
		return 0, s.r.err
	}
	n, err := s.r.r.Read(p)
	s.r.n += int64(n)
	s.crc = crc32.Update(s.crc, castagnoli, p[:n])
	return n, err
}
