// This file holds the memory-mapped, read-only HNSW index: Open maps a
// file Save wrote (version 3) and searches it in place, with the float32
// vectors and the codes faulted in from the file as searches touch them;
// Verify checks the sections Open did not read; Close unmaps.

package hnsw

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
	"github.com/ganada/ganada/index/internal/core"
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

// Open maps the file at path, written by Save in the current format
// (version 3), read-only into memory and returns an index that searches
// it in place. Open reads and checksums the header, the configuration,
// the ids (building the id map), levels and flags, and both link
// sections, whose every link it validates, so that no search can leave
// the graph; the float32 vectors (VECS) and the codes (CODE) are neither
// read nor checksummed: their pages are read from the file as searches
// touch them (and count towards the process's resident memory as file
// pages the kernel may drop and re-read), and Verify checksums them on
// demand. A damaged vector there goes unnoticed until Verify (a
// non-finite component gives NaN scores, never a crash). A quantised
// index walks the graph on the codes and reads float32 vectors only to
// rescore (WithRescore) and for the exact scans of selective filters; with
// WithRescore(0) a search reads no vector at all. The codes of Int8 under
// L2 have their decoded norms computed at Open (reading every code).
//
// The index is read-only: Add, AddBatch, Delete, Compact and a
// Reconfigure that changes the quantisation fail with an error wrapping
// errs.ErrUnsupported (Load the file to change it). Close unmaps the file;
// afterwards every call fails with errs.ErrClosed. The file must not be
// truncated or rewritten in place while mapped (Save replaces files by
// rename, which is safe). Where mapping is unavailable (not unix, a
// big-endian CPU) or the file is of an older version, Open reads the file
// as Load does and the index is still read-only.
func Open(ctx context.Context, path string) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, fi, err := fileio.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hnsw: open %s: %w", path, err)
	}
	defer f.Close()
	data, unmap, ok := fileio.Map(f, fi.Size())
	if ok && binary.NativeEndian.Uint16([]byte{1, 0}) == 1 && len(data) >= headerLen &&
		string(data[:8]) == magic && binary.LittleEndian.Uint32(data[8:]) == version {
		x, err := openMapped(data)
		if err != nil {
			unmap(data)
			return nil, fmt.Errorf("hnsw: open %s: %w", path, err)
		}
		x.mapped.path, x.mapped.unmap = path, unmap
		return x, nil
	}
	if ok {
		unmap(data)
	}
	x, err := Load(ctx, path)
	if err != nil {
		return nil, err
	}
	x.mapped = &mapping{path: path}
	return x, nil
}

