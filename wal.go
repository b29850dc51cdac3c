// This file implements the Collection's append-only log (OpenFile): its
// format, appending a call's changes durably, and replaying them onto the
// snapshot they follow, with torn tails dropped and damage reported.
//
// The log PATH.log sits beside the snapshot PATH (the Collection file of
// persist.go). All integers are little-endian, checksums CRC-32C:
//
//	log     = header record*
//	header  = magic "GANADALG" version:u32 snapshot-size:u64
//	          snapshot-crc:u32 snapshot-next:u64 crc32c(the 32 bytes before):u32
//	record  = head payload[length] crc32c(payload):u32
//	head    = magic "GLR." length:u32 seq:u64 flags:u8 crc32c(the 17 bytes before):u32
//	payload = uvarint nadd, nadd × (entry, dim × f32 vector, blob outputs),
//	          uvarint ndel, ndel × uvarint index id,
//	          uvarint nset, nset × entry
//	blob    = uvarint byte length, bytes
//
// The header names the snapshot the log continues: the size and CRC-32C of
// the whole snapshot file and its next index id. A log whose header names
// another snapshot is stale (a crash between a compaction's new snapshot
// and its new log, or a Save by a collection not attached to the file):
// its changes are in the snapshot, and it is ignored.
//
// Every Add or Delete is one call: records with the same seq (one more
// than the previous call's), the last one flagged (flags bit 0). A call's
// changes are split over records of at most maxRecordPayload bytes (a
// single document may exceed it). An entry is a document as the
// snapshot's DOCS section encodes it (appendEntry, decodeEntry); its
// vector is what the encoder returned, so replay inserts it as Add did.
// Deletions name index ids; an Add's own replacements are implied by the
// document IDs. An add's outputs blob holds what else the encoder
// returned for the document and the collection stores beside the vector
// (WithSparse, WithColBERT), so that replay needs no encoding:
//
//	outputs = empty (the collection stores neither)
//	        | u8 flags (bit 0 sparse, bit 1 ColBERT),
//	          [uvarint n, n × (uvarint token id, f32 weight)],
//	          [uvarint rows, rows × ColBERT dim × f32]
//
// A set replaces the stored document of an existing index id (same ID and
// text, new metadata: SetMetadata), vectors untouched.
//
// Replay applies whole calls only. The first record that cannot be read
// (short, bad magic, bad head or payload CRC, a seq out of order) ends the
// log: it and what follows are a torn tail, the unacknowledged part of a
// call a crash interrupted, and are dropped (OpenFile truncates them
// away). Unless a record of a later call follows it: a later call is only
// written after the earlier one was synced, so the bad bytes are damage to
// acknowledged data, and replay fails with errs.ErrCorrupt rather than drop
// what follows. A record whose checksums hold but whose contents are wrong
// (a malformed entry, a NaN vector, an index id not above the collection's,
// a deletion of an id that holds no document) is errs.ErrCorrupt too.

package ganada

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/atomicfile"
	"github.com/ganada/ganada/internal/persist"
)

const (
	logMagic      = "GANADALG"
	logVersion    = 1
	logHeaderSize = 8 + 4 + 8 + 4 + 8 + 4
	recMagic      = "GLR."
	recHeadSize   = 4 + 4 + 8 + 1 + 4
	recFlagLast   = 1
)

// maxRecordPayload is where the writer splits a call into records (a
// variable for the tests, which make multi-record calls small).
var maxRecordPayload = 16 << 20

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// snapID identifies a snapshot file: its size, the CRC-32C of all its
// bytes and its next index id.
type snapID struct {
	size uint64
	crc  uint32
	next uint64
}

// crcCounter counts and checksums the bytes passing through it, to
// identify a snapshot as it is written or read.
type crcCounter struct {
	w   io.Writer
	r   io.Reader
	n   uint64
	crc uint32
}

func (h *crcCounter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.n += uint64(n)
	h.crc = crc32.Update(h.crc, crcTable, p[:n])
	return n, err
}

