// This file defines Collection, the composition of an encoder, a vector
// index and the documents, and its constructor and read-only accessors.

package ganada

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"sort"
	"sync"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
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
// that and in parallel). A query never sees a half-finished Add or Delete:
// each call's documents appear, or disappear, all at once.
type Collection struct {
	enc embed.Encoder
	id  embed.Identity
	cfg config
	idx index.Index

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
// Options choose the index (WithHNSW, the default, or WithFlat) and its parameters,
// the metric (Cosine by default), batch size and progress reporting.
// The collection records enc's identity (see EncoderIdentity), which Save
// writes and Load checks; its strings must be valid UTF-8.
func NewCollection(enc embed.Encoder, opts ...Option) (*Collection, error) {
	if enc == nil {
		return nil, fmt.Errorf("ganada: %w: nil encoder", errs.ErrInvalidInput)
	}
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	dim := enc.Dim()
	if dim <= 0 || dim > index.MaxDim {
		return nil, fmt.Errorf("ganada: %w: encoder dimension %d outside [1, %d]", errs.ErrInvalidInput, dim, index.MaxDim)
	}
	id := EncoderIdentity(enc)
	if err := checkIdentityUTF8(id); err != nil {
		return nil, err
	}
	idx, err := newIndex(dim, cfg)
	if err != nil {
		return nil, err
	}
	return newCollection(enc, id, cfg, idx), nil
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
	case HNSW:
		x, err := hnsw.New(dim, cfg.metric, cfg.hnswOpts...)
		if err != nil {
			return nil, fmt.Errorf("ganada: %w", err)
		}
		return x, nil
	}
	return nil, fmt.Errorf("ganada: %w: unknown index kind %v", errs.ErrInvalidInput, cfg.kind)
}

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

// Compact reclaims the index memory held by deleted and replaced documents.
// The HNSW index keeps them as routing-only tombstones (also written by
// Save) until compacted; the Flat index has none, so Compact does nothing.
// Queries wait while it runs.
func (c *Collection) Compact() error {
	x, ok := c.idx.(interface{ Compact() error })
	if !ok {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := x.Compact(); err != nil {
		return fmt.Errorf("ganada: compact: %w", err)
	}
	return nil
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
