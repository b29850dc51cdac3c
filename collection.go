// This file defines Collection, the composition of an encoder, a vector
// index and the documents, and its constructor and read-only accessors.

package ganada

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"os"
	"slices"
	"sort"
	"sync"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/index/lexical"
	"github.com/ganada/ganada/index/multivec"
	"github.com/ganada/ganada/index/sparse"
)

// Document is a text to search, under a caller-chosen ID, with optional
// metadata that queries can filter on (see Where).
type Document struct {
	// ID identifies the document in the collection. It must be non-empty
	// valid UTF-8. Adding a document whose ID is present replaces it.
	ID string
	// Text is what the encoder embeds and what hits return. It must be
	// valid UTF-8 (it may be empty).
	Text string
	// Metadata holds arbitrary string attributes (language, source, date,
	// ...); keys and values must be valid UTF-8. The collection keeps its
	// own copy.
	Metadata map[string]string
}

// Collection is a searchable set of documents: an encoder turns their texts
// into vectors held in a vector index, and queries return the documents whose
// vectors score best against the query's.
//
// A Collection is safe for concurrent use. Queries run in parallel with each
// other and with Add, Delete and Save; Add, Delete, Compact and Save are
// serialised among themselves (encoding, the slow part of Add, runs before
// that and in parallel). A collection opened with OpenFile writes each Add
// and Delete to its log before the call's change becomes visible. A query never sees a half-finished Add or Delete:
// each call's documents appear, or disappear, all at once.
type Collection struct {
	enc embed.Encoder
	id  embed.Identity
	cfg config
	idx index.Index
	lex *lexical.Index  // the BM25 index of the texts (WithLexical), or nil
	sp  *sparse.Index   // the encoder's lexical weights (WithSparse), or nil
	col *multivec.Store // the encoder's ColBERT vectors (WithColBERT), or nil

	// wmu serialises the writers (Add's insertion, Delete, Compact, Save), so
	// that every change to the index and the maps is made by one goroutine.
	wmu sync.Mutex

	// mu guards the fields below. Writers hold it only to change them, never
	// while calling into the index; queries hold it for reading across their
	// index search, so the search's filter may read the maps.
	mu      sync.RWMutex
	byID    map[string]uint64 // document ID → index id of its current version
	byNum   map[uint64]*entry // index id → document, for every id in the index
	next    uint64            // next index id to assign; ids are never reused
	pending int               // ids in the index that are not current (mid-Add or mid-Delete)

	// The file a collection opened with OpenFile is attached to (durable.go);
	// guarded by wmu.
	wal        *walLog  // its log, nil for a collection not attached
	lock       *os.File // the locked path+".lock" (lock_*.go)
	closed     bool     // Close ran: writers fail
	closing    bool     // Close started: no background compaction starts
	compacting bool     // a background compaction is running
	bgErr      error    // the last background compaction's failure
	bg         sync.WaitGroup
	bgCtx      context.Context // cancelled by Close
	bgCancel   context.CancelFunc
}

// entry is a stored document under its index id.
type entry struct {
	doc Document
	num uint64
}

var (
	_ index.Index = (*flat.Index)(nil)
	_ index.Index = (*hnsw.Index)(nil)
)

// NewCollection returns an empty collection whose documents enc encodes.
// Options choose the index (WithHNSW, the default, WithFlat, or WithIndex
// for any index.Index) and its parameters, the metric (Cosine by default),
// batch size and progress reporting. The collection records enc's
// identity (see EncoderIdentity), which Save writes and Load checks; its
// strings must be valid UTF-8. An index given WithIndex must be empty
// (Open opens one that holds documents).
func NewCollection(enc embed.Encoder, opts ...Option) (*Collection, error) {
	c, err := build(enc, opts)
	if err != nil {
		return nil, err
	}
	if n := c.idx.Len(); n > 0 {
		return nil, fmt.Errorf("ganada: WithIndex: the index holds %d vectors; open it with Open: %w", n, errs.ErrInvalidInput)
	}
	return c, nil
}

