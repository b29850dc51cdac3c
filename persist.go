// This file implements the collection file: WriteTo and Save, Read and Load.
//
// The file is an internal/persist container (sections checksummed with
// CRC-32C, little-endian):
//
//	file    = magic "GANADACL" version:u32 IDEN CONF DOCS INDX [LEXI]
//	          [SPRS] [COLB] end
//	section = tag[4] length:u64 payload[length] crc32c(payload):u32
//	end     = "END." 0:u64 0:u32
//
//	IDEN    = str model, str revision, uvarint dim, u8 normalized,
//	          str prompt, str query prompt, str document prompt
//	CONF    = u8 index kind, u8 metric, uvarint next index id,
//	          u8 lexical (1 when LEXI follows INDX, else 0),
//	          u8 outputs (bit 0: SPRS follows, bit 1: COLB follows)
//	DOCS    = uvarint count, count × (uvarint index id, str ID, str text,
//	          uvarint n, n × (str key, str value)), by ascending index id,
//	          metadata keys sorted
//	INDX    = the index's own WriteTo format (index/hnsw or index/flat),
//	          which delimits itself, records the index's parameters (M,
//	          efConstruction, efSearch, seed) and checksums its own
//	          sections; its length field is 0xFFFFFFFFFFFFFFFF ("streamed")
//	          and its trailer is the CRC-32C of every byte the index wrote
//	LEXI    = the lexical index's own WriteTo format (index/lexical:
//	          analyzer name, k1, b, terms, each document's term counts),
//	          streamed like INDX
//	SPRS    = the encoder's lexical weights per document (WithSparse),
//	          index/sparse's WriteTo format, streamed like INDX
//	COLB    = the encoder's ColBERT vectors per document (WithColBERT),
//	          index/multivec's WriteTo format, streamed like INDX
//	str     = uvarint byte length, UTF-8 bytes
//
// Versions 1 to 4 are still read; version 4 is version 5 without the
// outputs byte of CONF and without SPRS and COLB; version 3 is version 4
// without the lexical byte of CONF and without LEXI. Their IDEN ends with the prompt, and
// their CONF holds the prompts the Collection itself put before queries
// and documents (an option since removed) before the next id: u8 kind,
// u8 metric, str query prefix, str document prefix, uvarint next id. The
// encoder saw its own prompt before that prefix, so they read as the query
// prompt prompt+query prefix and the document prompt prompt+document
// prefix. Version 1's CONF also held the HNSW parameters the index records
// anyway (uvarint M, uvarint efConstruction, u64 seed after the metric);
// its M is checked against the index's.
//
// The index stores the vectors (unit-normalised under Cosine), so the
// documents section holds none.

package ganada

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/ganada/ganada/errs"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/index/lexical"
	"github.com/ganada/ganada/index/multivec"
	"github.com/ganada/ganada/index/sparse"
	"github.com/ganada/ganada/internal/atomicfile"
	"github.com/ganada/ganada/internal/persist"
)

