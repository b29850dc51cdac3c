// This file implements the collection file: WriteTo and Save, Read and Load.
//
// The format is sectioned, little-endian, and checksummed with CRC-32C
// (Castagnoli) per section:
//
//	file    = magic "GANADACL" version:u32 IDEN CONF DOCS INDX end
//	section = tag[4] length:u64 payload[length] crc32c(payload):u32
//	end     = "END." 0:u64 0:u32
//
//	IDEN    = str model, str revision, uvarint dim, u8 normalized, str prompt
//	CONF    = u8 index kind, u8 metric, uvarint M, uvarint efConstruction,
//	          u64 seed, str query prompt, str document prompt,
//	          uvarint next index id
//	DOCS    = uvarint count, count × (uvarint index id, str ID, str text,
//	          uvarint n, n × (str key, str value)), by ascending index id,
//	          metadata keys sorted
//	INDX    = the index's own WriteTo format (index/hnsw or index/flat),
//	          which delimits itself and checksums its own sections; its
//	          length field is 0xFFFFFFFFFFFFFFFF ("streamed") and its trailer
//	          is the CRC-32C of every byte the index wrote
//	str     = uvarint byte length, UTF-8 bytes
//
// The index stores the vectors (unit-normalised under Cosine), so the
// documents section holds none.

package ganada

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"sort"
	"unicode/utf8"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/internal/atomicfile"
)

const (
	fileMagic   = "GANADACL"
	fileVersion = 1
	streamed    = math.MaxUint64 // length of a self-delimiting section
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the collection to path atomically: into a temporary file in
// the same directory, flushed to stable storage and renamed over path, so
// that a crash leaves either the previous file or the complete new one. A
// failed Save removes its temporary file; a crash can leave it
// (".<name>.tmp-<host>-<pid>-<random>") behind, and the next Save or Load
// of path removes it once its process is gone (never the file of a Save
// still running, in this process or another). A file that exists keeps
// its permission bits; a new one gets 0666 less the umask. Add and Delete
// wait while it runs; queries do not, except while the index itself is
// being written. Errors read "ganada: save PATH: ..." and wrap their cause
// (for example fs.ErrNotExist for a missing directory).
func (c *Collection) Save(path string) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := c.writeTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("ganada: save %s: %w", path, err)
	}
	return nil
}

// WriteTo writes the collection to w and returns the number of bytes
// written. The format is versioned and sectioned: the magic "GANADACL", a
// version, then the encoder identity, the configuration, the documents with
// their metadata, and the index in its own format (which holds the
// vectors), each section followed by its CRC-32C. Add and Delete wait while
// it runs. Errors read "ganada: write: ..." and wrap their cause, such as
// w's error.
func (c *Collection) WriteTo(w io.Writer) (int64, error) {
	n, err := c.writeTo(w)
	if err != nil {
		return n, fmt.Errorf("ganada: write: %w", err)
	}
	return n, nil
}

// writeTo is WriteTo with errors unprefixed.
func (c *Collection) writeTo(w io.Writer) (int64, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	// With wmu held no writer is running, so the maps are stable and every
	// id in the index is current (pending == 0).
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 1<<16)
	}
	cw := &countWriter{w: bw}
	cw.write([]byte(fileMagic))
	cw.write(binary.LittleEndian.AppendUint32(nil, fileVersion))
	cw.section("IDEN", appendIdentity(nil, c.id))
	cw.section("CONF", c.appendConfig(nil))
	c.writeDocs(cw)

	// INDX: streamed through a CRC.
	cw.write([]byte("INDX"))
	cw.write(binary.LittleEndian.AppendUint64(nil, streamed))
	if cw.err == nil {
		h := crc32.New(castagnoli)
		n, err := c.idx.WriteTo(io.MultiWriter(bw, h))
		cw.n += n
		if err != nil {
			cw.err = fmt.Errorf("writing the index: %w", err)
		}
		cw.write(binary.LittleEndian.AppendUint32(nil, h.Sum32()))
	}
	cw.section("END.", nil)
	if cw.err == nil && !ok {
		cw.err = bw.Flush()
	}
	return cw.n, cw.err
}

