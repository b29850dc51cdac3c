// This file holds the memory-mapped, read-only flat index: Open maps a
// file Save wrote and searches its vectors in place, Verify checks the
// sections Open did not read, Close unmaps.
package flat

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"unsafe"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/fileio"
	"github.com/ganada/ganada/internal/persist"
)

// mapping is the file behind an index opened with Open.
type mapping struct {
	path   string
	data   []byte
	unmap  func([]byte) error
	closed bool
	// lazy are the sections Open did not checksum: VECS and CODE.
	lazy []lazySection
}

type lazySection struct {
	tag     string
	payload []byte
	crc     uint32
}

// Open maps the file at path, written by Save, read-only into memory and
// returns an index that searches it in place: the vectors (and codes) are
// not read at Open, so pages are read from the file (and count towards the
// process's resident memory) as searches touch them, and the page cache
// shares them between processes. Open reads and checksums the header,
// configuration and ids (building the id map, 8 bytes and a map entry per
// vector); the VECS and CODE sections are checksummed only by Verify, so a
// damaged vector there goes unnoticed until Verify is called (a
// non-finite component gives NaN scores, never a crash). Exceptions that
// read more at Open: binary codes (copied, as the file does not align
// them), the decoded norms of int8 codes under L2, and the codes of an
// index that keeps float32 vectors beside them (recomputed from the
// vectors, as Load does).
//
// The index is read-only: Add, AddBatch and Delete fail with an error
// wrapping errs.ErrUnsupported. Close unmaps the file; afterwards every
// call fails with errs.ErrClosed. The file must not be truncated or
// rewritten in place while mapped (Save replaces files by rename, which is
// safe). Where mapping is unavailable (not unix, a big-endian CPU), Open
// reads the file as Load does and the index is still read-only.
func Open(ctx context.Context, path string) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, fi, err := fileio.Open(path)
	if err != nil {
		return nil, fmt.Errorf("flat: open %s: %w", path, err)
	}
	defer f.Close()
	data, unmap, ok := fileio.Map(f, fi.Size())
	if !ok || binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		if ok {
			unmap(data)
		}
		x, err := Load(ctx, path)
		if err != nil {
			return nil, err
		}
		x.m = &mapping{path: path}
		return x, nil
	}
	x, err := openMapped(data)
	if err != nil {
		unmap(data)
		return nil, fmt.Errorf("flat: open %s: %w", path, err)
	}
	x.m.path, x.m.unmap = path, unmap
	return x, nil
}