// openMapped builds a read-only index over data, a whole version-3 file.
func openMapped(data []byte) (*Index, error) {
	br := bytes.NewReader(data)
	pr := persist.NewReader(br)
	pr.Header(magic)
	pr.Begin("CONF", confLen, confLen)
	dim := int(pr.Uint32())
	metric := index.Metric(pr.Uint32())
	m := int(pr.Uint32())
	efC := int(pr.Uint32())
	efSearch := int(pr.Uint32())
	cflags := pr.Uint32()
	seed := pr.Uint64()
	n64 := pr.Uint64()
	ep := pr.Uint64()
	pr.End()
	if pr.Err() == nil {
		switch {
		case core.CheckDim(dim) != nil, !metric.Valid(), m < 2 || m > 256,
			efC < 1 || efC > MaxEf, efSearch < 1 || efSearch > MaxEf:
			pr.Fail("bad hnsw header: dim %d metric %d M %d efC %d ef %d", dim, metric, m, efC, efSearch)
		case n64 >= 1<<32-1 || n64*uint64(dim) > index.MaxComponents || n64 > uint64(len(data)):
			// Every node takes at least its label's 8 bytes in the file.
			pr.Fail("bad hnsw header: %d nodes of dimension %d in a file of %d bytes", n64, dim, len(data))
		}
	}
	var qc core.QuantConfig
	var codes *core.Codes
	if pr.Err() == nil {
		qc, codes = core.ReadQuant(pr, dim, metric)
	}
	noVecs := readNoVectors(pr, version, cflags, &qc, codes, dim)
	nv := 4 * n64 * uint64(dim)
	if noVecs {
		nv = 0
	}
	n := int(n64)
	m0 := 2 * m
	pr.Begin("LABL", uint64(8*n), uint64(8*n))
	labels := pr.Uint64s(n)
	pr.End()
	pr.Begin("LEVL", uint64(n), uint64(n))
	levels := pr.Bytes(n)
	pr.End()
	lists := 0
	for _, l := range levels {
		if l > maxLevel {
			pr.Fail("node level %d exceeds %d", l, maxLevel)
			break
		}
		lists += int(l)
	}
	if lists > math.MaxUint32 {
		pr.Fail("%d upper-layer lists exceed 2^32", lists)
	}
	pr.Begin("FLAG", uint64(n), uint64(n))
	fl := pr.Bytes(n)
	pr.End()
	if err := pr.Err(); err != nil {
		return nil, err
	}

	mp := &mapping{data: data}
	off := int(pr.N())
	// section returns the payload of the section at off, which must carry
	// tag and a length in [lo, hi] that fits in data; lazy sections are
	// checksummed by Verify, the others here.
	section := func(tag string, lo, hi uint64, lazy bool) ([]byte, error) {
		if len(data)-off < sectionOverhead {
			return nil, fmt.Errorf("section %q: file ends at %d: %w", tag, len(data), errs.ErrCorrupt)
		}
		got, ln := string(data[off:off+4]), binary.LittleEndian.Uint64(data[off+4:])
		if got != tag || ln < lo || ln > hi || ln > uint64(len(data)-off-sectionOverhead) {
			return nil, fmt.Errorf("section %q of %d bytes at %d, want %q of [%d, %d]: %w", got, ln, off, tag, lo, hi, errs.ErrCorrupt)
		}
		p := data[off+12 : off+12+int(ln) : off+12+int(ln)]
		crc := binary.LittleEndian.Uint32(data[off+12+int(ln):])
		if lazy {
			mp.lazy = append(mp.lazy, lazySection{tag, p, crc})
		} else if got := crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)); got != crc {
			return nil, fmt.Errorf("section %q checksum %08x, want %08x: %w", tag, got, crc, errs.ErrCorrupt)
		}
		off += sectionOverhead + int(ln)
		return p, nil
	}
	var vp, cp, l0, lu []byte
	var err error
	steps := []struct {
		tag    string
		lo, hi uint64
		lazy   bool
		dst    *[]byte
	}{
		{padTag, 0, 63, false, nil},
		{"VECS", nv, nv, true, &vp},
		{padTag, 0, 63, false, nil},
		{"CODE", codeBytes(codes, n), codeBytes(codes, n), true, &cp},
		{padTag, 0, 63, false, nil},
		{"LNK0", 4 * n64 * uint64(m0+1), 4 * n64 * uint64(m0+1), false, &l0},
		{padTag, 0, 63, false, nil},
		{"LNKU", 4 * uint64(lists) * uint64(m+1), 4 * uint64(lists) * uint64(m+1), false, &lu},
	}
	for _, st := range steps {
		p, err := section(st.tag, st.lo, st.hi, st.lazy)
		if err != nil {
			return nil, err
		}
		if st.dst != nil {
			*st.dst = p
		}
	}
	if end := data[off:]; len(end) != 16 || string(end[:4]) != persist.EndTag || binary.LittleEndian.Uint64(end[4:]) != 0 || binary.LittleEndian.Uint32(end[12:]) != 0 {
		return nil, fmt.Errorf("%d bytes at the end where the 16-byte end marker was expected: %w", len(end), errs.ErrCorrupt)
	}

	y := &Index{mapped: mp}
	y.init(dim, metric, m, efC, efSearch, seed)
	y.capacity = n
	y.vecs = viewFloat32s(vp)
	if noVecs {
		y.vecs = nil
	}
	y.links0 = viewUint32s(l0)
	y.upper = viewUint32s(lu)
	y.levels, y.labels = levels, labels
	y.flags = make([]uint32, n)
	y.upperOff = make([]uint32, n)
	o := 0
	for s := 0; s < n; s++ {
		y.upperOff[s] = uint32(o)
		o += int(levels[s])
	}
	y.upperUsed = o
	y.n.Store(int64(n))
	if err = y.validate(fl, ep); err != nil {
		return nil, err
	}
	y.hidden.Store(int64(y.deleted))
	// No node locks: nothing writes a list of a read-only index.
	if codes != nil && codes.Ready() && n > 0 {
		switch codes.Kind {
		case index.Int8:
			codes.I = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(cp))), len(cp))
			codes.SetNorms(n)
		case index.Binary:
			codes.B = viewUint64s(cp)
		default:
			codes.F = viewFloat32s(cp)
		}
	} else if codes != nil && !codes.Ready() && n > 0 && n >= qc.Calibration() {
		codes.Calibrate(n, func(i int) []float32 { return y.vec(uint32(i)) })
	}
	y.qc, y.codes = qc, codes
	y.rng = nil // read-only: no level is ever drawn
	return y, nil
}