// writeDocs writes the DOCS section, streaming it after a first pass that
// measures it.
func (c *Collection) writeDocs(cw *countWriter) {
	entries := make([]*entry, 0, len(c.byNum))
	for _, e := range c.byNum {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].num < entries[j].num })
	var scratch []byte
	length := uint64(len(binary.AppendUvarint(nil, uint64(len(entries)))))
	for _, e := range entries {
		scratch = appendEntry(scratch[:0], e)
		length += uint64(len(scratch))
	}
	cw.write([]byte("DOCS"))
	cw.write(binary.LittleEndian.AppendUint64(nil, length))
	h := crc32.New(castagnoli)
	body := func(b []byte) {
		h.Write(b)
		cw.write(b)
	}
	body(binary.AppendUvarint(nil, uint64(len(entries))))
	for _, e := range entries {
		scratch = appendEntry(scratch[:0], e)
		body(scratch)
	}
	cw.write(binary.LittleEndian.AppendUint32(nil, h.Sum32()))
}

func appendEntry(b []byte, e *entry) []byte {
	b = binary.AppendUvarint(b, e.num)
	b = appendString(b, e.doc.ID)
	b = appendString(b, e.doc.Text)
	keys := make([]string, 0, len(e.doc.Metadata))
	for k := range e.doc.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, e.doc.Metadata[k])
	}
	return b
}

func appendIdentity(b []byte, id embed.Identity) []byte {
	b = appendString(b, id.Model)
	b = appendString(b, id.Revision)
	b = binary.AppendUvarint(b, uint64(id.Dim))
	b = append(b, boolByte(id.Normalized))
	return appendString(b, id.Prompt)
}