// openMapped builds a read-only index over data, a whole file.
func openMapped(data []byte) (*Index, error) {
	pr := persist.NewReader(bytes.NewReader(data))
	h := readHead(pr)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	m := &mapping{data: data}
	off := int(pr.N())
	// section returns the payload of the section at off, which must carry
	// tag and exactly want bytes inside data.
	section := func(tag string, want uint64) ([]byte, error) {
		if len(data)-off < 16 {
			return nil, fmt.Errorf("section %q: file ends at %d: %w", tag, len(data), errs.ErrCorrupt)
		}
		got, n := string(data[off:off+4]), binary.LittleEndian.Uint64(data[off+4:])
		if got != tag || n != want || n > uint64(len(data)-off-16) {
			return nil, fmt.Errorf("section %q of %d bytes at %d, want %q of %d: %w", got, n, off, tag, want, errs.ErrCorrupt)
		}
		p := data[off+12 : off+12+int(n) : off+12+int(n)]
		m.lazy = append(m.lazy, lazySection{tag, p, binary.LittleEndian.Uint32(data[off+12+int(n):])})
		off += 16 + int(n)
		return p, nil
	}
	nf := 0
	if h.floats {
		nf = h.n * h.dim
	}
	vp, err := section("VECS", uint64(4*nf))
	if err != nil {
		return nil, err
	}
	vecs := []float32{}
	if nf > 0 {
		if uintptr(unsafe.Pointer(&vp[0]))%4 == 0 {
			vecs = unsafe.Slice((*float32)(unsafe.Pointer(&vp[0])), nf)
		} else {
			vecs = make([]float32, nf)
			for i := range vecs {
				vecs[i] = math.Float32frombits(binary.LittleEndian.Uint32(vp[4*i:]))
			}
		}
	}
	if !h.floats {
		vecs = nil
	}
	c := h.codes
	if h.version == version {
		want := 0
		if !h.floats {
			if c.Kind == index.Int8 {
				want = h.n * c.Dims
			} else {
				want = 8 * h.n * c.Words()
			}
		}
		cp, err := section("CODE", uint64(want))
		if err != nil {
			return nil, err
		}
		switch {
		case h.floats:
		case c.Kind == index.Int8:
			c.I = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(cp))), len(cp))
			c.SetNorms(h.n)
		default:
			c.B = make([]uint64, len(cp)/8)
			for i := range c.B {
				c.B[i] = binary.LittleEndian.Uint64(cp[8*i:])
			}
		}
	}
	if end := data[off:]; len(end) != 16 || string(end[:4]) != persist.EndTag || binary.LittleEndian.Uint64(end[4:]) != 0 || binary.LittleEndian.Uint32(end[12:]) != 0 {
		return nil, fmt.Errorf("%d bytes at the end where the 16-byte end marker was expected: %w", len(end), errs.ErrCorrupt)
	}
	if c != nil && h.floats && c.Ready() {
		c.Resize(h.n)
		for i := 0; i < h.n; i++ {
			c.Encode(i, vecs[i*h.dim:(i+1)*h.dim])
		}
	}
	return &Index{dim: h.dim, metric: h.metric, ids: h.ids, pos: h.pos, vecs: vecs, qc: h.qc, codes: c, m: m}, nil
}

// Verify checks the sections of an index opened with Open that Open did
// not read: the checksums of VECS and CODE and that every vector is
// finite. It returns an error wrapping errs.ErrCorrupt naming the file
// and section, or errs.ErrClosed after Close. On an index not opened with
// Open (everything was checked when it was read) it returns nil.
func (x *Index) Verify() error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := x.ready(); err != nil {
		return err
	}
	if x.m == nil {
		return nil
	}
	tab := crc32.MakeTable(crc32.Castagnoli)
	for _, s := range x.m.lazy {
		if got := crc32.Checksum(s.payload, tab); got != s.crc {
			return fmt.Errorf("flat: verify %s: section %q: checksum %08x, stored %08x: %w", x.m.path, s.tag, got, s.crc, errs.ErrCorrupt)
		}
	}
	for i, v := range x.vecs {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("flat: verify %s: section \"VECS\": component %d is %v: %w", x.m.path, i, v, errs.ErrCorrupt)
		}
	}
	return nil
}

// Close releases the file of an index opened with Open; later calls fail
// with errs.ErrClosed (Close again returns nil). Searches running meanwhile
// finish first. On an index not opened with Open it does nothing.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil || x.m.closed {
		return nil
	}
	path := x.m.path
	err := x.release()
	x.m = &mapping{path: path, closed: true}
	x.ids, x.vecs, x.pos, x.codes = nil, nil, map[uint64]int{}, nil
	return err
}

// release unmaps the file behind x, if any. The caller holds mu
// exclusively and drops every slice into the mapping.
func (x *Index) release() error {
	if x.m == nil || x.m.unmap == nil {
		x.m = nil
		return nil
	}
	err := x.m.unmap(x.m.data)
	x.m = nil
	return err
}

// writable returns an error wrapping errs.ErrUnsupported for an index
// opened with Open. The caller holds mu.
func (x *Index) writable() error {
	if x.m != nil && !x.m.closed {
		return fmt.Errorf("flat: %s was opened read-only (Open); Load it to change it: %w", x.m.path, errs.ErrUnsupported)
	}
	return nil
}
