// pytorch.go opens a torch.save checkpoint: the zip container, its
// records and the File API (names, shapes, dtypes, float32 data) shaped
// like package safetensors'.

package pytorch

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/fileio"
)

// DType names a tensor's element type with package safetensors' names
// (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL), so tensors of both
// formats can be handled alike.
type DType = safetensors.DType

// The element types a torch.save state dict can hold here, one for each
// storage class (torch.FloatStorage is F32, torch.HalfStorage F16, ...).
const (
	F64  = safetensors.F64
	F32  = safetensors.F32
	F16  = safetensors.F16
	BF16 = safetensors.BF16
	I64  = safetensors.I64
	I32  = safetensors.I32
	I16  = safetensors.I16
	I8   = safetensors.I8
	U8   = safetensors.U8
	Bool = safetensors.Bool
)

// MaxPickleSize bounds the data.pkl record (the state dict's structure,
// without the tensor data): a tensor takes 100 to 200 bytes of it, so the
// limit allows some 20,000 tensors in one file. Decoding allocates in
// proportion to the record: at most 150 times its size for a pickle built
// to cost the most per byte (tested), so at most about 600 MiB.
const MaxPickleSize = 4 << 20

// Tensor describes one tensor of a checkpoint.
type Tensor struct {
	// Name is the tensor's key in the state dict; keys of nested dicts
	// are joined with ".".
	Name string
	// DType is its element type (its storage's).
	DType DType
	// Shape is its dimensions, outermost first; empty for a scalar.
	Shape []int
	// File is the path of the checkpoint.
	File string
	// Storage is the key of the storage holding its data (the record
	// data/<Storage>); tensors sharing a storage (tied weights, views)
	// have the same key.
	Storage string
	// Offset is the index of its first element in the storage.
	Offset int64
	// Stride is the step, in elements of the storage, of each dimension.
	Stride []int64
	v      view
}