const (
	fileMagic   = "GANADACL"
	fileVersion = 5
)

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
// (for example fs.ErrNotExist for a missing directory). Cancelling ctx
// stops the writing (checked before every write to the file) and leaves
// path as it was, with ctx's error. Saving a collection opened with
// OpenFile to its own path is a compaction (see Compact): the new file
// holds the log's changes and the log starts empty.
func (c *Collection) Save(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ganada: save %s: %w", path, err)
	}
	if c.attachedTo(path) {
		if err := c.compactLog(ctx, false); err != nil {
			return fmt.Errorf("ganada: save %s: %w", path, err)
		}
		return nil
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := c.writeTo(persist.ContextWriter(ctx, w))
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
	if c.cfg.kind == External {
		return 0, fmt.Errorf("the collection's index is an external %T (WithIndex), which persists itself: %w", c.idx, errs.ErrUnsupported)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeToLocked(w)
}

// writeToLocked is writeTo for a caller holding wmu.
func (c *Collection) writeToLocked(w io.Writer) (int64, error) {
	// With wmu held no writer is running, so the maps are stable and every
	// id in the index is current (pending == 0).
	pw := persist.NewWriter(w)
	pw.Header(fileMagic, fileVersion)
	section(pw, "IDEN", appendIdentity(nil, c.id))
	section(pw, "CONF", c.appendConfig(nil))
	c.writeDocs(pw)
	pw.Stream("INDX", func(w io.Writer) (int64, error) {
		n, err := c.idx.WriteTo(w)
		if err != nil {
			err = fmt.Errorf("writing the index: %w", err)
		}
		return n, err
	})
	if c.lex != nil {
		pw.Stream("LEXI", func(w io.Writer) (int64, error) {
			n, err := c.lex.WriteTo(w)
			if err != nil {
				err = fmt.Errorf("writing the lexical index: %w", err)
			}
			return n, err
		})
	}
	if c.sp != nil {
		pw.Stream("SPRS", func(w io.Writer) (int64, error) {
			n, err := c.sp.WriteTo(w)
			if err != nil {
				err = fmt.Errorf("writing the sparse weights: %w", err)
			}
			return n, err
		})
	}
	if c.col != nil {
		pw.Stream("COLB", func(w io.Writer) (int64, error) {
			n, err := c.col.WriteTo(w)
			if err != nil {
				err = fmt.Errorf("writing the ColBERT vectors: %w", err)
			}
			return n, err
		})
	}
	return pw.Finish()
}

// section writes a section whose payload is in memory.
func section(pw *persist.Writer, tag string, payload []byte) {
	pw.Begin(tag, uint64(len(payload)))
	pw.Bytes(payload)
	pw.End()
}

// writeDocs writes the DOCS section, streaming it after a first pass that
// measures it.
func (c *Collection) writeDocs(pw *persist.Writer) {
	entries := make([]*entry, 0, len(c.byNum))
	for _, e := range c.byNum {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].num < entries[j].num })
	var scratch []byte
	count := persist.AppendUvarint(nil, uint64(len(entries)))
	length := uint64(len(count))
	for _, e := range entries {
		scratch = appendEntry(scratch[:0], e)
		length += uint64(len(scratch))
	}
	pw.Begin("DOCS", length)
	pw.Bytes(count)
	for _, e := range entries {
		scratch = appendEntry(scratch[:0], e)
		pw.Bytes(scratch)
	}
	pw.End()
}

// appendEntry encodes a document under its index id, as DOCS holds it and
// as the log's records carry it (wal.go): a new per-document field added
// here, and read back in decodeEntry, reaches both.
func appendEntry(b []byte, e *entry) []byte {
	b = persist.AppendUvarint(b, e.num)
	b = persist.AppendString(b, e.doc.ID)
	b = persist.AppendString(b, e.doc.Text)
	keys := make([]string, 0, len(e.doc.Metadata))
	for k := range e.doc.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = persist.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = persist.AppendString(b, k)
		b = persist.AppendString(b, e.doc.Metadata[k])
	}
	return b
}

func appendIdentity(b []byte, id embed.Identity) []byte {
	b = persist.AppendString(b, id.Model)
	b = persist.AppendString(b, id.Revision)
	b = persist.AppendUvarint(b, uint64(id.Dim))
	b = append(b, boolByte(id.Normalized))
	b = persist.AppendString(b, id.Prompt)
	b = persist.AppendString(b, id.QueryPrompt)
	return persist.AppendString(b, id.DocumentPrompt)
}

// appendConfig encodes CONF (version 5): only what the index does not
// record itself, whether a lexical index follows it, and which of the
// encoder's extra outputs follow.
func (c *Collection) appendConfig(b []byte) []byte {
	b = append(b, byte(c.cfg.kind), byte(c.cfg.metric))
	b = persist.AppendUvarint(b, c.next)
	b = append(b, boolByte(c.lex != nil))
	return append(b, boolByte(c.sp != nil)|boolByte(c.col != nil)<<1)
}

// The bits of CONF's outputs byte.
const (
	outSparse  = 1 << 0
	outColBERT = 1 << 1
)

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
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
//
// When the log of a collection opened with OpenFile lies beside path
// (path+".log") and continues this file, Load replays it, so the
// collection holds every change OpenFile's collection acknowledged; a torn
// tail is ignored (Load writes nothing: the file is left as it is), a
// damaged log is an error wrapping errs.ErrCorrupt naming the log and the
// offset. The loaded collection is not attached to path: its changes stay
// in memory until a Save (after which the log, naming the older file, is
// ignored), as for a collection loaded without a log.
func Load(ctx context.Context, path string, enc embed.Encoder, opts ...Option) (*Collection, error) {
	c, _, _, err := load(ctx, path, enc, opts, false)
	return c, err
}