func (h *crcCounter) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += uint64(n)
	h.crc = crc32.Update(h.crc, crcTable, p[:n])
	return n, err
}

func appendLogHeader(b []byte, id snapID) []byte {
	start := len(b)
	b = append(b, logMagic...)
	b = binary.LittleEndian.AppendUint32(b, logVersion)
	b = binary.LittleEndian.AppendUint64(b, id.size)
	b = binary.LittleEndian.AppendUint32(b, id.crc)
	b = binary.LittleEndian.AppendUint64(b, id.next)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], crcTable))
}

// parseLogHeader reads the header of the log named name.
func parseLogHeader(name string, b []byte) (snapID, error) {
	if len(b) < logHeaderSize {
		return snapID{}, fmt.Errorf("log %s: header: %d bytes, want %d: %w", name, len(b), logHeaderSize, errs.ErrCorrupt)
	}
	b = b[:logHeaderSize]
	if string(b[:8]) != logMagic {
		return snapID{}, fmt.Errorf("log %s: header: bad magic %q: %w", name, b[:8], errs.ErrCorrupt)
	}
	if got, want := binary.LittleEndian.Uint32(b[32:]), crc32.Checksum(b[:32], crcTable); got != want {
		return snapID{}, fmt.Errorf("log %s: header: checksum %08x, want %08x: %w", name, got, want, errs.ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != logVersion {
		return snapID{}, fmt.Errorf("log %s: header: version %d (this build reads %d): %w", name, v, logVersion, errs.ErrUnsupported)
	}
	return snapID{
		size: binary.LittleEndian.Uint64(b[12:]),
		crc:  binary.LittleEndian.Uint32(b[20:]),
		next: binary.LittleEndian.Uint64(b[24:]),
	}, nil
}

// logOps is one call's changes: documents added (with their index ids,
// vectors and outputs blobs, nil for none), index ids deleted, documents
// updated in place.
type logOps struct {
	adds    []*entry
	vecs    [][]float32
	outputs [][]byte
	dels    []uint64
	sets    []*entry
}

// encodeCall returns the records of call seq: its changes in order (adds,
// deletions, sets), a record closed once its payload reaches
// maxRecordPayload, the last one flagged.
func encodeCall(seq uint64, ops logOps) ([]byte, error) {
	// items[k] holds the encoded changes of list k (adds, deletions, sets).
	var items [3][][]byte
	for i, e := range ops.adds {
		b := appendEntry(nil, e)
		for _, x := range ops.vecs[i] {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
		var out []byte
		if i < len(ops.outputs) {
			out = ops.outputs[i]
		}
		b = persist.AppendUvarint(b, uint64(len(out)))
		items[0] = append(items[0], append(b, out...))
	}
	for _, n := range ops.dels {
		items[1] = append(items[1], persist.AppendUvarint(nil, n))
	}
	for _, e := range ops.sets {
		items[2] = append(items[2], appendEntry(nil, e))
	}
	var out []byte
	var pos [3]int // items already in records, per list
	for first := true; first || pos != [3]int{len(items[0]), len(items[1]), len(items[2])}; first = false {
		// The record's share of each list: as many as fit, at least one.
		var end [3]int
		size := 0
		for k := range items {
			end[k] = pos[k]
			for end[k] < len(items[k]) && (size == 0 || size+len(items[k][end[k]]) <= maxRecordPayload) {
				size += len(items[k][end[k]])
				end[k]++
			}
		}
		var payload []byte
		for k := range items {
			payload = persist.AppendUvarint(payload, uint64(end[k]-pos[k]))
			for _, it := range items[k][pos[k]:end[k]] {
				payload = append(payload, it...)
			}
		}
		if len(payload) > math.MaxUint32 {
			return nil, fmt.Errorf("log: a record of %d bytes exceeds the format's 4 GiB: %w", len(payload), errs.ErrInvalidInput)
		}
		pos = end
		last := pos == [3]int{len(items[0]), len(items[1]), len(items[2])}
		h := len(out)
		out = append(out, recMagic...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
		out = binary.LittleEndian.AppendUint64(out, seq)
		out = append(out, boolByte(last))
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out[h:], crcTable))
		out = append(out, payload...)
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(payload, crcTable))
	}
	return out, nil
}

// decodeRecord reads a record's payload of a collection of dimension dim.
func decodeRecord(b []byte, dim int, ops *logOps) error {
	d := persist.NewDecoder("log record", b)
	// An add takes at least minEntryBytes, its vector and a blob length.
	n := d.Count("added documents", uint64(len(b)/(minEntryBytes+4*dim+1)))
	for i := 0; i < n && d.Err() == nil; i++ {
		e := decodeEntry(d, i)
		v := d.Float32s("vector", dim)
		out := d.Blob("outputs")
		ops.adds = append(ops.adds, e)
		ops.vecs = append(ops.vecs, v)
		ops.outputs = append(ops.outputs, out)
	}
	n = d.Count("deleted ids", uint64(d.Remaining()))
	for i := 0; i < n && d.Err() == nil; i++ {
		ops.dels = append(ops.dels, d.Uvarint("deleted id"))
	}
	n = d.Count("updated documents", uint64(d.Remaining()/minEntryBytes))
	for i := 0; i < n && d.Err() == nil; i++ {
		ops.sets = append(ops.sets, decodeEntry(d, i))
	}
	return d.End()
}

// logState is what replay found: whether the log continues the snapshot,
// where its last whole call ends, that call's seq, and how many bytes
// after it were dropped as a torn tail.
type logState struct {
	matched bool
	end     int64
	seq     uint64
	dropped int64
}

// replayLog applies the calls of the log named name (size bytes read
// through r) to c, a collection just read from the snapshot want.
func (c *Collection) replayLog(ctx context.Context, r io.ReaderAt, size int64, name string, want snapID) (logState, error) {
	if size < logHeaderSize {
		return logState{}, fmt.Errorf("log %s: header: %d bytes, want %d: %w", name, size, logHeaderSize, errs.ErrCorrupt)
	}
	head := make([]byte, logHeaderSize)
	if _, err := r.ReadAt(head, 0); err != nil {
		return logState{}, fmt.Errorf("log %s: %w", name, err)
	}
	id, err := parseLogHeader(name, head)
	if err != nil {
		return logState{}, err
	}
	if id != want {
		return logState{}, nil // stale: its changes are in the snapshot
	}
	st := logState{matched: true, end: logHeaderSize}
	off := int64(logHeaderSize)
	var ops logOps
	rh := make([]byte, recHeadSize)
	var payload []byte
	for off < size {
		if err := ctx.Err(); err != nil {
			return logState{}, err
		}
		// Read the next record; any failure up to its checksum is a bad record.
		bad := ""
		var length uint64
		var flags byte
		if size-off < recHeadSize+4 {
			bad = "short record"
		} else if _, err := r.ReadAt(rh, off); err != nil {
			return logState{}, fmt.Errorf("log %s: offset %d: %w", name, off, err)
		} else if ok, seq, n, f := parseRecHead(rh); !ok {
			bad = "bad record head"
		} else if seq != st.seq+1 {
			bad = fmt.Sprintf("record of call %d where call %d was expected", seq, st.seq+1)
		} else if n > uint64(size-off-recHeadSize-4) {
			bad = fmt.Sprintf("record of %d bytes, %d left in the file", n, size-off-recHeadSize-4)
		} else {
			length, flags = n, f
			if uint64(cap(payload)) < length+4 {
				payload = make([]byte, length+4)
			}
			payload = payload[:length+4]
			if _, err := r.ReadAt(payload, off+recHeadSize); err != nil {
				return logState{}, fmt.Errorf("log %s: offset %d: %w", name, off, err)
			}
			if binary.LittleEndian.Uint32(payload[length:]) != crc32.Checksum(payload[:length], crcTable) {
				bad = "record checksum mismatch"
			}
		}
		if bad != "" {
			if at, seq, ok := laterCall(r, off+1, size, st.seq+1); ok {
				return logState{}, fmt.Errorf("log %s: offset %d: %s, yet a record of the later call %d follows at offset %d: the log is damaged, not torn: %w", name, off, bad, seq, at, errs.ErrCorrupt)
			}
			st.dropped = size - st.end
			return st, nil
		}
		if err := decodeRecord(payload[:length], c.idx.Dim(), &ops); err != nil {
			return logState{}, fmt.Errorf("log %s: offset %d: %w", name, off, err)
		}
		off += recHeadSize + int64(length) + 4
		if flags&recFlagLast != 0 {
			if err := c.applyLogged(ctx, ops); err != nil {
				return logState{}, fmt.Errorf("log %s: call ending at offset %d: %w", name, off, err)
			}
			ops = logOps{}
			st.seq++
			st.end = off
		}
	}
	st.dropped = size - st.end
	return st, nil
}

// parseRecHead checks a record head's magic and checksum and returns its
// fields.
func parseRecHead(h []byte) (ok bool, seq, length uint64, flags byte) {
	if string(h[:4]) != recMagic || binary.LittleEndian.Uint32(h[17:]) != crc32.Checksum(h[:17], crcTable) {
		return false, 0, 0, 0
	}
	return true, binary.LittleEndian.Uint64(h[8:]), uint64(binary.LittleEndian.Uint32(h[4:])), h[16]
}

// laterCall searches the log from offset from for a record head of a call
// after call torn (the one a bad record belongs to), returning its offset
// and seq. The search reads the rest of the file once, in blocks, and
// checks a head checksum only where the record magic appears.
func laterCall(r io.ReaderAt, from, size int64, torn uint64) (int64, uint64, bool) {
	const block = 1 << 20
	buf := make([]byte, min(block+recHeadSize, max(size-from, 0)))
	for pos := from; pos+recHeadSize <= size; pos += block {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, 0, false
		}
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(recMagic))
			if j < 0 || i+j+recHeadSize > len(b) {
				break
			}
			i += j
			if ok, seq, _, _ := parseRecHead(b[i : i+recHeadSize]); ok && seq > torn {
				return pos + int64(i), seq, true
			}
			i++
		}
	}
	return 0, 0, false
}

