// This file exposes internals to the external tests of package ganada.

package ganada

import (
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"os"

	"github.com/ganada/ganada/embed"
)

// Pending returns the number of index ids that are not current documents
// (non-zero only while an Add or Delete is running).
func Pending(c *Collection) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.pending
}

// IndexLen returns the number of vectors in the collection's index.
func IndexLen(c *Collection) int { return c.idx.Len() }

// DocVector returns the index's vector of the document stored under id
// (unit-normalised under Cosine), and whether there is one.
func DocVector(c *Collection, id string) ([]float32, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	num, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	v, err := c.idx.Vector(num)
	return v, err == nil
}

// IndexEfSearch returns the default search beam width of the collection's
// HNSW index, or 0 for another index.
func IndexEfSearch(c *Collection) int {
	if c == nil {
		return 0
	}
	if h, ok := c.idx.(interface{ EfSearch() int }); ok {
		return h.EfSearch()
	}
	return 0
}

// IndexParams returns the HNSW parameters of the collection's index (zeros
// for another index).
func IndexParams(c *Collection) (m, efConstruction, efSearch int, seed uint64) {
	if h, ok := c.idx.(interface {
		M() int
		EfConstruction() int
		EfSearch() int
		Seed() uint64
	}); ok {
		return h.M(), h.EfConstruction(), h.EfSearch(), h.Seed()
	}
	return 0, 0, 0, 0
}

// SetMaxRecordPayload sets where the log splits a call into records and
// returns the previous value.
func SetMaxRecordPayload(n int) int {
	old := maxRecordPayload
	maxRecordPayload = n
	return old
}

// LogCall encodes call seq of a log: docs added under nums with vecs, and
// the index ids dels deleted, as an attached collection writes it.
func LogCall(seq uint64, docs []Document, nums []uint64, vecs [][]float32, dels []uint64) []byte {
	ops := logOps{vecs: vecs, dels: dels}
	for i, d := range docs {
		ops.adds = append(ops.adds, &entry{doc: d, num: nums[i]})
	}
	b, err := encodeCall(seq, ops)
	if err != nil {
		panic(err)
	}
	return b
}

// LogHeader returns the header of a log continuing the snapshot at path
// (read with enc), whose own log, if any, is ignored.
func LogHeader(path string, enc embed.Encoder) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Read(context.Background(), bytes.NewReader(b), enc)
	if err != nil {
		return nil, err
	}
	return appendLogHeader(nil, snapID{size: uint64(len(b)), crc: crc32.Checksum(b, crcTable), next: c.next}), nil
}

// NextID returns the collection's next index id.
func NextID(c *Collection) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.next
}

// IndexID returns the index id of the document stored under id.
func IndexID(c *Collection, id string) (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n, ok := c.byID[id]
	return n, ok
}

// LogCallFull is LogCall with outputs blobs for the added documents and
// documents updated in place (setDocs under setNums).
func LogCallFull(seq uint64, docs []Document, nums []uint64, vecs [][]float32, outputs [][]byte, dels []uint64, setDocs []Document, setNums []uint64) []byte {
	ops := logOps{vecs: vecs, outputs: outputs, dels: dels}
	for i, d := range docs {
		ops.adds = append(ops.adds, &entry{doc: d, num: nums[i]})
	}
	for i, d := range setDocs {
		ops.sets = append(ops.sets, &entry{doc: d, num: setNums[i]})
	}
	b, err := encodeCall(seq, ops)
	if err != nil {
		panic(err)
	}
	return b
}

// BreakLog makes the log of an attached collection refuse further calls,
// as a failed write that could not be undone does.
func BreakLog(c *Collection) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.wal.broken = errors.New("injected: the log is broken")
}
