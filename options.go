// This file holds the functional options of NewCollection and Load: the
// index choice and its parameters, encoding batch size, progress reporting
// and prompts.

package ganada

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"unicode/utf8"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/hnsw"
)

// IndexKind selects the vector index behind a Collection.
type IndexKind uint8

const (
	// HNSW is the approximate graph index of package index/hnsw: fast
	// queries on large collections, recall slightly below 1. The default.
	HNSW IndexKind = iota + 1
	// Flat is the exact index of package index/flat: every query scores every
	// document. Exact results; the right choice up to some tens of thousands
	// of documents, or when exactness matters more than latency.
	Flat
)

// String returns "hnsw" or "flat".
func (k IndexKind) String() string {
	switch k {
	case HNSW:
		return "hnsw"
	case Flat:
		return "flat"
	}
	return fmt.Sprintf("IndexKind(%d)", uint8(k))
}

// Default parameters of a new Collection.
const (
	// DefaultBatchSize is the number of texts given to the encoder per
	// Encode call when adding documents.
	DefaultBatchSize = 64
	// DefaultM is the HNSW M (links per node) of a new collection.
	DefaultM = 16
	// DefaultEfConstruction is the HNSW insertion beam width.
	DefaultEfConstruction = 200
	// DefaultEfSearch is the HNSW query beam width (at least k is used).
	DefaultEfSearch = 64
)

// Progress reports how far an Add call has got. Total is the number of
// distinct documents in the call; Encoded counts those the encoder has
// turned into vectors and Indexed those inserted into the index (insertion
// starts when encoding is complete).
type Progress struct {
	Encoded int
	Indexed int
	Total   int
}

// An Option configures NewCollection or Load.
type Option func(*config) error

// config is the resolved form of a list of Options.
type config struct {
	kind           IndexKind
	metric         index.Metric
	m              int
	efConstruction int
	efSearch       int
	seed           uint64
	queryPrompt    string
	docPrompt      string
	batchSize      int
	progress       func(Progress)

	// fixed lists options that Load may not change (the saved file
	// determines them), by name, in the order they were given.
	fixed []string
}

func defaultConfig() config {
	return config{
		kind:           HNSW,
		metric:         index.Cosine,
		m:              DefaultM,
		efConstruction: DefaultEfConstruction,
		seed:           1,
		batchSize:      DefaultBatchSize,
	}
}

func resolve(opts []Option) (config, error) {
	c := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// WithIndex selects the vector index: HNSW (the default) or Flat. Load takes
// it from the file and rejects this option.
func WithIndex(kind IndexKind) Option {
	return func(c *config) error {
		if kind != HNSW && kind != Flat {
			return fmt.Errorf("ganada: %w: WithIndex(%v): unknown index kind", errs.ErrInvalidOption, kind)
		}
		c.kind = kind
		c.fixed = append(c.fixed, "WithIndex")
		return nil
	}
}

// WithMetric selects how vectors are compared: index.Cosine (the default),
// index.Dot or index.L2. Hit scores are higher-is-better under each (see
// package index). Load takes it from the file and rejects this option.
func WithMetric(m index.Metric) Option {
	return func(c *config) error {
		if err := index.CheckMetric(m); err != nil {
			return fmt.Errorf("ganada: %w: WithMetric(%v): unknown metric", errs.ErrInvalidOption, m)
		}
		c.metric = m
		c.fixed = append(c.fixed, "WithMetric")
		return nil
	}
}

// WithM sets the HNSW M, the number of links a document gets on insertion
// (default DefaultM; 2..256). Larger M raises recall and memory. The Flat
// index ignores it. Load takes it from the file and rejects this option.
func WithM(m int) Option {
	return func(c *config) error {
		if m < 2 || m > 256 {
			return badIndexOption("M = %d outside [2, 256]", m)
		}
		c.m = m
		c.fixed = append(c.fixed, "WithM")
		return nil
	}
}

// WithEfConstruction sets the HNSW insertion beam width (default
// DefaultEfConstruction; 1..hnsw.MaxEf). Larger builds a better graph, more
// slowly. The Flat index ignores it. Load takes it from the file and
// rejects this option.
func WithEfConstruction(ef int) Option {
	return func(c *config) error {
		if ef < 1 || ef > hnsw.MaxEf {
			return badIndexOption("efConstruction = %d outside [1, %d]", ef, hnsw.MaxEf)
		}
		c.efConstruction = ef
		c.fixed = append(c.fixed, "WithEfConstruction")
		return nil
	}
}

// WithEfSearch sets the HNSW query beam width used when a query passes no
// WithQueryEf (default DefaultEfSearch; 1..hnsw.MaxEf; a query always uses
// at least k). Larger is slower and more accurate. The Flat index ignores
// it. The index saves the value given to NewCollection; given to Load, it
// overrides the saved value for the loaded collection's queries, and is
// checked as NewCollection checks it.
func WithEfSearch(ef int) Option {
	return func(c *config) error {
		if ef < 1 || ef > hnsw.MaxEf {
			return badIndexOption("efSearch = %d outside [1, %d]", ef, hnsw.MaxEf)
		}
		c.efSearch = ef
		return nil
	}
}

// badIndexOption reports a bad index parameter, wrapping errs.ErrInvalidOption.
func badIndexOption(format string, args ...any) error {
	return fmt.Errorf("ganada: %w: %s", errs.ErrInvalidOption, fmt.Sprintf(format, args...))
}

// WithSeed seeds the HNSW level generator (default 1), for reproducible
// graphs. Load rejects it.
func WithSeed(seed uint64) Option {
	return func(c *config) error {
		c.seed = seed
		c.fixed = append(c.fixed, "WithSeed")
		return nil
	}
}

// WithBatchSize sets how many texts Add gives the encoder per Encode call
// (default DefaultBatchSize). Progress is reported, and cancellation noticed,
// between batches. It is not saved; Load accepts it.
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("ganada: %w: WithBatchSize(%d): want > 0", errs.ErrInvalidOption, n)
		}
		c.batchSize = n
		return nil
	}
}

// WithProgress makes Add call f after every encoded batch and every batch
// inserted into the index. f is called from the goroutine running Add, one
// call at a time per Add. The calls that report insertion come while the
// Add holds the collection's writer lock, so f must not call Add, Delete,
// Compact, Save or WriteTo on the same collection (they would wait for
// that Add forever); queries, Get and Len are fine. It is not saved; Load
// accepts it.
func WithProgress(f func(Progress)) Option {
	return func(c *config) error {
		c.progress = f
		return nil
	}
}

// WithPrompts sets text prefixes for asymmetric retrieval models: query is
// prepended to every text Query encodes, document to every document text
// Add encodes. intfloat/multilingual-e5-* and e5-* models want
// WithPrompts("query: ", "passage: "); BGE English models want
// WithPrompts("Represent this sentence for searching relevant passages: ", "").
// Hits return documents' texts without the prefix. The prompts must be
// valid UTF-8. They are saved with the collection; Load restores them and
// rejects this option. Use them with an encoder that applies no prompt of
// its own.
func WithPrompts(query, document string) Option {
	return func(c *config) error {
		if !utf8.ValidString(query) || !utf8.ValidString(document) {
			return fmt.Errorf("ganada: %w: WithPrompts(%q, %q): not valid UTF-8", errs.ErrInvalidOption, query, document)
		}
		c.queryPrompt = query
		c.docPrompt = document
		c.fixed = append(c.fixed, "WithPrompts")
		return nil
	}
}
