// Package safetensors reads tensors from files in the Hugging Face
// safetensors format, and from sharded checkpoints described by a
// model.safetensors.index.json file.
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON header mapping tensor names to {"dtype", "shape", "data_offsets"}
// (offsets relative to the end of the header), then the raw little-endian
// tensor data. Open memory-maps the file where the platform allows it and
// otherwise reads it once; either way the bytes are held only once, and
// Float32s returns float32 tensors without copying when it can.
//
// A File is safe for concurrent use by multiple goroutines. Slices returned
// by its methods stay valid until Close; after Close they must not be used.
//
// Errors wrap the sentinels of package errs, with the file and tensor names
// in their messages: errs.ErrCorrupt for a malformed or truncated file or
// index, errs.ErrNotFound for a tensor name absent from the file,
// errs.ErrUnsupported for a dtype that cannot be converted as asked, and
// errs.ErrClosed for use of a File after Close.
package safetensors

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/fileio"
)

// DType names the element type of a tensor as written in the header, for
// example "F32", "F16" or "BF16".
type DType string

// Element types defined by the safetensors format.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
	// F8E4M3 and F8E5M2 are the 8-bit float formats.
	F8E4M3 DType = "F8_E4M3"
	F8E5M2 DType = "F8_E5M2"
)

// Size returns the number of bytes of one element, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool, F8E4M3, F8E5M2:
		return 1
	}
	return 0
}

// Tensor describes one tensor of a file.
type Tensor struct {
	// Name is the tensor's key in the header.
	Name string
	// DType is its element type.
	DType DType
	// Shape is its dimensions, outermost first; empty for a scalar.
	Shape []int
	// File is the path of the file that holds its data.
	File       string
	begin, end int64 // byte range within the data section of the shard
	shard      *shard
}

// Len returns the number of elements (the product of Shape).
func (t Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// shard is one opened safetensors file.
type shard struct {
	path  string
	data  []byte // the tensor data section (after the header)
	whole []byte // the whole file as mapped or read
	unmap func([]byte) error
}

// File is an opened safetensors checkpoint: one file or the shards of an
// index. The zero value is not usable; call Open.
type File struct {
	path    string
	mu      sync.RWMutex
	closed  bool
	shards  []*shard
	tensors []Tensor // sorted by name
	meta    [][]byte // metadata objects (JSON), the first holding a key wins
}

// Open opens a safetensors file, or a sharded checkpoint when path names a
// JSON index file (such as model.safetensors.index.json) whose "weight_map"
// maps tensor names to shard files in the same folder.
//
// The header of every file is validated: a truncated file, malformed JSON,
// unknown dtypes, negative or overflowing shapes, byte ranges that do not
// match the shape or overlap another tensor, a name given twice, all
// return an error wrapping errs.ErrCorrupt that names the file and tensor.
// Parsing allocates in proportion to the header (at most a few times its
// length). Only regular files are opened: a FIFO, a device or a directory
// is an error wrapping errs.ErrCorrupt, checked before the file is opened, so
// that Open never blocks.
func Open(path string) (*File, error) {
	if isIndexPath(path) {
		return openIndex(path)
	}
	s, hdr, err := openShard(path)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, shards: []*shard{s}, tensors: hdr.tensors}
	if hdr.meta != nil {
		f.meta = [][]byte{hdr.meta}
	}
	for i := range f.tensors {
		f.tensors[i].shard = s
	}
	return f, nil
}

func openShard(path string) (*shard, *header, error) {
	whole, unmap, err := load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: open %s: %w", path, err)
	}
	hdr, dataStart, err := parseHeader(whole)
	if err != nil {
		if unmap != nil {
			_ = unmap(whole)
		}
		return nil, nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	s := &shard{path: path, whole: whole, data: whole[dataStart:], unmap: unmap}
	for i := range hdr.tensors {
		hdr.tensors[i].File = path
	}
	return s, hdr, nil
}

// find returns the named tensor of a list sorted by name.
func find(ts []Tensor, name string) (Tensor, bool) {
	i := sort.Search(len(ts), func(i int) bool { return ts[i].Name >= name })
	if i < len(ts) && ts[i].Name == name {
		return ts[i], true
	}
	return Tensor{}, false
}

// Path returns the path Open was called with.
func (f *File) Path() string { return f.path }

// Names returns the names of all tensors, sorted.
func (f *File) Names() []string {
	out := make([]string, len(f.tensors))
	for i, t := range f.tensors {
		out[i] = t.Name
	}
	return out
}

