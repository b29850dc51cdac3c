// file.go is the cache file: an append-only log of checksummed records
// that survives crashes and is shared by processes without locks.
//
// Layout: the header line "ganada embedding cache v1\n", then records:
//
//	marker "GEC1" | length:u32 | key[32] | dim:u32 | dim × float32 | crc32c:u32
//
// (little-endian; length = 36 + 4·dim counts key, dim and the floats; the
// CRC-32C covers length through the floats). Each process appends its
// records with one write on a file opened O_APPEND, so records of two
// processes do not interleave. A reader indexes the records it has scanned
// (key → offset) and, on a miss, scans what was appended since. A record
// whose marker, length or checksum is wrong — torn by a crash, damaged on
// disk — is skipped: the scan resumes at the next marker. An incomplete
// record at the end of the file is left for the next scan (its writer may
// still be writing). Every length is bounded (dim ≤ MaxDim) and checked
// against the file's size before anything is read or allocated, and each
// record is verified again when its vector is read.
//
// When an append takes the file over its size bound, the process rewrites
// it (internal/atomicfile: a new file renamed over the old) with the most
// recently used entries it knows; other processes notice the replaced file
// on their next scan or append and reopen it. Records another process
// appends to the old file in the instant between the rewrite and its
// rename are lost — a cache miss later, never a wrong vector.

package cache

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sync"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/atomicfile"
)

// MaxDim is the largest vector dimension a cache holds.
const MaxDim = 1 << 16

const (
	fileHeader  = "ganada embedding cache v1\n"
	recOverhead = 4 + 4 + 32 + 4 + 4 // marker, length, key, dim, crc
)

var (
	marker     = []byte("GEC1")
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// Record is a vector and its key.
type Record struct {
	Key Key
	Vec []float32
}

// loc is where a record is in the file.
type loc struct {
	off int64
	dim int
}

// File is an open cache file. It is safe for concurrent use.
type File struct {
	path     string
	maxBytes int64

	mu      sync.Mutex
	f       *os.File
	scanned int64     // bytes of f scanned so far
	index   *lru[loc] // every record scanned, most recently used first
	closed  bool
	buf     []byte // record reading buffer
}

// OpenFile opens the cache file at path, creating it if absent, and
// indexes its records. maxBytes bounds its size (see WithMaxFileBytes).
// A file that exists but is not a cache file (its first line differs) is
// an error wrapping errs.ErrCorrupt, and is left untouched.
func OpenFile(path string, maxBytes int64) (*File, error) {
	f := &File{path: path, maxBytes: maxBytes}
	if err := f.open(); err != nil {
		return nil, err
	}
	return f, nil
}

// open opens f.path and scans it whole.
func (f *File) open() error {
	if st, err := os.Stat(f.path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("cache: %s: not a regular file: %w", f.path, errs.ErrCorrupt)
	}
	fd, err := os.OpenFile(f.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return fmt.Errorf("cache: %w", err)
	}
	if st.Size() == 0 {
		if _, err := fd.Write([]byte(fileHeader)); err != nil {
			fd.Close()
			return fmt.Errorf("cache: %s: writing the header: %w", f.path, err)
		}
	} else {
		head := make([]byte, len(fileHeader))
		if _, err := fd.ReadAt(head, 0); err != nil || string(head) != fileHeader {
			fd.Close()
			return fmt.Errorf("cache: %s: header: not a ganada embedding cache file: %w", f.path, errs.ErrCorrupt)
		}
	}
	f.f = fd
	f.scanned = int64(len(fileHeader))
	f.index = newLRU[loc](-1)
	return f.scanLocked()
}

// scanLocked indexes the records appended since the last scan.
func (f *File) scanLocked() error {
	st, err := f.f.Stat()
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f.scanned = scan(f.f, f.scanned, st.Size(), func(k Key, off int64, dim int) {
		f.index.put(k, loc{off, dim})
	})
	return nil
}

// refreshLocked reopens the file if another process replaced it, then
// scans what was appended.
func (f *File) refreshLocked() error {
	cur, err1 := f.f.Stat()
	now, err2 := os.Stat(f.path)
	if err1 == nil && err2 == nil && !os.SameFile(cur, now) {
		f.f.Close()
		return f.open()
	}
	return f.scanLocked()
}

// scan indexes the valid records of r between pos and size, calling visit
// for each, and returns where the next scan starts: the end of the last
// record, or the start of an incomplete one at the end.
func scan(r io.ReaderAt, pos, size int64, visit func(k Key, off int64, dim int)) int64 {
	var hdr [8]byte
	var buf []byte
	for pos+recOverhead <= size {
		if _, err := r.ReadAt(hdr[:], pos); err != nil {
			return pos
		}
		if !bytes.Equal(hdr[:4], marker) {
			pos = findMarker(r, pos+1, size)
			continue
		}
		length := int64(binary.LittleEndian.Uint32(hdr[4:]))
		if length < 36+4 || (length-36)%4 != 0 || (length-36)/4 > MaxDim {
			pos = findMarker(r, pos+1, size)
			continue
		}
		end := pos + 8 + length + 4
		if end > size {
			return pos // incomplete: its writer may still be writing
		}
		if cap(buf) < int(end-pos) {
			buf = make([]byte, end-pos)
		}
		b := buf[:end-pos]
		if _, err := r.ReadAt(b, pos); err != nil {
			return pos
		}
		k, dim, ok := checkRecord(b)
		if !ok {
			pos = findMarker(r, pos+1, size)
			continue
		}
		visit(k, pos, dim)
		pos = end
	}
	return pos
}

// checkRecord checks a whole record's marker, length, dimension and CRC.
func checkRecord(b []byte) (k Key, dim int, ok bool) {
	if len(b) < recOverhead || !bytes.Equal(b[:4], marker) {
		return k, 0, false
	}
	length := int(binary.LittleEndian.Uint32(b[4:]))
	if length != len(b)-12 {
		return k, 0, false
	}
	dim = int(binary.LittleEndian.Uint32(b[40:]))
	if 36+4*dim != length {
		return k, 0, false
	}
	if crc32.Checksum(b[4:len(b)-4], castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return k, 0, false
	}
	copy(k[:], b[8:40])
	return k, dim, true
}

// findMarker returns the offset of the next marker at or after from, or,
// when there is none, where a marker cut by the end could start.
func findMarker(r io.ReaderAt, from, size int64) int64 {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for pos := from; pos < size; pos += chunk - int64(len(marker)-1) {
		n := min(int64(chunk), size-pos)
		m, _ := r.ReadAt(buf[:n], pos)
		if i := bytes.Index(buf[:m], marker); i >= 0 {
			return pos + int64(i)
		}
		if int64(m) < n || pos+n >= size {
			break
		}
	}
	return max(from, size-int64(len(marker)-1))
}

// appendRecord appends rec's encoding to b.
func appendRecord(b []byte, k Key, v []float32) []byte {
	start := len(b)
	b = append(b, marker...)
	b = binary.LittleEndian.AppendUint32(b, uint32(36+4*len(v)))
	b = append(b, k[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start+4:], castagnoli))
}