// Open returns a collection over the index given WithIndex with the
// documents it already holds: an index.DocumentIndex (such as a pgvector
// table, see package index/pgvector) whose documents Open reads with ctx.
// Of a document key stored under several ids (a process stopped between
// adding a new version and deleting the old one), the highest id is
// current and Open deletes the others. Without WithIndex, or over an empty
// index, Open is NewCollection. A non-empty index that stores no documents
// is an error wrapping errs.ErrUnsupported; a stored document with an empty
// key, or with a key, text or metadata that is not valid UTF-8, one
// wrapping errs.ErrCorrupt naming its id.
//
// The collection keeps the documents in memory, as it does over the
// in-process indexes (its queries return them without asking the index), so
// it is the only writer of the index: another process's writes are seen
// after the next Open.
func Open(ctx context.Context, enc embed.Encoder, opts ...Option) (*Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := build(enc, opts)
	if err != nil {
		return nil, err
	}
	if c.idx.Len() == 0 {
		return c, nil
	}
	di, ok := c.idx.(index.DocumentIndex)
	if !ok {
		return nil, fmt.Errorf("ganada: open: %T holds %d vectors and no documents: %w", c.idx, c.idx.Len(), errs.ErrUnsupported)
	}
	var stale []uint64
	err = di.Documents(ctx, func(num uint64, d index.Doc) error {
		doc := Document{ID: d.Key, Text: d.Text, Metadata: d.Metadata}
		if _, err := prepareDocuments([]Document{doc}); err != nil {
			return fmt.Errorf("stored id %d: %w: %w", num, errs.ErrCorrupt, err)
		}
		if prev, ok := c.byID[doc.ID]; ok {
			stale = append(stale, prev) // ids come in ascending order: num is newer
			delete(c.byNum, prev)
		}
		c.byID[doc.ID] = num
		c.byNum[num] = &entry{doc: doc, num: num}
		c.next = max(c.next, num+1)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ganada: open: reading the documents: %w", err)
	}
	for _, n := range stale {
		if err := c.idx.Delete(ctx, n); err != nil {
			return nil, fmt.Errorf("ganada: open: deleting the replaced version %d: %w", n, err)
		}
	}
	return c, nil
}

// build checks enc and the options and returns an empty collection over
// the index they choose (WithIndex's, checked against enc).
func build(enc embed.Encoder, opts []Option) (*Collection, error) {
	if enc == nil {
		return nil, fmt.Errorf("ganada: nil encoder: %w", errs.ErrInvalidInput)
	}
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	dim := enc.Dim()
	if dim <= 0 || dim > index.MaxDim {
		return nil, fmt.Errorf("ganada: encoder dimension %d outside [1, %d]: %w", dim, index.MaxDim, errs.ErrInvalidInput)
	}
	id := EncoderIdentity(enc)
	if err := checkIdentityUTF8(id); err != nil {
		return nil, err
	}
	if cfg.external != nil {
		if err := checkExternal(cfg, dim, id); err != nil {
			return nil, err
		}
		cfg.metric = cfg.external.Metric()
	}
	idx, err := newIndex(dim, cfg)
	if err != nil {
		return nil, err
	}
	c := newCollection(enc, id, cfg, idx)
	if cfg.lexical {
		if c.lex, err = lexical.New(cfg.lexOpts...); err != nil {
			return nil, fmt.Errorf("ganada: %w", err)
		}
	}
	if err := c.initMulti(cfg.sparse, cfg.colbert); err != nil {
		return nil, err
	}
	return c, nil
}

// checkExternal checks WithIndex's index against the encoder and options.
func checkExternal(cfg config, dim int, id embed.Identity) error {
	x := cfg.external
	if _, ok := x.(index.DocumentIndex); ok && cfg.lexical {
		return fmt.Errorf("ganada: WithLexical: %T keeps the documents, and the lexical index would be in process only: %w", x, errs.ErrInvalidOption)
	}
	if _, ok := x.(index.DocumentIndex); ok && (cfg.sparse || cfg.colbert) {
		return fmt.Errorf("ganada: WithSparse, WithColBERT: %T keeps the documents, and the sparse weights and ColBERT vectors would be in process only: %w", x, errs.ErrInvalidOption)
	}
	if x.Dim() != dim {
		return fmt.Errorf("ganada: WithIndex: index dimension %d, encoder dimension %d: %w", x.Dim(), dim, errs.ErrDimension)
	}
	if slices.Contains(cfg.fixed, "WithMetric") && cfg.metric != x.Metric() {
		return fmt.Errorf("ganada: WithMetric(%v): the index given WithIndex uses %v: %w", cfg.metric, x.Metric(), errs.ErrInvalidOption)
	}
	if ider, ok := x.(interface{ Identity() embed.Identity }); ok && ider.Identity() != (embed.Identity{}) {
		if err := checkIdentity(ider.Identity(), id); err != nil {
			return fmt.Errorf("ganada: WithIndex: %w", err)
		}
	}
	return nil
}

func newCollection(enc embed.Encoder, id embed.Identity, cfg config, idx index.Index) *Collection {
	return &Collection{
		enc:   enc,
		id:    id,
		cfg:   cfg,
		idx:   idx,
		byID:  make(map[string]uint64),
		byNum: make(map[uint64]*entry),
	}
}

func newIndex(dim int, cfg config) (index.Index, error) {
	switch cfg.kind {
	case Flat:
		x, err := flat.New(dim, cfg.metric, cfg.flatOpts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: %w", err)
		}
		return x, nil
	case External:
		return cfg.external, nil
	case HNSW:
		x, err := hnsw.New(dim, cfg.metric, cfg.hnswOpts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: %w", err)
		}
		return x, nil
	}
	return nil, fmt.Errorf("ganada: unknown index kind %v: %w", cfg.kind, errs.ErrInvalidInput)
}

// Lexical reports whether the collection keeps a BM25 index of its texts
// (WithLexical), which lexical and hybrid queries need.
func (c *Collection) Lexical() bool { return c.lex != nil }

// Encoder returns the encoder the collection embeds texts with.
func (c *Collection) Encoder() embed.Encoder { return c.enc }

// Identity returns the identity of the embedding space the collection's
// vectors live in (see EncoderIdentity).
func (c *Collection) Identity() embed.Identity { return c.id }

// Dim returns the vector dimension.
func (c *Collection) Dim() int { return c.idx.Dim() }

// Index returns which kind of index the collection uses.
func (c *Collection) Index() IndexKind { return c.cfg.kind }

// Metric returns the metric the collection's index compares vectors by.
func (c *Collection) Metric() index.Metric { return c.cfg.metric }

// Len returns the number of documents.
func (c *Collection) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.byID)
}

// Contains reports whether a document with this ID is stored.
func (c *Collection) Contains(id string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.byID[id]
	return ok
}

// Get returns the document stored under id (with a copy of its metadata),
// and whether there is one.
func (c *Collection) Get(id string) (Document, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	num, ok := c.byID[id]
	if !ok {
		return Document{}, false
	}
	d := c.byNum[num].doc
	d.Metadata = copyMetadata(d.Metadata)
	return d, true
}

// IDs returns the IDs of all documents, sorted.
func (c *Collection) IDs() []string {
	c.mu.RLock()
	ids := make([]string, 0, len(c.byID))
	for id := range c.byID {
		ids = append(ids, id)
	}
	c.mu.RUnlock()
	sort.Strings(ids)
	return ids
}

func copyMetadata(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