func (c *Collection) appendConfig(b []byte) []byte {
	b = append(b, byte(c.cfg.kind), byte(c.cfg.metric))
	m, efC, seed := hnsw.DefaultM, hnsw.DefaultEfConstruction, uint64(1)
	if h, ok := c.idx.(*hnsw.Index); ok {
		m, efC, seed = h.M(), h.EfConstruction(), h.Seed()
	}
	b = binary.AppendUvarint(b, uint64(m))
	b = binary.AppendUvarint(b, uint64(efC))
	b = binary.LittleEndian.AppendUint64(b, seed)
	b = appendString(b, c.cfg.queryPrompt)
	b = appendString(b, c.cfg.docPrompt)
	return binary.AppendUvarint(b, c.next)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (w *countWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.n += int64(n)
	w.err = err
}

// section writes a section whose payload is in memory.
func (w *countWriter) section(tag string, payload []byte) {
	w.write([]byte(tag))
	w.write(binary.LittleEndian.AppendUint64(nil, uint64(len(payload))))
	w.write(payload)
	w.write(binary.LittleEndian.AppendUint32(nil, crc32.Checksum(payload, castagnoli)))
}

// Load reads a collection saved with Save, for use with enc, which must have
// the identity the collection was saved with (see EncoderIdentity):
// otherwise Load returns an error wrapping errs.ErrEncoderMismatch that says what
// differs. The index kind, metric, HNSW parameters and prompts come from the
// file; opts may set only WithBatchSize, WithProgress, and WithHNSW or WithFlat
// with the options the index can change once built (hnsw.WithEfSearch,
// flat.WithWorkers).
// Damaged or truncated files yield an error wrapping errs.ErrCorrupt. Load
// first removes the temporary files that Saves of path killed mid-write
// left behind (see Save; best effort, errors are ignored).
func Load(path string, enc embed.Encoder, opts ...Option) (*Collection, error) {
	atomicfile.RemoveStale(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ganada: load: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	c, err := Read(br, enc, opts...)
	if err != nil {
		return nil, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the end marker")
		}
		return nil, fmt.Errorf("ganada: load %s: %w: %w", path, errs.ErrCorrupt, err)
	}
	return c, nil
}

// Read reads a collection written by WriteTo from r, consuming exactly the
// bytes WriteTo wrote; see Load.
func Read(r io.Reader, enc embed.Encoder, opts ...Option) (*Collection, error) {
	if enc == nil {
		return nil, fmt.Errorf("ganada: %w: nil encoder", errs.ErrInvalidInput)
	}
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if len(cfg.fixed) > 0 {
		return nil, fmt.Errorf("ganada: %w: %s: the saved collection fixes it", errs.ErrInvalidOption, cfg.fixed[0])
	}
	rd := &reader{r: r}

	head := rd.full(len(fileMagic) + 4)
	if rd.err != nil {
		return nil, rd.err
	}
	if string(head[:len(fileMagic)]) != fileMagic {
		return nil, fmt.Errorf("%w: not a ganada collection (bad magic %q)", errs.ErrCorrupt, head[:len(fileMagic)])
	}
	if v := binary.LittleEndian.Uint32(head[len(fileMagic):]); v != fileVersion {
		return nil, fmt.Errorf("%w: collection format version %d (this build reads %d)", errs.ErrUnsupported, v, fileVersion)
	}

	// IDEN, checked against enc before anything large is read.
	saved, err := parseIdentity(rd.section("IDEN"))
	if rd.err != nil {
		return nil, rd.err
	}
	if err != nil {
		return nil, err
	}
	if err := checkIdentity(saved, EncoderIdentity(enc)); err != nil {
		return nil, err
	}

	wantKind, indexOpt := cfg.kind, cfg.indexOpt
	next, savedM, err := parseConfig(&cfg, rd.section("CONF"))
	if rd.err != nil {
		return nil, rd.err
	}
	if err != nil {
		return nil, err
	}
	if indexOpt != "" && wantKind != cfg.kind {
		return nil, fmt.Errorf("ganada: %w: %s: the saved collection uses %v", errs.ErrInvalidOption, indexOpt, cfg.kind)
	}

	entries, err := parseDocs(rd.section("DOCS"), next)
	if rd.err != nil {
		return nil, rd.err
	}
	if err != nil {
		return nil, err
	}

	idx, err := rd.index(cfg.kind)
	if err != nil {
		return nil, err
	}
	if rd.section("END."); rd.err != nil {
		return nil, rd.err
	}

	switch x := idx.(type) {
	case *hnsw.Index:
		err = x.Reconfigure(cfg.hnswOpts...)
	case *flat.Index:
		err = x.Reconfigure(cfg.flatOpts...)
	}
	if err != nil {
		return nil, fmt.Errorf("ganada: %w", err)
	}
	c := newCollection(enc, saved, cfg, idx)
	c.next = next
	for _, e := range entries {
		c.byNum[e.num] = e
		c.byID[e.doc.ID] = e.num
	}
	if err := c.checkLoaded(saved, len(entries), savedM); err != nil {
		return nil, err
	}
	return c, nil
}

// checkLoaded verifies that the index agrees with the documents and the
// configuration.
func (c *Collection) checkLoaded(id embed.Identity, ndocs, m int) error {
	if len(c.byID) != ndocs {
		return fmt.Errorf("%w: documents section repeats a document ID", errs.ErrCorrupt)
	}
	if c.idx.Dim() != id.Dim {
		return fmt.Errorf("%w: index dimension %d, encoder identity says %d", errs.ErrCorrupt, c.idx.Dim(), id.Dim)
	}
	if m := c.idx.Metric(); m != c.cfg.metric {
		return fmt.Errorf("%w: index metric %v, configuration says %v", errs.ErrCorrupt, m, c.cfg.metric)
	}
	if h, ok := c.idx.(*hnsw.Index); ok && h.M() != m {
		return fmt.Errorf("%w: index M %d, configuration says %d", errs.ErrCorrupt, h.M(), m)
	}
	ids := c.idx.IDs()
	if len(ids) != ndocs {
		return fmt.Errorf("%w: index holds %d vectors for %d documents", errs.ErrCorrupt, len(ids), ndocs)
	}
	for _, n := range ids {
		if c.byNum[n] == nil {
			return fmt.Errorf("%w: index id %d has no document", errs.ErrCorrupt, n)
		}
	}
	return nil
}

// reader reads sections, keeping the first error.
type reader struct {
	r   io.Reader
	err error
}

func (rd *reader) fail(err error) {
	if rd.err == nil {
		rd.err = err
	}
}

// full reads exactly n bytes (n small).
func (rd *reader) full(n int) []byte {
	if rd.err != nil {
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(rd.r, b); err != nil {
		rd.fail(corruptIO("truncated", err))
		return nil
	}
	return b
}

// header reads a section's tag and length, requiring the tag want.
func (rd *reader) header(want string) uint64 {
	b := rd.full(12)
	if rd.err != nil {
		return 0
	}
	if tag := string(b[:4]); tag != want {
		rd.fail(fmt.Errorf("%w: section %q where %q belongs", errs.ErrCorrupt, tag, want))
		return 0
	}
	return binary.LittleEndian.Uint64(b[4:])
}

// section reads a section with tag want into memory and verifies its CRC.
// Memory grows with the bytes actually read, whatever the length says.
func (rd *reader) section(want string) []byte {
	n := rd.header(want)
	if rd.err != nil {
		return nil
	}
	if n > math.MaxInt64-4 {
		rd.fail(fmt.Errorf("%w: section %s has impossible length %d", errs.ErrCorrupt, want, n))
		return nil
	}
	var buf bytes.Buffer
	if _, err := io.CopyN(&buf, rd.r, int64(n)); err != nil {
		rd.fail(corruptIO("section "+want+" truncated", err))
		return nil
	}
	sum := rd.full(4)
	if rd.err != nil {
		return nil
	}
	if got, want2 := crc32.Checksum(buf.Bytes(), castagnoli), binary.LittleEndian.Uint32(sum); got != want2 {
		rd.fail(fmt.Errorf("%w: section %s fails its checksum (crc32c %08x, recorded %08x)", errs.ErrCorrupt, want, got, want2))
		return nil
	}
	return buf.Bytes()
}

// index reads the INDX section into a new index of the given kind.
func (rd *reader) index(kind IndexKind) (index.Index, error) {
	if n := rd.header("INDX"); rd.err == nil && n != streamed {
		rd.fail(fmt.Errorf("%w: INDX section length %d, want the streamed marker", errs.ErrCorrupt, n))
	}
	if rd.err != nil {
		return nil, rd.err
	}
	var idx index.Index
	switch kind {
	case HNSW:
		idx = new(hnsw.Index)
	case Flat:
		idx = new(flat.Index)
	}
	h := crc32.New(castagnoli)
	if _, err := idx.ReadFrom(io.TeeReader(rd.r, h)); err != nil {
		return nil, corruptIO("index", err)
	}
	rd.checksum("INDX", h)
	return idx, rd.err
}

func (rd *reader) checksum(tag string, h hash.Hash32) {
	sum := rd.full(4)
	if rd.err != nil {
		return
	}
	if got, want := h.Sum32(), binary.LittleEndian.Uint32(sum); got != want {
		rd.fail(fmt.Errorf("%w: section %s fails its checksum (crc32c %08x, recorded %08x)", errs.ErrCorrupt, tag, got, want))
	}
}

// corruptIO classifies a read error: the end of the data or an index's
// corruption report means a damaged file (errs.ErrCorrupt); anything else is an
// I/O error, returned wrapped.
func corruptIO(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errs.ErrCorrupt) {
		return fmt.Errorf("%w: %s: %w", errs.ErrCorrupt, what, err)
	}
	return fmt.Errorf("ganada: reading %s: %w", what, err)
}

// dec decodes a section payload, keeping the first error.
type dec struct {
	b   []byte
	tag string
	err error
}

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: section %s: %s", errs.ErrCorrupt, d.tag, fmt.Sprintf(format, args...))
	}
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *dec) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail("string of %d bytes overruns the section", n)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	if !utf8.ValidString(s) {
		d.fail("string is not valid UTF-8")
		return ""
	}
	return s
}