// load is Load; it also returns the snapshot's identity and what replaying
// the log found. lenient accepts a WithMetric that agrees with the file
// (OpenFile's reopening).
func load(ctx context.Context, path string, enc embed.Encoder, opts []Option, lenient bool) (*Collection, snapID, logState, error) {
	if err := ctx.Err(); err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	atomicfile.RemoveStale(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load: %w", err)
	}
	defer f.Close()
	h := &crcCounter{r: f}
	br := bufio.NewReaderSize(h, 1<<20)
	c, err := read(ctx, br, enc, opts, lenient)
	if err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the end marker")
		}
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w: %w", path, errs.ErrCorrupt, err)
	}
	id := snapID{size: h.n, crc: h.crc, next: c.next}
	lp := logPath(path)
	lf, err := os.Open(lp)
	if errors.Is(err, fs.ErrNotExist) {
		return c, id, logState{}, nil
	}
	if err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	defer lf.Close()
	st, err := lf.Stat()
	if err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	ls, err := c.replayLog(ctx, lf, st.Size(), lp, id)
	if err != nil {
		return nil, snapID{}, logState{}, fmt.Errorf("ganada: load %s: %w", path, err)
	}
	return c, id, ls, nil
}

// Read reads a collection written by WriteTo from r, consuming exactly the
// bytes WriteTo wrote; see Load. Cancelling ctx stops the reading (checked
// before every read from r), with ctx's error.
func Read(ctx context.Context, r io.Reader, enc embed.Encoder, opts ...Option) (*Collection, error) {
	return read(ctx, r, enc, opts, false)
}

// read is Read; lenient accepts a WithMetric that agrees with the file.
func read(ctx context.Context, r io.Reader, enc embed.Encoder, opts []Option, lenient bool) (*Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r = persist.ContextReader(ctx, r)
	if enc == nil {
		return nil, fmt.Errorf("ganada: nil encoder: %w", errs.ErrInvalidInput)
	}
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if cfg.external != nil {
		return nil, fmt.Errorf("ganada: WithIndex: a saved collection holds its own index; open a collection over an external index with Open: %w", errs.ErrInvalidOption)
	}
	if len(cfg.fixed) > 0 && !lenient {
		return nil, fmt.Errorf("ganada: %s: the saved collection fixes it: %w", cfg.fixed[0], errs.ErrInvalidOption)
	}
	askedMetric := cfg.metric
	pr := persist.NewReader(r)
	version := pr.Header(fileMagic)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if version < 1 || version > fileVersion {
		if version == 0 {
			return nil, fmt.Errorf("collection format version 0: %w", errs.ErrCorrupt)
		}
		return nil, fmt.Errorf("collection format version %d (this build reads 1 to %d): %w", version, fileVersion, errs.ErrUnsupported)
	}

	// IDEN and CONF, checked against enc before anything large is read.
	saved, err := parseIdentity(readSection(pr, "IDEN"), version)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	wantKind, indexOpt := cfg.kind, cfg.indexOpt
	next, savedM, savedLex, outputs, err := parseConfig(&cfg, &saved, readSection(pr, "CONF"), version)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if err := checkIdentity(saved, EncoderIdentity(enc)); err != nil {
		return nil, err
	}
	if len(cfg.fixed) > 0 && askedMetric != cfg.metric {
		return nil, fmt.Errorf("ganada: WithMetric(%v): the saved collection uses %v: %w", askedMetric, cfg.metric, errs.ErrInvalidOption)
	}
	if indexOpt != "" && wantKind != cfg.kind {
		return nil, fmt.Errorf("ganada: %s: the saved collection uses %v: %w", indexOpt, cfg.kind, errs.ErrInvalidOption)
	}
	if err := checkOutputs(enc, outputs); err != nil {
		return nil, err
	}

	entries, err := parseDocs(readSection(pr, "DOCS"), next)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}

	var idx index.Index
	switch cfg.kind {
	case HNSW:
		idx = new(hnsw.Index)
	case Flat:
		idx = new(flat.Index)
	}
	pr.Stream("INDX", func(r io.Reader) error {
		if _, err := idx.ReadFrom(r); err != nil {
			return fmt.Errorf("section INDX: %w", err)
		}
		return nil
	})
	var lex *lexical.Index
	if savedLex || cfg.lexical {
		if lex, err = lexical.New(cfg.lexOpts...); err != nil {
			return nil, fmt.Errorf("ganada: %w", err)
		}
	}
	if savedLex {
		pr.Stream("LEXI", func(r io.Reader) error {
			if _, err := lex.ReadFrom(r); err != nil {
				return fmt.Errorf("section LEXI: %w", err)
			}
			return nil
		})
	}
	var sp *sparse.Index
	if outputs&outSparse != 0 {
		sp = sparse.New()
		pr.Stream("SPRS", func(r io.Reader) error {
			if _, err := sp.ReadFrom(r); err != nil {
				return fmt.Errorf("section SPRS: %w", err)
			}
			return nil
		})
	}
	var col *multivec.Store
	if outputs&outColBERT != 0 {
		col, _ = multivec.New(1)
		pr.Stream("COLB", func(r io.Reader) error {
			if _, err := col.ReadFrom(r); err != nil {
				return fmt.Errorf("section COLB: %w", err)
			}
			return nil
		})
	}
	if err := pr.Finish(); err != nil {
		return nil, err
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
	c.lex = lex
	c.next = next
	for _, e := range entries {
		c.byNum[e.num] = e
		c.byID[e.doc.ID] = e.num
	}
	if err := c.checkLoaded(saved, len(entries), savedM); err != nil {
		return nil, err
	}
	if err := c.loadLexical(ctx, savedLex, entries); err != nil {
		return nil, err
	}
	if err := c.loadMulti(ctx, sp, col, entries); err != nil {
		return nil, err
	}
	return c, nil
}