// applyLogged applies one replayed call to c, which no other goroutine
// uses yet. Errors wrap errs.ErrCorrupt: the call's checksums held, so its
// contents are what a writer put there.
func (c *Collection) applyLogged(ctx context.Context, ops logOps) error {
	dim := c.idx.Dim()
	next := c.next
	for i, e := range ops.adds {
		if e.num < next {
			return fmt.Errorf("document %q: index id %d, not above the collection's %d: %w", e.doc.ID, e.num, next, errs.ErrCorrupt)
		}
		next = e.num + 1
		if _, err := checkVec(ops.vecs[i], dim, c.cfg.metric); err != nil {
			return fmt.Errorf("document %q: %w: %w", e.doc.ID, errs.ErrCorrupt, err)
		}
	}
	// The stored outputs of the added documents: from their blobs, or, for
	// a blob that lacks some (a store the options added at Load), encoded
	// again from the text.
	var multi []embed.MultiEmbedding
	var multiNums []uint64
	var encode []*entry
	for i, e := range ops.adds {
		var out []byte
		if i < len(ops.outputs) {
			out = ops.outputs[i]
		}
		m, f, err := c.decodeOutputs(out)
		if err == nil && f == c.storedOutputs() && f != 0 {
			err = c.checkMulti(m)
		}
		if err != nil {
			return fmt.Errorf("document %q: encoder outputs: %w: %w", e.doc.ID, errs.ErrCorrupt, err)
		}
		switch {
		case !c.multi():
		case f == c.storedOutputs():
			m.Dense = ops.vecs[i]
			multi = append(multi, m)
			multiNums = append(multiNums, e.num)
		default:
			encode = append(encode, e)
		}
	}
	seen := make(map[uint64]bool, len(ops.dels))
	for _, n := range ops.dels {
		if c.byNum[n] == nil || seen[n] {
			return fmt.Errorf("deletes index id %d, which holds no document: %w", n, errs.ErrCorrupt)
		}
		seen[n] = true
	}
	// Sets apply to documents stored before the call, not deleted by it.
	for _, e := range ops.sets {
		old := c.byNum[e.num]
		if old == nil || seen[e.num] {
			return fmt.Errorf("updates index id %d, which holds no document: %w", e.num, errs.ErrCorrupt)
		}
		if old.doc.ID != e.doc.ID || old.doc.Text != e.doc.Text {
			return fmt.Errorf("updates index id %d (document %q) with document %q of another text: %w", e.num, old.doc.ID, e.doc.ID, errs.ErrCorrupt)
		}
	}
	for _, e := range ops.sets {
		c.byNum[e.num] = e
	}
	if len(ops.adds) > 0 {
		nums := make([]uint64, len(ops.adds))
		for i, e := range ops.adds {
			nums[i] = e.num
		}
		if err := c.idx.AddBatch(ctx, nums, ops.vecs); err != nil {
			return fmt.Errorf("adding to the index: %w", err)
		}
		if c.lex != nil {
			texts := make([]string, len(ops.adds))
			for i, e := range ops.adds {
				texts[i] = e.doc.Text
			}
			if err := c.lex.AddBatch(ctx, nums, texts); err != nil {
				return fmt.Errorf("adding to the lexical index: %w", err)
			}
		}
		if err := c.addMulti(ctx, multiNums, multi); err != nil {
			return err
		}
		if err := c.encodeMultiOf(ctx, encode); err != nil {
			return err
		}
	}
	var old []uint64
	for _, e := range ops.adds {
		if prev, ok := c.byID[e.doc.ID]; ok {
			old = append(old, prev)
			delete(c.byNum, prev)
		}
		c.byID[e.doc.ID] = e.num
		c.byNum[e.num] = e
	}
	for _, n := range ops.dels {
		if e := c.byNum[n]; e != nil {
			if c.byID[e.doc.ID] == n {
				delete(c.byID, e.doc.ID)
			}
			delete(c.byNum, n)
			old = append(old, n)
		}
	}
	c.next = next
	for _, n := range old {
		if err := c.idx.Delete(ctx, n); err != nil {
			return fmt.Errorf("deleting index id %d: %w", n, err)
		}
		if c.lex != nil {
			if err := c.lex.Delete(ctx, n); err != nil {
				return fmt.Errorf("deleting index id %d from the lexical index: %w", n, err)
			}
		}
		c.deleteMulti(n)
	}
	return nil
}

