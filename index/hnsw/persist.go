// This file holds the HNSW index's serialisation: WriteTo, ReadFrom, Save and
// Load over the sectioned, checksummed container of index/internal/persist.
// A loaded index is ready to search as written: nothing is rebuilt.

package hnsw

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/core"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"unsafe"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/hugepage"
	"github.com/ganada/ganada/internal/persist"
)

const (
	magic = "GNDXHNSW"
	// version 2 added the QUNT section, version 3 the CODE section and
	// the PAD. sections that align the sections Open maps; ReadFrom still
	// reads versions 1 and 2.
	version = 3
	confLen = 6*4 + 3*8
	// padTag names a section of 0..63 filler bytes that makes the payload
	// of the next section start at a multiple of 64 bytes in the file.
	padTag = "PAD."
	// sectionOverhead is a section's bytes besides its payload: tag and
	// length before it, CRC-32C after it.
	sectionOverhead = 16
	headerLen       = 12
	// confNoVectors, a bit of CONF's sixth word (reserved before version
	// 3), marks an index that keeps no float32 vectors (WithoutVectors):
	// VECS is empty and CODE holds the codes.
	confNoVectors = 1
)

// padLen returns the filler a PAD. section written at file offset off
// needs so that the payload of the section after it starts at a multiple
// of 64.
func padLen(off int64) int64 {
	return (64 - (off+2*sectionOverhead-4)%64) % 64
}

// WriteTo writes the index to w in ganada's HNSW format (version 3):
// magic and version, then sections CONF, QUNT (the quantisation and Int8
// ranges), LABL, LEVL, FLAG, VECS (empty for an index that keeps no
// float32 vectors), CODE (each slot's first-stage code; empty when the
// index scans float32), LNK0 and LNKU, each with a
// CRC-32C, then an end marker. VECS, CODE, LNK0 and LNKU are each preceded
// by a PAD. section that aligns their payload to 64 bytes in the file, so
// that Open can use them in place. Tombstones are written too (Compact
// first to drop them). Searches and writers wait while it runs.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.growMu.Lock()
	defer x.growMu.Unlock()
	if err := x.ready(); err != nil {
		return 0, err
	}
	n := int(x.n.Load())
	pw := persist.NewWriter(w)
	off := int64(headerLen)
	begin := func(tag string, length int64) {
		pw.Begin(tag, uint64(length))
		off += sectionOverhead + length
	}
	pad := func() {
		p := padLen(off)
		begin(padTag, p)
		pw.Bytes(make([]byte, p))
		pw.End()
	}
	pw.Header(magic, version)
	begin("CONF", confLen)
	pw.Uint32(uint32(x.dim))
	pw.Uint32(uint32(x.metric))
	pw.Uint32(uint32(x.m))
	pw.Uint32(uint32(x.efC))
	pw.Uint32(uint32(x.efSearch))
	nv := 0
	if x.codesOnly() {
		nv = confNoVectors
	}
	pw.Uint32(uint32(nv))
	pw.Uint64(x.seed)
	pw.Uint64(uint64(n))
	pw.Uint64(x.ep.Load())
	pw.End()
	off += int64(core.WriteQuant(pw, x.qc, x.codes))

	begin("LABL", int64(8*n))
	pw.Uint64s(x.labels[:n])
	pw.End()
	begin("LEVL", int64(n))
	pw.Bytes(x.levels[:n])
	pw.End()
	flags := make([]byte, n)
	upperWords := 0
	for s := 0; s < n; s++ {
		if x.flags[s]&flagDeleted != 0 {
			flags[s] = 1
		}
		upperWords += int(x.levels[s]) * (x.m + 1)
	}
	begin("FLAG", int64(n))
	pw.Bytes(flags)
	pw.End()
	pad()
	vecs := x.vecs
	if nv != 0 {
		vecs = nil
	} else {
		vecs = vecs[:n*x.dim]
	}
	begin("VECS", int64(4*len(vecs)))
	pw.Float32s(vecs)
	pw.End()
	pad()
	c := x.codes
	switch {
	case c == nil || !c.Ready():
		begin("CODE", 0)
	case c.Kind == index.Int8:
		begin("CODE", int64(n*c.Dims))
		pw.Bytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c.I))), n*c.Dims))
	case c.Kind == index.Binary:
		begin("CODE", int64(8*n*c.Words()))
		pw.Uint64s(c.B[:n*c.Words()])
	default:
		begin("CODE", int64(4*n*c.Dims))
		pw.Float32s(c.F[:n*c.Dims])
	}
	pw.End()
	pad()
	begin("LNK0", int64(4*n*(x.m0+1)))
	pw.Uint32s(x.links0[:n*(x.m0+1)])
	pw.End()
	pad()
	begin("LNKU", int64(4*upperWords))
	for s := 0; s < n; s++ {
		o := int(x.upperOff[s]) * (x.m + 1)
		pw.Uint32s(x.upper[o : o+int(x.levels[s])*(x.m+1)])
	}
	pw.End()
	return pw.Finish()
}