// small reads a uvarint that must be at most limit.
func (d *dec) small(what string, limit uint64) int {
	v := d.uvarint()
	if d.err == nil && v > limit {
		d.fail("%s %d exceeds %d", what, v, limit)
		return 0
	}
	return int(v)
}

func (d *dec) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d unexpected trailing bytes", len(d.b))
	}
	return d.err
}

func parseIdentity(b []byte) (embed.Identity, error) {
	d := &dec{b: b, tag: "IDEN"}
	var id embed.Identity
	id.Model = d.str()
	id.Revision = d.str()
	id.Dim = d.small("dimension", index.MaxDim)
	switch d.byte() {
	case 0:
	case 1:
		id.Normalized = true
	default:
		d.fail("bad normalized flag")
	}
	id.Prompt = d.str()
	if err := d.end(); err != nil {
		return embed.Identity{}, err
	}
	if id.Dim <= 0 {
		return embed.Identity{}, fmt.Errorf("%w: section IDEN: dimension %d", errs.ErrCorrupt, id.Dim)
	}
	return id, nil
}

// parseConfig reads the CONF section into cfg and returns the next index id
// and the M it records.
func parseConfig(cfg *config, b []byte) (next uint64, m int, err error) {
	d := &dec{b: b, tag: "CONF"}
	cfg.kind = IndexKind(d.byte())
	cfg.metric = index.Metric(d.byte())
	m = d.small("M", 256)
	efConstruction := d.small("efConstruction", math.MaxInt32)
	d.u64() // seed
	cfg.queryPrompt = d.str()
	cfg.docPrompt = d.str()
	next = d.uvarint()
	if err := d.end(); err != nil {
		return 0, 0, err
	}
	switch {
	case cfg.kind != HNSW && cfg.kind != Flat:
		return 0, 0, fmt.Errorf("%w: section CONF: unknown index kind %d", errs.ErrCorrupt, cfg.kind)
	case !cfg.metric.Valid():
		return 0, 0, fmt.Errorf("%w: section CONF: unknown metric %d", errs.ErrCorrupt, cfg.metric)
	case m < 2 || efConstruction < 1:
		return 0, 0, fmt.Errorf("%w: section CONF: M %d, efConstruction %d", errs.ErrCorrupt, m, efConstruction)
	}
	return next, m, nil
}