// Len returns the number of elements (the product of Shape).
func (t Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Contiguous reports whether the tensor's elements are one row-major run
// of its storage (false for a transposed or sliced view).
func (t Tensor) Contiguous() bool { return t.v.contiguous() }

// File is an opened torch.save checkpoint. The zero value is not usable;
// call Open. A File is safe for concurrent use; slices returned by its
// methods stay valid until Close.
type File struct {
	path    string
	mu      sync.RWMutex
	closed  bool
	shards  []*shard
	tensors []Tensor // sorted by name
	version int
}

// shard is one opened torch.save archive.
type shard struct {
	path    string
	whole   []byte // the file as mapped or read
	unmap   func([]byte) error
	tensors []Tensor // sorted by name
	version int
}

// Open reads the torch.save checkpoint at path (a pytorch_model.bin, a
// .pt file): a zip archive with <name>/data.pkl, the state dict pickled,
// and <name>/data/<key>, each storage's raw little-endian elements. The
// file is memory-mapped where the platform allows it, else read once.
//
// The pickle is decoded by a restricted machine that executes and imports
// nothing: it accepts only the opcodes and globals a state dict needs
// (collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
// _rebuild_parameter, the torch.*Storage classes) and refuses every other
// global (os.system, builtins.eval, any class a __reduce__ payload names)
// or opcode with an error wrapping errs.ErrUnsupported that names it and
// its offset. The top-level object must be a dict; nested dicts give
// dotted names; values that are not tensors are skipped.
//
// Every storage record's CRC-32 is checked, and every tensor's offset,
// shape and strides are checked against its storage before anything is
// allocated. A malformed, truncated or inconsistent file gives an error
// wrapping errs.ErrCorrupt naming the file and the record or tensor. The
// pre-1.6 formats (a bare pickle stream, the older tar archive) and
// TorchScript archives give errs.ErrUnsupported naming the format. Only
// regular files are opened.
func Open(ctx context.Context, path string) (*File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if isIndexPath(path) {
		return openIndex(ctx, path)
	}
	s, err := openShard(ctx, path)
	if err != nil {
		return nil, err
	}
	return &File{path: path, shards: []*shard{s}, tensors: s.tensors, version: s.version}, nil
}

// openShard opens and parses one archive.
func openShard(ctx context.Context, path string) (*shard, error) {
	whole, unmap, err := load(path)
	if err != nil {
		return nil, fmt.Errorf("pytorch: open %s: %w", path, err)
	}
	s := &shard{path: path, whole: whole, unmap: unmap}
	if err := s.parse(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// close releases the shard's memory.
func (s *shard) close() error {
	var err error
	if s.unmap != nil && s.whole != nil {
		if e := s.unmap(s.whole); e != nil {
			err = fmt.Errorf("pytorch: close %s: %w", s.path, e)
		}
	}
	s.whole = nil
	for i := range s.tensors {
		s.tensors[i].v.data = nil
	}
	return err
}

// parse reads the archive s.whole.
func (f *shard) parse(ctx context.Context) error {
	b := f.whole
	if err := legacy(b); err != nil {
		return fmt.Errorf("pytorch: %s: %w", f.path, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		// zip.ErrInsecurePath too: torch's record names are plain.
		return fmt.Errorf("pytorch: %s: not a readable zip archive (%v): %w", f.path, err, errs.ErrCorrupt)
	}
	// Records by name; torch's are all under one top-level folder.
	recs := map[string]*zip.File{}
	prefix := ""
	for _, zf := range zr.File {
		if _, dup := recs[zf.Name]; dup {
			return fmt.Errorf("pytorch: %s: record %q appears twice: %w", f.path, zf.Name, errs.ErrCorrupt)
		}
		recs[zf.Name] = zf
		if strings.HasSuffix(zf.Name, "/data.pkl") && strings.Count(zf.Name, "/") == 1 {
			if prefix != "" {
				return fmt.Errorf("pytorch: %s: two data.pkl records (%s/ and %s): %w", f.path, prefix, zf.Name, errs.ErrCorrupt)
			}
			prefix = strings.TrimSuffix(zf.Name, "data.pkl")
		}
	}
	if prefix == "" {
		for name := range recs {
			if strings.HasSuffix(name, "/constants.pkl") || strings.HasSuffix(name, "/code/") || strings.Contains(name, "/code/") {
				return fmt.Errorf("pytorch: %s: a TorchScript archive (torch.jit.save), not a torch.save state dict: %w", f.path, errs.ErrUnsupported)
			}
		}
		return fmt.Errorf("pytorch: %s: zip archive without a <name>/data.pkl record (not a torch.save file): %w", f.path, errs.ErrCorrupt)
	}
	if _, ok := recs[prefix+"constants.pkl"]; ok {
		return fmt.Errorf("pytorch: %s: a TorchScript archive (torch.jit.save), not a torch.save state dict: %w", f.path, errs.ErrUnsupported)
	}
	if zf, ok := recs[prefix+"byteorder"]; ok {
		v, err := f.record(zf, 16)
		if err != nil {
			return err
		}
		switch string(v) {
		case "little":
		case "big":
			return fmt.Errorf("pytorch: %s: %s is \"big\": big-endian checkpoints are not read: %w", f.path, zf.Name, errs.ErrUnsupported)
		default:
			return fmt.Errorf("pytorch: %s: %s is %q, want \"little\" or \"big\": %w", f.path, zf.Name, v, errs.ErrCorrupt)
		}
	}
	if zf, ok := recs[prefix+"version"]; ok {
		v, err := f.record(zf, 16)
		if err != nil {
			return err
		}
		n, perr := strconv.Atoi(strings.TrimSpace(string(v)))
		if perr != nil || n < 1 {
			return fmt.Errorf("pytorch: %s: %s is %q, not a format version: %w", f.path, zf.Name, v, errs.ErrCorrupt)
		}
		f.version = n
	}
	pkl, err := f.record(recs[prefix+"data.pkl"], MaxPickleSize)
	if err != nil {
		return err
	}
	root, storages, err := unpickle(pkl)
	if err != nil {
		return fmt.Errorf("pytorch: %s: %sdata.pkl: %w", f.path, prefix, err)
	}
	found := map[string]*tensorVal{}
	w := &walker{out: found, budget: len(pkl)}
	if err := w.walk(root, "", 0); err != nil {
		return fmt.Errorf("pytorch: %s: %w", f.path, err)
	}
	// Storage records, each checked once (sorted for a stable first error).
	data := make(map[string][]byte, len(storages))
	keys := make([]string, 0, len(storages))
	for k := range storages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		zf, ok := recs[prefix+"data/"+k]
		if !ok {
			return fmt.Errorf("pytorch: %s: storage %q has no record %sdata/%s: %w", f.path, k, prefix, k, errs.ErrCorrupt)
		}
		b, err := f.record(zf, -1)
		if err != nil {
			return err
		}
		data[k] = b
	}
	names := sortedNames(found)
	f.tensors = make([]Tensor, 0, len(names))
	for _, name := range names {
		tv := found[name]
		v, err := check(tv, data[tv.storage.key])
		if err != nil {
			return fmt.Errorf("pytorch: %s: tensor %q: %w", f.path, name, err)
		}
		f.tensors = append(f.tensors, Tensor{
			Name: name, DType: tv.storage.dtype, Shape: v.shape, File: f.path,
			Storage: tv.storage.key, Offset: tv.offset, Stride: tv.stride, v: v,
		})
	}
	return nil
}

// record returns the bytes of a stored (uncompressed) record, checked
// against the file's size and its CRC-32, and at most limit bytes long
// (limit < 0: any length).
func (f *shard) record(zf *zip.File, limit int64) ([]byte, error) {
	if zf.Method != zip.Store {
		return nil, fmt.Errorf("pytorch: %s: record %s is compressed (method %d); torch.save stores records uncompressed: %w", f.path, zf.Name, zf.Method, errs.ErrUnsupported)
	}
	size := zf.UncompressedSize64
	if zf.CompressedSize64 != size {
		return nil, fmt.Errorf("pytorch: %s: record %s: stored with sizes %d and %d: %w", f.path, zf.Name, zf.CompressedSize64, size, errs.ErrCorrupt)
	}
	if limit >= 0 && size > uint64(limit) {
		return nil, fmt.Errorf("pytorch: %s: record %s has %d bytes, more than the %d it may have: %w", f.path, zf.Name, size, limit, errs.ErrCorrupt)
	}
	off, err := zf.DataOffset()
	if err != nil {
		return nil, fmt.Errorf("pytorch: %s: record %s: %v: %w", f.path, zf.Name, err, errs.ErrCorrupt)
	}
	n := uint64(len(f.whole))
	if off < 0 || uint64(off) > n || size > n-uint64(off) {
		return nil, fmt.Errorf("pytorch: %s: record %s: %d bytes at offset %d pass the end of the file (%d bytes): %w", f.path, zf.Name, size, off, n, errs.ErrCorrupt)
	}
	b := f.whole[off : off+int64(size) : off+int64(size)]
	if crc32.ChecksumIEEE(b) != zf.CRC32 {
		return nil, fmt.Errorf("pytorch: %s: record %s: CRC-32 mismatch: %w", f.path, zf.Name, errs.ErrCorrupt)
	}
	return b, nil
}

// legacyMagic is the number the pre-1.6 torch.save pickles first.
var legacyMagic = []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}

// legacy recognises the formats older than the zip archive.
func legacy(b []byte) error {
	switch {
	case bytes.HasPrefix(b, legacyMagic):
		return fmt.Errorf("the legacy torch.save format of PyTorch before 1.6 (a bare pickle stream, not a zip archive); load and save it again with a newer torch (torch.save(torch.load(path), path)), or save it as safetensors: %w", errs.ErrUnsupported)
	case len(b) >= 262 && string(b[257:262]) == "ustar":
		return fmt.Errorf("the legacy tar format of torch.save (PyTorch before 0.4); load and save it again with a newer torch, or save it as safetensors: %w", errs.ErrUnsupported)
	case len(b) >= 2 && b[0] == 0x80 && b[1] >= 2 && b[1] <= 5:
		return fmt.Errorf("a bare pickle stream, not a torch.save zip archive: %w", errs.ErrUnsupported)
	}
	return nil
}

// Path returns the path Open was called with.
func (f *File) Path() string { return f.path }

// Version returns the archive's format version (its "version" record; 3
// for torch 1.6 to 2.x), or 0 if the archive has none; for a sharded
// checkpoint, the first shard's.
func (f *File) Version() int { return f.version }

// Names returns the names of all tensors, sorted.
func (f *File) Names() []string {
	out := make([]string, len(f.tensors))
	for i, t := range f.tensors {
		out[i] = t.Name
	}
	return out
}

func (f *File) find(name string) (Tensor, bool) {
	ts := f.tensors
	i := sort.Search(len(ts), func(i int) bool { return ts[i].Name >= name })
	if i < len(ts) && ts[i].Name == name {
		return ts[i], true
	}
	return Tensor{}, false
}

// Has reports whether the checkpoint holds the named tensor.
func (f *File) Has(name string) bool {
	_, ok := f.find(name)
	return ok
}

// Tensor returns the description of the named tensor, or an error
// wrapping errs.ErrNotFound.
func (f *File) Tensor(name string) (Tensor, error) {
	t, ok := f.find(name)
	if !ok {
		return Tensor{}, fmt.Errorf("pytorch: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	t.Shape = append([]int(nil), t.Shape...)
	t.Stride = append([]int64(nil), t.Stride...)
	return t, nil
}

// Bytes returns the named tensor's elements as raw little-endian bytes in
// row-major order. For a contiguous tensor the slice aliases the file's
// memory: it must not be modified, and is valid until Close. A strided
// view is gathered into a new slice.
func (f *File) Bytes(name string) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t, err := f.get(name)
	if err != nil {
		return nil, err
	}
	return t.v.bytes(), nil
}

// Float32s returns the named tensor's elements as float32 in row-major
// order, converting F16, BF16 and F64 data and gathering strided views.
// For a contiguous F32 tensor on a little-endian machine the result
// aliases the file's memory without copying: treat it as read-only, valid
// until Close. Integer and bool tensors give an error wrapping
// errs.ErrUnsupported.
func (f *File) Float32s(name string) ([]float32, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t, err := f.get(name)
	if err != nil {
		return nil, err
	}
	switch t.DType {
	case F32, F16, BF16, F64:
	default:
		return nil, fmt.Errorf("pytorch: %s: tensor %q: dtype %s cannot be read as float32: %w", t.File, name, t.DType, errs.ErrUnsupported)
	}
	return toFloat32(t.v.bytes(), t.DType), nil
}

// get returns the named tensor; the caller holds f.mu.
func (f *File) get(name string) (Tensor, error) {
	if f.closed {
		return Tensor{}, fmt.Errorf("pytorch: %s: %w", f.path, errs.ErrClosed)
	}
	t, ok := f.find(name)
	if !ok {
		return Tensor{}, fmt.Errorf("pytorch: %s: tensor %q: %w", f.path, name, errs.ErrNotFound)
	}
	return t, nil
}

// Close releases the file's memory. Slices obtained from the File must
// not be used afterwards. Close is idempotent.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	var err error
	for _, s := range f.shards {
		if e := s.close(); e != nil && err == nil {
			err = e
		}
	}
	for i := range f.tensors {
		f.tensors[i].v.data = nil
	}
	return err
}

// load returns the whole file's bytes, memory-mapped when possible.
func load(path string) ([]byte, func([]byte) error, error) {
	fh, st, err := fileio.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	size := st.Size()
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