// codeBytes returns the size of the CODE section of n slots for codes c
// (nil or uncalibrated: none).
func codeBytes(c *core.Codes, n int) uint64 {
	switch {
	case c == nil || !c.Ready():
		return 0
	case c.Kind == index.Int8:
		return uint64(n) * uint64(c.Dims)
	case c.Kind == index.Binary:
		return 8 * uint64(n) * uint64(c.Words())
	}
	return 4 * uint64(n) * uint64(c.Dims)
}

// readNoVectors checks CONF's flags word (cflags) against the quantisation
// read, records WithoutVectors in qc, and reports whether VECS is empty:
// the index keeps no float32 vectors and its codes are ready.
func readNoVectors(pr *persist.Reader, v, cflags uint32, qc *core.QuantConfig, codes *core.Codes, dim int) bool {
	if pr.Err() != nil {
		return false
	}
	if cflags&^confNoVectors != 0 || (v < 3 && cflags != 0) {
		pr.Fail("bad hnsw header: flags %#x", cflags)
		return false
	}
	if cflags == 0 {
		return false
	}
	qc.NoVectors = true
	if err := qc.Check("", dim); err != nil || codes == nil || !codes.Ready() {
		pr.Fail("bad hnsw header: no float32 vectors but no codes to search (%v)", qc.Kind)
		return false
	}
	return true
}

// readPad reads a PAD. section.
func readPad(pr *persist.Reader) {
	p := pr.Begin(padTag, 0, 63)
	pr.Bytes(int(p))
	pr.End()
}

// readCodes reads the CODE section of n slots into c (already holding its
// ranges), recomputing the decoded norms of Int8 codes under L2.
func readCodes(pr *persist.Reader, c *core.Codes, n int) {
	size := codeBytes(c, n)
	pr.Begin("CODE", size, size)
	switch {
	case size == 0:
	case c.Kind == index.Int8:
		b := pr.Bytes(int(size))
		if b != nil {
			c.I = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
		}
	case c.Kind == index.Binary:
		c.B = pr.Uint64s(int(size / 8))
	default:
		c.F = pr.Float32s(int(size / 4))
		if pr.Err() == nil {
			pr.Finite(c.F)
		}
	}
	pr.End()
	if pr.Err() == nil && size > 0 {
		c.SetNorms(n)
	}
}