// loadLexical checks that a saved lexical index holds exactly the
// documents, or, when the file has none and WithLexical asked for one,
// builds it from the stored texts.
func (c *Collection) loadLexical(ctx context.Context, saved bool, entries []*entry) error {
	if c.lex == nil {
		return nil
	}
	if saved {
		if n := c.lex.Len(); n != len(entries) {
			return fmt.Errorf("lexical index holds %d texts for %d documents: %w", n, len(entries), errs.ErrCorrupt)
		}
		for _, e := range entries {
			if !c.lex.Contains(e.num) {
				return fmt.Errorf("document %q is not in the lexical index: %w", e.doc.ID, errs.ErrCorrupt)
			}
		}
		return nil
	}
	nums := make([]uint64, len(entries))
	texts := make([]string, len(entries))
	for i, e := range entries {
		nums[i], texts[i] = e.num, e.doc.Text
	}
	if err := c.lex.AddBatch(ctx, nums, texts); err != nil {
		return fmt.Errorf("ganada: building the lexical index: %w", err)
	}
	return nil
}

// readSection reads a section whose payload the caller decodes in memory.
// Memory grows with the bytes actually read, whatever the length says.
func readSection(pr *persist.Reader, tag string) []byte {
	n := pr.Begin(tag, 0, math.MaxInt)
	b := pr.Bytes(int(n))
	pr.End()
	return b
}

// checkLoaded verifies that the index agrees with the documents and the
// configuration; m is the M a version-1 CONF recorded (0 for version 2).
func (c *Collection) checkLoaded(id embed.Identity, ndocs, m int) error {
	if len(c.byID) != ndocs {
		return fmt.Errorf("documents section repeats a document ID: %w", errs.ErrCorrupt)
	}
	if c.idx.Dim() != id.Dim {
		return fmt.Errorf("index dimension %d, encoder identity says %d: %w", c.idx.Dim(), id.Dim, errs.ErrCorrupt)
	}
	if m := c.idx.Metric(); m != c.cfg.metric {
		return fmt.Errorf("index metric %v, configuration says %v: %w", m, c.cfg.metric, errs.ErrCorrupt)
	}
	if h, ok := c.idx.(*hnsw.Index); ok && m != 0 && h.M() != m {
		return fmt.Errorf("index M %d, configuration says %d: %w", h.M(), m, errs.ErrCorrupt)
	}
	ids := c.idx.IDs()
	if len(ids) != ndocs {
		return fmt.Errorf("index holds %d vectors for %d documents: %w", len(ids), ndocs, errs.ErrCorrupt)
	}
	for _, n := range ids {
		if c.byNum[n] == nil {
			return fmt.Errorf("index id %d has no document: %w", n, errs.ErrCorrupt)
		}
	}
	return nil
}

// parseIdentity reads IDEN; a version before 3 has no query and document
// prompts (parseConfig sets them).
func parseIdentity(b []byte, version uint32) (embed.Identity, error) {
	d := persist.NewDecoder("IDEN", b)
	var id embed.Identity
	id.Model = d.String("model")
	id.Revision = d.String("revision")
	id.Dim = d.Count("dimension", index.MaxDim)
	switch d.Byte("normalized") {
	case 0:
	case 1:
		id.Normalized = true
	default:
		d.Fail("bad normalized flag")
	}
	id.Prompt = d.String("prompt")
	if version >= 3 {
		id.QueryPrompt = d.String("query prompt")
		id.DocumentPrompt = d.String("document prompt")
	}
	if err := d.End(); err != nil {
		return embed.Identity{}, err
	}
	if id.Dim <= 0 {
		return embed.Identity{}, fmt.Errorf("section IDEN: dimension %d: %w", id.Dim, errs.ErrCorrupt)
	}
	return id, nil
}

