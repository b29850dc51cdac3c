// This file holds the functional options of NewCollection and Load: the
// index choice (its parameters pass through to the index package), the
// metric, encoding batch size, progress reporting and prompts.

package ganada

import (
	"fmt"
	"github.com/ganada/ganada/chunk"
	"github.com/ganada/ganada/errs"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/flat"
	"github.com/ganada/ganada/index/hnsw"
	"github.com/ganada/ganada/index/lexical"
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
	// External is an index given with WithIndex: any index.Index, such as
	// the PostgreSQL backend of package index/pgvector.
	External
)

// String returns "hnsw", "flat" or "external".
func (k IndexKind) String() string {
	switch k {
	case HNSW:
		return "hnsw"
	case Flat:
		return "flat"
	case External:
		return "external"
	}
	return fmt.Sprintf("IndexKind(%d)", uint8(k))
}

// DefaultBatchSize is the number of texts given to the encoder per Encode
// call when adding documents (see WithBatchSize).
const DefaultBatchSize = 64

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
	kind      IndexKind
	hnswOpts  []hnsw.Option
	flatOpts  []flat.Option
	indexOpt  string      // "WithHNSW", "WithFlat" or "WithIndex" when one was given
	external  index.Index // WithIndex's index
	metric    index.Metric
	batchSize int
	progress  func(Progress)
	lexical   bool             // keep a BM25 index beside the vectors (WithLexical)
	lexOpts   []lexical.Option // its options
	splitter  *chunk.Splitter  // WithChunking's
	sparse    bool             // store the encoder's lexical weights (WithSparse)
	colbert   bool             // store its ColBERT vectors (WithColBERT)

	// OpenFile's log (durable.go): WithLogSync(false), WithAutoCompact.
	logNoSync    bool
	compactRatio float64
	compactMin   int64
	compactSet   bool

	// fixed lists options that Load may not change (the saved file
	// determines them), by name, in the order they were given.
	fixed []string
}

func defaultConfig() config {
	return config{
		kind:      HNSW,
		metric:    index.Cosine,
		batchSize: DefaultBatchSize,
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

// WithHNSW selects the approximate graph index of package index/hnsw (the
// default) and passes opts to hnsw.New: hnsw.WithM, hnsw.WithEfConstruction,
// hnsw.WithEfSearch, hnsw.WithSeed, hnsw.WithCapacity, with hnsw's defaults
// (hnsw.DefaultM, ...) for those not given. hnsw.New validates them; an
// error names the option. Given to Load, the saved collection must use
// HNSW, and opts may only change what hnsw.Index.Reconfigure changes
// (hnsw.WithEfSearch: the beam width of the loaded collection's queries).
// WithHNSW and WithFlat exclude each other.
func WithHNSW(opts ...hnsw.Option) Option {
	return func(c *config) error {
		if c.indexOpt != "" && c.indexOpt != "WithHNSW" {
			return fmt.Errorf("ganada: WithHNSW: conflicts with %s: %w", c.indexOpt, errs.ErrInvalidOption)
		}
		c.kind, c.indexOpt = HNSW, "WithHNSW"
		c.hnswOpts = append(c.hnswOpts, opts...)
		return nil
	}
}

// WithFlat selects the exact index of package index/flat and passes opts to
// flat.New (flat.WithCapacity, flat.WithWorkers), which validates them.
// Given to Load, the saved collection must use Flat, and opts may only
// change what flat.Index.Reconfigure changes (flat.WithWorkers). WithHNSW
// and WithFlat exclude each other.
func WithFlat(opts ...flat.Option) Option {
	return func(c *config) error {
		if c.indexOpt != "" && c.indexOpt != "WithFlat" {
			return fmt.Errorf("ganada: WithFlat: conflicts with %s: %w", c.indexOpt, errs.ErrInvalidOption)
		}
		c.kind, c.indexOpt = Flat, "WithFlat"
		c.flatOpts = append(c.flatOpts, opts...)
		return nil
	}
}

// WithIndex makes the collection keep its vectors in idx, any
// implementation of index.Index, instead of an HNSW or Flat index it
// builds: for example a PostgreSQL table through index/pgvector. idx's
// dimension must be the encoder's and its metric is the collection's
// (WithMetric, if given, must agree). An idx that reports the encoder
// identity it was built for (an Identity() embed.Identity method, as
// pgvector.Index has; the zero Identity means none) must report the
// encoder's, or NewCollection fails
// with errs.ErrEncoderMismatch.
//
// When idx is an index.DocumentIndex, the documents live in it too: Add
// gives it each document with its vector, queries send it their filters
// as an index.Cond (see Filter; a FilterFunc is errs.ErrUnsupported), and
// Open reads back the documents it holds; WithLexical is refused (its index
// would live in this process only). A collection WithIndex is
// persisted by its index, not by Save or WriteTo, which fail with
// errs.ErrUnsupported; Load and Read reject WithIndex. It excludes WithHNSW
// and WithFlat. The collection does not close idx.
func WithIndex(idx index.Index) Option {
	return func(c *config) error {
		if idx == nil {
			return fmt.Errorf("ganada: WithIndex(nil): %w", errs.ErrInvalidOption)
		}
		if c.indexOpt != "" {
			return fmt.Errorf("ganada: WithIndex: conflicts with %s: %w", c.indexOpt, errs.ErrInvalidOption)
		}
		c.kind, c.indexOpt, c.external = External, "WithIndex", idx
		return nil
	}
}

// WithMetric selects how vectors are compared: index.Cosine (the default),
// index.Dot or index.L2. Hit scores are higher-is-better under each (see
// package index). Load takes it from the file and rejects this option.
func WithMetric(m index.Metric) Option {
	return func(c *config) error {
		if !m.Valid() {
			return fmt.Errorf("ganada: WithMetric(%v): unknown metric: %w", m, errs.ErrInvalidOption)
		}
		c.metric = m
		c.fixed = append(c.fixed, "WithMetric")
		return nil
	}
}

// WithBatchSize sets how many texts Add gives the encoder per Encode call
// (default DefaultBatchSize). Progress is reported, and cancellation noticed,
// between batches. It is not saved; Load accepts it.
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("ganada: WithBatchSize(%d): want > 0: %w", n, errs.ErrInvalidOption)
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

// WithLexical keeps a BM25 inverted index of the documents' texts (package
// index/lexical) beside the vector index, in step with Add and Delete and
// saved in the collection's file, so that queries can be lexical
// (WithLexicalOnly) or hybrid (WithHybrid). opts pass to lexical.New:
// lexical.WithAnalyzer (the default analyzer handles English, Korean and
// other CJK text), lexical.WithK1, lexical.WithB; lexical.New validates
// them. Given to Load it names the analyzer of a saved lexical index
// (required when it is not the default; k1 and b come from the file), and
// for a file saved without a lexical index it builds one from the stored
// texts.
func WithLexical(opts ...lexical.Option) Option {
	return func(c *config) error {
		if _, err := lexical.New(opts...); err != nil {
			return fmt.Errorf("ganada: WithLexical: %w", err)
		}
		c.lexical = true
		c.lexOpts = append(c.lexOpts, opts...)
		return nil
	}
}