// ReadFrom replaces the index with one written by WriteTo, adopting its
// dimension, metric and parameters, and returns the number of bytes read. It
// reads no byte past the end of the index, so an index can be embedded in a
// larger stream. Input that is truncated, fails a checksum or describes an
// impossible graph yields an error wrapping errs.ErrCorrupt and leaves the
// index unchanged; allocations grow with the bytes actually read.
func (x *Index) ReadFrom(r io.Reader) (int64, error) {
	pr := persist.NewReader(r)
	v := pr.Header(magic)
	if pr.Err() == nil && (v < 1 || v > version) {
		pr.Fail("unsupported hnsw index version %d", v)
	}
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
		case n64 >= 1<<32-1 || n64*uint64(dim) > index.MaxComponents:
			pr.Fail("bad hnsw header: %d nodes of dimension %d", n64, dim)
		}
	}
	n := int(n64)
	m0 := 2 * m
	var qc core.QuantConfig
	var codes *core.Codes
	if v >= 2 && pr.Err() == nil {
		qc, codes = core.ReadQuant(pr, dim, metric)
	}
	noVecs := readNoVectors(pr, v, cflags, &qc, codes, dim)
	nv := n * dim
	if noVecs {
		nv = 0
	}

	pr.Begin("LABL", uint64(8*n), uint64(8*n))
	labels := pr.Uint64s(n)
	pr.End()
	pr.Begin("LEVL", uint64(n), uint64(n))
	levels := pr.Bytes(n)
	pr.End()
	upperWords := 0
	for _, l := range levels {
		if l > maxLevel {
			pr.Fail("node level %d exceeds %d", l, maxLevel)
			break
		}
		upperWords += int(l) * (m + 1)
	}
	if upperWords/(m+1) > math.MaxUint32 {
		pr.Fail("%d upper-layer lists exceed 2^32", upperWords/(m+1))
	}
	pr.Begin("FLAG", uint64(n), uint64(n))
	fl := pr.Bytes(n)
	pr.End()
	if v >= 3 {
		readPad(pr)
	}
	pr.Begin("VECS", uint64(4*nv), uint64(4*nv))
	vecs := pr.Float32s(nv)
	pr.End()
	if noVecs {
		vecs = nil
	}
	if pr.Err() == nil {
		pr.Finite(vecs)
	}
	codesRead := false
	if v >= 3 {
		readPad(pr)
		if codes == nil {
			pr.Begin("CODE", 0, 0)
			pr.End()
		} else {
			readCodes(pr, codes, n)
			codesRead = codes.Ready()
		}
		readPad(pr)
	}
	pr.Begin("LNK0", uint64(4*n*(m0+1)), uint64(4*n*(m0+1)))
	links0 := pr.Uint32s(n * (m0 + 1))
	pr.End()
	if v >= 3 {
		readPad(pr)
	}
	pr.Begin("LNKU", uint64(4*upperWords), uint64(4*upperWords))
	flatUpper := pr.Uint32s(upperWords)
	pr.End()
	if err := pr.Finish(); err != nil {
		return pr.N(), fmt.Errorf("hnsw: read: %w", err)
	}

	y := &Index{}
	y.init(dim, metric, m, efC, efSearch, seed)
	y.capacity = n
	y.vecs, y.links0, y.levels, y.labels = vecs, links0, levels, labels
	y.flags = make([]uint32, n)
	y.upper, y.upperOff = flatUpper, make([]uint32, n)
	y.n.Store(int64(n))
	off := 0
	for s := 0; s < n; s++ {
		y.upperOff[s] = uint32(off)
		off += int(levels[s])
	}
	y.upperUsed = off
	if err := y.validate(fl, ep); err != nil {
		return pr.N(), fmt.Errorf("hnsw: read: %w", err)
	}
	y.nodeLocks = make([]sync.Mutex, n)
	if codesRead {
		// Read from CODE as written.
	} else if codes != nil && codes.Ready() {
		codes.Resize(n)
		for s := 0; s < n; s++ {
			codes.Encode(s, y.vec(uint32(s)))
		}
	} else if codes != nil && n > 0 && n >= qc.Calibration() {
		// Saved before it reached its calibration count (WithCalibration
		// raised since, or a file from elsewhere): calibrate now rather
		// than at the next Add.
		codes.Calibrate(n, func(i int) []float32 { return y.vec(uint32(i)) })
	}
	// Already written, so the kernel can only collapse them in the
	// background; still worth asking.
	hugepage.Advise(vecs)
	hugepage.Advise(links0)

	x.growMu.Lock()
	defer x.growMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.release() // an index opened with Open becomes this one, in memory
	x.dim, x.metric, x.m, x.m0, x.efC, x.efSearch, x.mult, x.seed = y.dim, y.metric, y.m, y.m0, y.efC, y.efSearch, y.mult, y.seed
	x.prefetchLines, x.gather = y.prefetchLines, y.gather
	x.qc, x.codes = qc, codes
	// Continue the level sequence deterministically but apart from the
	// original one.
	x.rng = rand.New(rand.NewPCG(seed^uint64(n), seed^0x9e3779b97f4a7c15))
	x.capacity = y.capacity
	x.vecs, x.links0, x.upper, x.upperOff, x.upperUsed, x.levels, x.labels, x.flags, x.nodeLocks = y.vecs, y.links0, y.upper, y.upperOff, y.upperUsed, y.levels, y.labels, y.flags, y.nodeLocks
	x.ids, x.deleted = y.ids, y.deleted
	x.n.Store(int64(n))
	x.hidden.Store(int64(y.deleted))
	x.ep.Store(y.ep.Load())
	return pr.N(), nil
}