// Flags of an outputs blob.
const (
	logSparse  = 1 << 0
	logColBERT = 1 << 1
)

// encodeOutputs encodes the outputs the collection stores of one document
// (see the format above).
func (c *Collection) encodeOutputs(m embed.MultiEmbedding) []byte {
	b := []byte{c.storedOutputs()}
	if c.sp != nil {
		b = persist.AppendUvarint(b, uint64(len(m.Sparse.IDs)))
		for i, id := range m.Sparse.IDs {
			b = persist.AppendUvarint(b, uint64(id))
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Sparse.Weights[i]))
		}
	}
	if c.col != nil {
		b = persist.AppendUvarint(b, uint64(len(m.ColBERT)))
		for _, row := range m.ColBERT {
			for _, x := range row {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
			}
		}
	}
	return b
}

// storedOutputs returns the outputs flags of what the collection stores.
func (c *Collection) storedOutputs() byte {
	var f byte
	if c.sp != nil {
		f |= logSparse
	}
	if c.col != nil {
		f |= logColBERT
	}
	return f
}

// decodeOutputs reads an outputs blob and returns what it carries (flags,
// 0 for an empty blob); it must carry nothing the collection does not
// store (checkMulti then validates the values).
func (c *Collection) decodeOutputs(b []byte) (embed.MultiEmbedding, byte, error) {
	var m embed.MultiEmbedding
	if len(b) == 0 {
		return m, 0, nil
	}
	d := persist.NewDecoder("outputs", b)
	f := d.Byte("flags")
	if want := c.storedOutputs(); f&^want != 0 {
		return m, 0, fmt.Errorf("outputs flags %#x, the collection stores %#x: %w", f, want, errs.ErrCorrupt)
	}
	if f&logSparse != 0 {
		n := d.Count("lexical weights", uint64(d.Remaining()/5))
		m.Sparse.IDs = make([]int, 0, n)
		m.Sparse.Weights = make([]float32, 0, n)
		for i := 0; i < n && d.Err() == nil; i++ {
			id := d.Count("token id", math.MaxInt32)
			w := d.Float32s("weight", 1)
			if d.Err() == nil {
				m.Sparse.IDs = append(m.Sparse.IDs, id)
				m.Sparse.Weights = append(m.Sparse.Weights, w[0])
			}
		}
	}
	if f&logColBERT != 0 {
		dim := c.col.Dim()
		rows := d.Count("ColBERT rows", uint64(d.Remaining()/(4*dim)))
		m.ColBERT = make([][]float32, 0, rows)
		for i := 0; i < rows && d.Err() == nil; i++ {
			m.ColBERT = append(m.ColBERT, d.Float32s("ColBERT vector", dim))
		}
	}
	return m, f, d.End()
}