// Metadata returns the header's "__metadata__" string map (of the index for
// a sharded checkpoint, merged with the shards'; an index value that is
// not a string is given as its JSON text, such as "14" for total_size).
// It may be empty.
func (f *File) Metadata() map[string]string {
	m := map[string]string{}
	for _, js := range f.meta {
		var one map[string]json.RawMessage
		if json.Unmarshal(js, &one) != nil {
			continue // validated at Open
		}
		for k, raw := range one {
			if _, ok := m[k]; ok {
				continue
			}
			var v string
			if json.Unmarshal(raw, &v) != nil {
				v = string(raw)
			}
			m[k] = v
		}
	}
	return m
}

// Tensor returns the description of the named tensor.
func (f *File) Tensor(name string) (Tensor, error) {
	t, ok := find(f.tensors, name)
	if !ok {
		return Tensor{}, fmt.Errorf("safetensors: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	t.Shape = append([]int(nil), t.Shape...)
	return t, nil
}

// Has reports whether the checkpoint holds the named tensor.
func (f *File) Has(name string) bool {
	_, ok := find(f.tensors, name)
	return ok
}

// Bytes returns the raw little-endian bytes of the named tensor. The slice
// aliases the file's memory: it must not be modified, and is valid until
// Close.
func (f *File) Bytes(name string) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return nil, fmt.Errorf("safetensors: %s: %w", f.path, errs.ErrClosed)
	}
	t, ok := find(f.tensors, name)
	if !ok {
		return nil, fmt.Errorf("safetensors: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	return t.shard.data[t.begin:t.end:t.end], nil
}

// Float32s returns the named tensor's elements as float32, converting F16,
// BF16 and F64 data, in row-major order. For F32 data on a little-endian
// machine the result aliases the file's memory without copying: treat it as
// read-only, valid until Close. Other dtypes return an error wrapping
// errs.ErrUnsupported.
func (f *File) Float32s(name string) ([]float32, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return nil, fmt.Errorf("safetensors: %s: %w", f.path, errs.ErrClosed)
	}
	t, ok := find(f.tensors, name)
	if !ok {
		return nil, fmt.Errorf("safetensors: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	b := t.shard.data[t.begin:t.end:t.end]
	out, err := toFloat32(b, t.DType)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s: tensor %q: %w", t.File, name, err)
	}
	return out, nil
}

// Uint16s returns the named tensor's elements as their raw 16-bit values,
// for BF16 and F16 data (and I16, U16), in row-major order, so that a
// caller can keep 16-bit weights as they are. On a little-endian machine,
// with the data 2-byte aligned (as every safetensors writer aligns it), the
// result aliases the file's memory without copying: treat it as read-only,
// valid until Close. Other dtypes return an error wrapping
// errs.ErrUnsupported.
func (f *File) Uint16s(name string) ([]uint16, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return nil, fmt.Errorf("safetensors: %s: %w", f.path, errs.ErrClosed)
	}
	t, ok := find(f.tensors, name)
	if !ok {
		return nil, fmt.Errorf("safetensors: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	if t.DType.Size() != 2 {
		return nil, fmt.Errorf("safetensors: %s: tensor %q: dtype %s is not a 16-bit type: %w", t.File, name, t.DType, errs.ErrUnsupported)
	}
	return toUint16(t.shard.data[t.begin:t.end:t.end]), nil
}

// Close releases the file's memory. Slices obtained from the File must not
// be used afterwards. Close is idempotent.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	var first error
	for _, s := range f.shards {
		if s.unmap != nil {
			if err := s.unmap(s.whole); err != nil && first == nil {
				first = fmt.Errorf("safetensors: close %s: %w", s.path, err)
			}
		}
		s.whole, s.data = nil, nil
	}
	return first
}

// load returns the whole file's bytes, memory-mapped when possible.
func load(path string) ([]byte, func([]byte) error, error) {
	fh, st, err := fileio.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	size := st.Size()
	if size < 8 {
		return nil, nil, fmt.Errorf("%d bytes is too short for a header: %w", size, errs.ErrCorrupt)
	}
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("%d bytes is too large for this platform: %w", size, errs.ErrCorrupt)
	}
	if b, unmap, ok := fileio.Map(fh, size); ok {
		return b, unmap, nil
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(fh, b); err != nil {
		return nil, nil, err
	}
	return b, nil, nil
}