// validate checks a freshly read graph so that no search or insert on it can
// index out of range, and fills ids, flags, deleted and ep.
func (y *Index) validate(fl []byte, ep uint64) error {
	n := int(y.n.Load())
	for s := 0; s < n; s++ {
		switch fl[s] {
		case 0:
			if _, dup := y.ids[y.labels[s]]; dup {
				return fmt.Errorf("id %d stored twice: %w", y.labels[s], errs.ErrCorrupt)
			}
			y.ids[y.labels[s]] = uint32(s)
		case 1:
			y.flags[s] = flagDeleted
			y.deleted++
		default:
			return fmt.Errorf("node %d has flags %d: %w", s, fl[s], errs.ErrCorrupt)
		}
		for l := 0; l <= int(y.levels[s]); l++ {
			lst := y.list(uint32(s), l)
			maxM := y.m
			if l == 0 {
				maxM = y.m0
			}
			cnt := int(lst[0])
			if cnt > maxM {
				return fmt.Errorf("node %d layer %d has %d links, limit %d: %w", s, l, cnt, maxM, errs.ErrCorrupt)
			}
			for _, nb := range lst[1 : cnt+1] {
				if int(nb) >= n || int(y.levels[nb]) < l {
					return fmt.Errorf("node %d layer %d links to invalid node %d: %w", s, l, nb, errs.ErrCorrupt)
				}
			}
		}
	}
	if n == 0 {
		if ep != noEntry {
			return fmt.Errorf("entry point in an empty graph: %w", errs.ErrCorrupt)
		}
		return nil
	}
	s, l := unpackEntry(ep)
	if ep>>37 != 0 || int(s) >= n || int(y.levels[s]) != l {
		return fmt.Errorf("bad entry point %#x: %w", ep, errs.ErrCorrupt)
	}
	y.ep.Store(ep)
	return nil
}

// Save writes the index to path atomically: into a temporary file in the
// same directory, flushed to stable storage and renamed over path, so that
// a crash leaves the previous file or the complete new one. Cancelling ctx
// stops the writing with ctx's error and leaves path as it was.
func (x *Index) Save(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return core.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := x.WriteTo(persist.ContextWriter(ctx, w))
		return err
	})
}

// Read reads an index written by WriteTo from r, consuming exactly its
// bytes. Cancelling ctx stops the reading with ctx's error.
func Read(ctx context.Context, r io.Reader) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &Index{}
	if _, err := x.ReadFrom(persist.ContextReader(ctx, r)); err != nil {
		return nil, err
	}
	return x, nil
}

// Load reads an index saved with Save. The file must hold the index and
// nothing after it: a damaged or truncated file, or one with bytes after the
// index's end marker, yields an error wrapping errs.ErrCorrupt. Cancelling
// ctx stops the reading with ctx's error.
func Load(ctx context.Context, path string) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &Index{}
	err := core.ReadFile(path, func(r io.Reader) error {
		_, err := x.ReadFrom(persist.ContextReader(ctx, r))
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}