// walLog is an open log a collection appends to.
type walLog struct {
	path string // the snapshot's
	f    *os.File
	size int64  // bytes of the header and the whole calls
	seq  uint64 // the last call's
	snap snapID
	sync bool
	// broken is set when the file's state is unknown (a failed write not
	// undone, a failed fsync, a log not restarted after a compaction): no
	// write is acknowledged from then on.
	broken error
}

// logPath returns the log file of the snapshot path.
func logPath(path string) string { return path + ".log" }

// createLog writes a new log for the snapshot id at path atomically
// (replacing any log there) and opens it for appending.
func createLog(path string, id snapID, sync bool) (*walLog, error) {
	lp := logPath(path)
	err := atomicfile.Write(lp, func(w io.Writer) error {
		_, err := w.Write(appendLogHeader(nil, id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("creating the log %s: %w", lp, err)
	}
	f, err := os.OpenFile(lp, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the log: %w", err)
	}
	return &walLog{path: path, f: f, size: logHeaderSize, snap: id, sync: sync}, nil
}

// append writes ops as the next call and, under the sync policy, flushes
// them to stable storage; only then are they acknowledged. A failed write
// is cut off again, so the log stays a sequence of whole calls; if that
// fails too, or the flush fails, the log is broken and refuses every
// later call until a compaction replaces it.
func (w *walLog) append(ops logOps) error {
	if w.broken != nil {
		return w.broken
	}
	b, err := encodeCall(w.seq+1, ops)
	if err != nil {
		return err
	}
	if _, err := w.f.WriteAt(b, w.size); err != nil {
		if terr := w.f.Truncate(w.size); terr != nil {
			w.broken = fmt.Errorf("log %s: a failed write could not be undone (%v); Compact or reopen the collection: %w", w.f.Name(), terr, err)
		}
		return fmt.Errorf("log %s: %w", w.f.Name(), err)
	}
	if w.sync {
		if err := w.f.Sync(); err != nil {
			w.broken = fmt.Errorf("log %s: sync failed, the file's state is unknown; Compact or reopen the collection: %w", w.f.Name(), err)
			return w.broken
		}
	}
	w.size += int64(len(b))
	w.seq++
	return nil
}

func (w *walLog) close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if w.broken == nil {
		w.broken = fmt.Errorf("log %s: closed: %w", w.path, errs.ErrClosed)
	}
	return err
}