// parseConfig reads the CONF section of a file of the given version into
// cfg and returns the next index id and, for version 1, the M it records
// (0 for later versions, whose CONF leaves the index's parameters to the
// index). For versions before 3 it sets id's query and document prompts
// from the prefixes CONF records. From version 4 it also reports whether
// a lexical index (LEXI) follows the vector index, and from version 5
// which of SPRS and COLB follow.
func parseConfig(cfg *config, id *embed.Identity, b []byte, version uint32) (next uint64, m int, lex bool, outputs byte, err error) {
	d := persist.NewDecoder("CONF", b)
	cfg.kind = IndexKind(d.Byte("index kind"))
	cfg.metric = index.Metric(d.Byte("metric"))
	efConstruction := 1
	if version == 1 {
		m = d.Count("M", 256)
		efConstruction = d.Count("efConstruction", math.MaxInt32)
		d.Uint64("seed")
	}
	if version < 3 {
		id.QueryPrompt = id.Prompt + d.String("query prompt")
		id.DocumentPrompt = id.Prompt + d.String("document prompt")
	}
	next = d.Uvarint("next index id")
	if version >= 4 {
		switch d.Byte("lexical") {
		case 0:
		case 1:
			lex = true
		default:
			d.Fail("bad lexical flag")
		}
	}
	if version >= 5 {
		if outputs = d.Byte("outputs"); outputs&^(outSparse|outColBERT) != 0 {
			d.Fail("bad outputs flags %#x", outputs)
		}
	}
	if err := d.End(); err != nil {
		return 0, 0, false, 0, err
	}
	switch {
	case cfg.kind != HNSW && cfg.kind != Flat:
		return 0, 0, false, 0, fmt.Errorf("section CONF: unknown index kind %d: %w", cfg.kind, errs.ErrCorrupt)
	case !cfg.metric.Valid():
		return 0, 0, false, 0, fmt.Errorf("section CONF: unknown metric %d: %w", cfg.metric, errs.ErrCorrupt)
	case version == 1 && (m < 2 || efConstruction < 1):
		return 0, 0, false, 0, fmt.Errorf("section CONF: M %d, efConstruction %d: %w", m, efConstruction, errs.ErrCorrupt)
	}
	return next, m, lex, outputs, nil
}

// minEntryBytes is the smallest encoding of a document: index id, a
// one-byte ID and its length, the text length, the metadata count.
const minEntryBytes = 5

// decodeEntry reads one document as appendEntry wrote it (the i-th of its
// section or record, for errors), failing d on an empty ID or a repeated
// metadata key.
func decodeEntry(d *persist.Decoder, i int) *entry {
	e := &entry{num: d.Uvarint("index id")}
	e.doc.ID = d.String("document ID")
	e.doc.Text = d.String("text")
	nm := d.Count("metadata count", uint64(d.Remaining()/2))
	if nm > 0 {
		e.doc.Metadata = make(map[string]string, nm)
	}
	for j := 0; j < nm && d.Err() == nil; j++ {
		k := d.String("metadata key")
		e.doc.Metadata[k] = d.String("metadata value")
	}
	switch {
	case d.Err() != nil:
	case e.doc.ID == "":
		d.Fail("document %d has an empty ID", i)
	case len(e.doc.Metadata) != nm:
		d.Fail("document %q repeats a metadata key", e.doc.ID)
	}
	return e
}

func parseDocs(b []byte, next uint64) ([]*entry, error) {
	d := persist.NewDecoder("DOCS", b)
	n := d.Count("document count", uint64(len(b)/minEntryBytes))
	entries := make([]*entry, 0, n)
	prev := uint64(0)
	for i := 0; i < n && d.Err() == nil; i++ {
		e := decodeEntry(d, i)
		switch {
		case d.Err() != nil:
		case e.num >= next:
			d.Fail("document %q has index id %d, next id is %d", e.doc.ID, e.num, next)
		case i > 0 && e.num <= prev:
			d.Fail("index ids out of order (%d after %d)", e.num, prev)
		}
		prev = e.num
		entries = append(entries, e)
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	return entries, nil
}