// minEntryBytes is the smallest encoding of a document: index id, a
// one-byte ID and its length, the text length, the metadata count.
const minEntryBytes = 5

func parseDocs(b []byte, next uint64) ([]*entry, error) {
	d := &dec{b: b, tag: "DOCS"}
	n := d.small("document count", uint64(len(b)/minEntryBytes))
	entries := make([]*entry, 0, n)
	prev := uint64(0)
	for i := 0; i < n && d.err == nil; i++ {
		e := &entry{num: d.uvarint()}
		e.doc.ID = d.str()
		e.doc.Text = d.str()
		nm := d.small("metadata count", uint64(len(d.b)/2))
		if nm > 0 {
			e.doc.Metadata = make(map[string]string, nm)
		}
		for j := 0; j < nm && d.err == nil; j++ {
			k := d.str()
			e.doc.Metadata[k] = d.str()
		}
		switch {
		case d.err != nil:
		case e.doc.ID == "":
			d.fail("document %d has an empty ID", i)
		case e.num >= next:
			d.fail("document %q has index id %d, next id is %d", e.doc.ID, e.num, next)
		case i > 0 && e.num <= prev:
			d.fail("index ids out of order (%d after %d)", e.num, prev)
		case len(e.doc.Metadata) != nm:
			d.fail("document %q repeats a metadata key", e.doc.ID)
		}
		prev = e.num
		entries = append(entries, e)
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return entries, nil
}