// viewFloat32s returns p as float32s in place when it is aligned (the
// PAD. sections see to it in files Save wrote), else a decoded copy.
func viewFloat32s(p []byte) []float32 {
	if len(p) == 0 {
		return []float32{}
	}
	if uintptr(unsafe.Pointer(&p[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&p[0])), len(p)/4)
	}
	out := make([]float32, len(p)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
	return out
}

// viewUint32s is viewFloat32s for uint32s.
func viewUint32s(p []byte) []uint32 {
	if len(p) == 0 {
		return []uint32{}
	}
	if uintptr(unsafe.Pointer(&p[0]))%4 == 0 {
		return unsafe.Slice((*uint32)(unsafe.Pointer(&p[0])), len(p)/4)
	}
	out := make([]uint32, len(p)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(p[4*i:])
	}
	return out
}

// viewUint64s is viewFloat32s for uint64s.
func viewUint64s(p []byte) []uint64 {
	if len(p) == 0 {
		return []uint64{}
	}
	if uintptr(unsafe.Pointer(&p[0]))%8 == 0 {
		return unsafe.Slice((*uint64)(unsafe.Pointer(&p[0])), len(p)/8)
	}
	out := make([]uint64, len(p)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	return out
}

// Verify checks the sections of an index opened with Open that Open did
// not read: the checksums of VECS and CODE, that every vector is finite
// and, for a float32 funnel, every code. It returns an error wrapping
// errs.ErrCorrupt naming the file and section, or errs.ErrClosed after
// Close. On an index not opened with Open (everything was checked when it
// was read) it returns nil. Searches may run meanwhile.
func (x *Index) Verify() error {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	if err := x.ready(); err != nil {
		return err
	}
	if x.mapped == nil {
		return nil
	}
	tab := crc32.MakeTable(crc32.Castagnoli)
	for _, s := range x.mapped.lazy {
		if got := crc32.Checksum(s.payload, tab); got != s.crc {
			return fmt.Errorf("hnsw: verify %s: section %q: checksum %08x, stored %08x: %w", x.mapped.path, s.tag, got, s.crc, errs.ErrCorrupt)
		}
	}
	check := func(tag string, vs []float32) error {
		for i, v := range vs {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("hnsw: verify %s: section %q: component %d is %v: %w", x.mapped.path, tag, i, v, errs.ErrCorrupt)
			}
		}
		return nil
	}
	if err := check("VECS", x.vecs); err != nil {
		return err
	}
	if x.codes != nil {
		return check("CODE", x.codes.F)
	}
	return nil
}

// Close releases the file of an index opened with Open; later calls fail
// with errs.ErrClosed (Close again returns nil). Searches running meanwhile
// finish first. On an index not opened with Open it does nothing.
func (x *Index) Close() error {
	x.growMu.Lock()
	defer x.growMu.Unlock()
	if x.mapped == nil || x.mapped.closed {
		return nil
	}
	path := x.mapped.path
	err := x.release()
	x.mapped = &mapping{path: path, closed: true}
	x.mu.Lock()
	x.vecs, x.links0, x.upper, x.upperOff, x.codes = nil, nil, nil, nil, nil
	x.labels, x.levels, x.flags = nil, nil, nil
	x.ids = map[uint64]uint32{}
	x.ep.Store(noEntry)
	x.n.Store(0)
	x.mu.Unlock()
	return err
}

// release unmaps the file behind x, if any. The caller holds growMu
// exclusively and drops every slice into the mapping.
func (x *Index) release() error {
	if x.mapped == nil || x.mapped.unmap == nil {
		x.mapped = nil
		return nil
	}
	err := x.mapped.unmap(x.mapped.data)
	x.mapped = nil
	return err
}

// writable returns an error wrapping errs.ErrUnsupported for an index
// opened with Open. The caller holds growMu.
func (x *Index) writable() error {
	if x.mapped != nil && !x.mapped.closed {
		return fmt.Errorf("hnsw: %s was opened read-only (Open); Load it to change it: %w", x.mapped.path, errs.ErrUnsupported)
	}
	return nil
}