// readLocked reads and verifies the record of k at l.
func (f *File) readLocked(k Key, l loc, dim int) []float32 {
	if l.dim != dim {
		return nil
	}
	n := recOverhead + 4*dim
	if cap(f.buf) < n {
		f.buf = make([]byte, n)
	}
	b := f.buf[:n]
	if _, err := f.f.ReadAt(b, l.off); err != nil {
		return nil
	}
	got, d, ok := checkRecord(b)
	if !ok || got != k || d != dim {
		return nil
	}
	v := make([]float32, dim)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[44+4*i:]))
	}
	return v
}

// Get returns the vectors of keys (nil where the file has none of
// dimension dim), scanning what other processes appended when one is
// missing.
func (f *File) Get(keys []Key, dim int) ([][]float32, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, fmt.Errorf("cache: %s: %w", f.path, errs.ErrClosed)
	}
	out := make([][]float32, len(keys))
	missing := 0
	lookup := func() {
		missing = 0
		for i, k := range keys {
			if out[i] != nil {
				continue
			}
			if l, ok := f.index.get(k); ok {
				if v := f.readLocked(k, l, dim); v != nil {
					out[i] = v
					continue
				}
				f.index.remove(k)
			}
			missing++
		}
	}
	lookup()
	if missing > 0 {
		if err := f.refreshLocked(); err != nil {
			return nil, err
		}
		lookup()
	}
	return out, nil
}

// Put appends records in one write, then rewrites the file if it grew
// over its bound.
func (f *File) Put(recs []Record) error {
	var b []byte
	for _, r := range recs {
		if len(r.Vec) == 0 || len(r.Vec) > MaxDim {
			return fmt.Errorf("cache: %s: vector of %d components outside [1, %d]: %w", f.path, len(r.Vec), MaxDim, errs.ErrInvalidInput)
		}
		b = appendRecord(b, r.Key, r.Vec)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("cache: %s: %w", f.path, errs.ErrClosed)
	}
	// Append to the file at path, not to one another process's
	// compaction replaced (its records would be lost).
	if cur, err := f.f.Stat(); err == nil {
		if now, err := os.Stat(f.path); err == nil && !os.SameFile(cur, now) {
			f.f.Close()
			if err := f.open(); err != nil {
				return err
			}
		}
	}
	if _, err := f.f.Write(b); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	st, err := f.f.Stat()
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if st.Size() > f.maxBytes {
		return f.compactLocked()
	}
	return nil
}

// compactLocked rewrites the file with the most recently used entries up
// to half the bound, oldest first (so a scan leaves the newest most
// recent), and reopens it.
func (f *File) compactLocked() error {
	if err := f.scanLocked(); err != nil {
		return err
	}
	budget := f.maxBytes/2 - int64(len(fileHeader))
	var keep []Record
	f.index.each(func(k Key, l loc) bool {
		size := int64(recOverhead + 4*l.dim)
		if size > budget {
			return false
		}
		if v := f.readLocked(k, l, l.dim); v != nil {
			keep = append(keep, Record{k, v})
			budget -= size
		}
		return true
	})
	err := atomicfile.Write(f.path, func(w io.Writer) error {
		if _, err := io.WriteString(w, fileHeader); err != nil {
			return err
		}
		var b []byte
		for i := len(keep) - 1; i >= 0; i-- {
			b = appendRecord(b[:0], keep[i].Key, keep[i].Vec)
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: %s: compacting: %w", f.path, err)
	}
	f.f.Close()
	return f.open()
}

// Len returns the number of entries indexed so far.
func (f *File) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.index.len()
}

// Close closes the file.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	return f.f.Close()
}
