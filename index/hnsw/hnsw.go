// This file holds the HNSW Index type, its options, construction, slab
// growth and the read-only accessors.

package hnsw

import (
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/core"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/hugepage"
	"github.com/ganada/ganada/similarity"
)

// Node flags, read atomically and written under Index.mu.
const (
	flagDeleted   = 1 << iota // tombstone: never returned, droppable from lists
	flagPending               // replacement being inserted: not yet returned
	flagInserting             // links incomplete: skipped by exact scans
)

// Defaults of New's options.
const (
	// DefaultM is the number of links a node gets on insertion (WithM).
	DefaultM = 16
	// DefaultEfConstruction is the beam width of insertion searches
	// (WithEfConstruction).
	DefaultEfConstruction = 200
	// DefaultEfSearch is the beam width of a search that passes no
	// index.WithEf (WithEfSearch); a search uses at least k.
	DefaultEfSearch = 64
)

// MaxEf is the largest beam width WithEfConstruction and WithEfSearch
// accept (a search's own index.WithEf is not limited).
const MaxEf = 1 << 16

const (
	maxLevel     = 31
	labelStripes = 64
	noEntry      = ^uint64(0)
)

// Index is an HNSW approximate nearest-neighbour index. Create one with New or
// read one with ReadFrom/Load; the zero value is only a ReadFrom target. It is
// safe for concurrent use.
type Index struct {
	// growMu is held shared by every search and insert and exclusively to
	// grow or renumber the slabs and to serialise the index.
	growMu sync.RWMutex
	// mu guards ids, rng, deleted and all flag and slot-count writes.
	mu sync.Mutex
	// epMu serialises inserts whose level exceeds the current top level.
	epMu       sync.Mutex
	labelLocks [labelStripes]sync.Mutex

	dim      int
	metric   index.Metric
	m, m0    int // max links per node on upper layers / layer 0
	efC      int
	efSearch int
	mult     float64
	seed     uint64
	rng      *rand.Rand
	capacity int
	vecs     []float32 // capacity*dim
	links0   []uint32  // capacity*(m0+1): count, then up to m0 slot ids
	// upper holds every slot's upper-layer lists in one slab: slot s's
	// lists for layers 1..level start at word upperOff[s]·(m+1), level
	// lists of m+1 words each (a count, then up to m slot ids). upperUsed,
	// guarded by mu, counts the lists handed out.
	upper     []uint32
	upperOff  []uint32 // per slot, in lists of m+1 words
	upperUsed int
	levels    []uint8      // per slot
	labels    []uint64     // per slot: the caller's id
	flags     []uint32     // per slot, atomic
	nodeLocks []sync.Mutex // per slot: guards writes to its lists
	n         atomic.Int64 // slots in use
	ids       map[uint64]uint32
	deleted   int          // tombstones, guarded by mu
	hidden    atomic.Int64 // slots flagged deleted or pending
	ep        atomic.Uint64

	searchers sync.Pool // *searcher

	// qc is the quantisation configuration; codes, nil when qc scans
	// float32 vectors, holds each slot's first-stage code (capacity rows
	// once ready). Calibration and resizing hold growMu exclusively.
	qc    core.QuantConfig
	codes *core.Codes

	// mapped is the file behind an index opened with Open (read-only),
	// nil for one built or read into memory.
	mapped *mapping

	prefetchLines int  // cache lines of each vector prefetched before scoring
	gather        bool // score neighbours by gathered batches (short vectors)
}

var _ index.Index = (*Index)(nil)

// Option configures New.
type Option func(*config) error

type config struct {
	m, efC, efSearch, capacity int
	seed                       uint64
	quant                      core.QuantConfig
	// built names the options given that shape the graph (all but
	// WithEfSearch), in order, for Reconfigure to reject.
	built []string
}

// WithM sets M, the number of links a node gets on insertion (layer 0 keeps
// up to 2·M). Default DefaultM; valid 2..256. Larger M raises recall and memory.
func WithM(m int) Option {
	return func(c *config) error {
		if m < 2 || m > 256 {
			return fmt.Errorf("hnsw: WithM(%d): outside [2, 256]: %w", m, errs.ErrInvalidOption)
		}
		c.m = m
		c.built = append(c.built, "WithM")
		return nil
	}
}

// WithEfConstruction sets the beam width of insertion searches, 1..MaxEf.
// Default DefaultEfConstruction.
func WithEfConstruction(ef int) Option {
	return func(c *config) error {
		if ef < 1 || ef > MaxEf {
			return fmt.Errorf("hnsw: WithEfConstruction(%d): outside [1, %d]: %w", ef, MaxEf, errs.ErrInvalidOption)
		}
		c.efC = ef
		c.built = append(c.built, "WithEfConstruction")
		return nil
	}
}

// WithEfSearch sets the default beam width of searches, used when a search
// passes no index.WithEf, 1..MaxEf. Default DefaultEfSearch. A search
// always uses at least k. It is saved with the index, and Reconfigure
// changes it on an index built or read.
func WithEfSearch(ef int) Option {
	return func(c *config) error {
		if ef < 1 || ef > MaxEf {
			return fmt.Errorf("hnsw: WithEfSearch(%d): outside [1, %d]: %w", ef, MaxEf, errs.ErrInvalidOption)
		}
		c.efSearch = ef
		return nil
	}
}

// WithSeed seeds the level generator. Inserting the same vectors in the same
// order one at a time with the same seed builds the same graph. Default 1.
func WithSeed(seed uint64) Option {
	return func(c *config) error {
		c.seed = seed
		c.built = append(c.built, "WithSeed")
		return nil
	}
}

// WithCapacity preallocates slots for n vectors (hnswlib's max_elements, but
// only a hint: the index grows past it by doubling, which briefly needs the
// old and new slabs and blocks searches while it copies). n must be in
// [0, 2^32−2], and New rejects one whose n × dim or n × (2·M+1) (the
// layer-0 links) exceeds index.MaxComponents, with an error wrapping
// errs.ErrInvalidOption.
func WithCapacity(n int) Option {
	return func(c *config) error {
		if n < 0 || uint64(n) > math.MaxUint32-1 {
			return fmt.Errorf("hnsw: WithCapacity(%d): outside [0, 2^32-2]: %w", n, errs.ErrInvalidOption)
		}
		c.capacity = n
		c.built = append(c.built, "WithCapacity")
		return nil
	}
}

// New returns an empty HNSW index for vectors of length dim. Nil options are
// skipped. A bad dimension or metric yields an error wrapping errs.ErrInvalidInput, a
// bad option one wrapping errs.ErrInvalidOption that names it.
func New(dim int, metric index.Metric, opts ...Option) (*Index, error) {
	if err := core.CheckDim(dim); err != nil {
		return nil, err
	}
	if err := core.CheckMetric(metric); err != nil {
		return nil, err
	}
	c := config{m: DefaultM, efC: DefaultEfConstruction, efSearch: DefaultEfSearch, seed: 1}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if err := core.CheckCapacity(c.capacity, dim); err != nil {
		return nil, err
	}
	if words := uint64(c.capacity) * uint64(2*c.m+1); words > index.MaxComponents {
		return nil, fmt.Errorf("hnsw: WithCapacity(%d) with M = %d: needs %d layer-0 link words, over %d: %w", c.capacity, c.m, words, uint64(index.MaxComponents), errs.ErrInvalidOption)
	}
	if err := c.quant.Check("hnsw", dim); err != nil {
		return nil, err
	}
	x := &Index{}
	x.init(dim, metric, c.m, c.efC, c.efSearch, c.seed)
	x.setQuant(c.quant)
	x.grow(c.capacity)
	return x, nil
}

func (x *Index) init(dim int, metric index.Metric, m, efC, efSearch int, seed uint64) {
	x.dim, x.metric, x.m, x.m0, x.efC, x.efSearch, x.seed = dim, metric, m, 2*m, efC, efSearch, seed
	x.mult = 1 / math.Log(float64(m))
	x.prefetchLines = prefetchLinesFor(dim)
	x.gather = dim <= gatherMaxDim
	x.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	x.ids = make(map[uint64]uint32)
	x.ep.Store(noEntry)
	x.capacity = 0
	x.vecs, x.links0, x.upper, x.upperOff, x.levels, x.labels, x.flags, x.nodeLocks = nil, nil, nil, nil, nil, nil, nil, nil
	x.upperUsed = 0
	x.n.Store(0)
	x.deleted = 0
	x.hidden.Store(0)
}

// grow makes every slab hold at least c slots. The caller holds growMu
// exclusively or owns x alone.
func (x *Index) grow(c int) {
	if c > x.capacity {
		x.resize(c)
	}
}

// resize reallocates every slab to hold exactly c ≥ n slots.
func (x *Index) resize(c int) {
	n := int(x.n.Load())
	// The two big slabs are read at random by every search: huge pages
	// spare most of their TLB misses.
	var vecs []float32
	if !x.codesOnly() {
		vecs = make([]float32, c*x.dim)
		hugepage.Advise(vecs)
		copy(vecs, x.vecs[:n*x.dim])
	}
	links0 := make([]uint32, c*(x.m0+1))
	hugepage.Advise(links0)
	copy(links0, x.links0[:n*(x.m0+1)])
	upperOff := make([]uint32, c)
	copy(upperOff, x.upperOff[:n])
	levels := make([]uint8, c)
	copy(levels, x.levels[:n])
	labels := make([]uint64, c)
	copy(labels, x.labels[:n])
	flags := make([]uint32, c)
	copy(flags, x.flags[:n])
	x.vecs, x.links0, x.upperOff, x.levels, x.labels, x.flags = vecs, links0, upperOff, levels, labels, flags
	// Room for the upper lists of the slots to come: a node has 1/(M−1)
	// of them on average.
	x.growUpper(x.upperUsed + 2*(c-n)/(x.m-1) + 2*maxLevel)
	// No node lock is held while growMu is held exclusively, so fresh
	// zero mutexes replace the old ones.
	x.nodeLocks = make([]sync.Mutex, c)
	x.capacity = c
	if x.codes != nil {
		x.codes = x.codes.Clone(c)
	}
}

// growUpper makes the upper-layer slab hold at least lists lists of m+1
// words, doubling at least. The caller holds growMu exclusively or owns x
// alone.
func (x *Index) growUpper(lists int) {
	w := x.m + 1
	if lists*w <= len(x.upper) {
		return
	}
	lists = max(lists, 2*len(x.upper)/w)
	upper := make([]uint32, lists*w)
	copy(upper, x.upper[:x.upperUsed*w])
	x.upper = upper
}

// upperRoom reports whether the upper-layer slab has room for the lists
// of extra more slots at the worst level. The caller holds mu or growMu.
func (x *Index) upperRoom(extra int) bool {
	return (x.upperUsed+maxLevel+extra/(x.m-1))*(x.m+1) <= len(x.upper)
}

// ensure makes room for extra more slots and their upper-layer lists,
// taking growMu exclusively if the slabs must grow. The caller must not
// hold growMu.
func (x *Index) ensure(extra int) {
	x.growMu.RLock()
	x.mu.Lock()
	ok := int(x.n.Load())+extra <= x.capacity && x.upperRoom(extra)
	x.mu.Unlock()
	x.growMu.RUnlock()
	if ok {
		return
	}
	x.growMu.Lock()
	defer x.growMu.Unlock()
	need := int(x.n.Load()) + extra
	if need > x.capacity {
		x.grow(max(need, 2*x.capacity, 1024))
	}
	if !x.upperRoom(extra) {
		x.growUpper(x.upperUsed + maxLevel + extra/(x.m-1))
	}
}

func (x *Index) ready() error {
	if x.mapped != nil && x.mapped.closed {
		return fmt.Errorf("hnsw: %s: %w", x.mapped.path, errs.ErrClosed)
	}
	if x.dim == 0 {
		return fmt.Errorf("hnsw: uninitialised index (make it with New or ReadFrom): %w", errs.ErrInvalidInput)
	}
	return nil
}

// Dim returns the vector dimension.
func (x *Index) Dim() int {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.dim
}

// Metric returns the index metric.
func (x *Index) Metric() index.Metric {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.metric
}

// M returns the M the index was built with.
func (x *Index) M() int {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.m
}

// EfConstruction returns the insertion beam width the index was built with.
func (x *Index) EfConstruction() int {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.efC
}

// EfSearch returns the beam width of a search that passes no index.WithEf.
func (x *Index) EfSearch() int {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.efSearch
}

// Seed returns the seed of the index's level generator.
func (x *Index) Seed() uint64 {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.seed
}

// Reconfigure applies to x, built by New or read by ReadFrom, the options
// that may change after construction: WithEfSearch, WithRescore, and
// WithQuantization, WithFunnel and WithCalibration, which recompute the
// codes from the float32 vectors (the graph does not depend on them). It validates every
// option as New does and changes nothing if one fails; an option that
// shapes the graph (WithM, WithEfConstruction, WithSeed, WithCapacity)
// yields an error wrapping errs.ErrInvalidOption that names it. Nil options
// are skipped. Searches running meanwhile use the old or the new value.
func (x *Index) Reconfigure(opts ...Option) error {
	x.growMu.Lock()
	defer x.growMu.Unlock()
	if err := x.ready(); err != nil {
		return err
	}
	c := config{m: x.m, efC: x.efC, efSearch: x.efSearch, seed: x.seed, quant: x.qc}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return err
		}
	}
	for _, name := range c.built {
		switch name {
		case "WithQuantization", "WithFunnel", "WithCalibration", "WithoutVectors":
		default:
			return fmt.Errorf("hnsw: %s: fixed when the index is built: %w", name, errs.ErrInvalidOption)
		}
	}
	if err := c.quant.Check("hnsw", x.dim); err != nil {
		return err
	}
	requant := c.quant.Kind != x.qc.Kind || c.quant.Dims != x.qc.Dims || c.quant.Calib != x.qc.Calib
	if requant || c.quant.NoVectors != x.qc.NoVectors {
		if err := x.writable(); err != nil {
			return err
		}
	}
	if requant && x.codesOnly() {
		return fmt.Errorf("hnsw: WithQuantization(%v), WithFunnel(%d), WithCalibration(%d): the index dropped its float32 vectors (WithoutVectors) and cannot recompute its codes: %w", c.quant.Kind, c.quant.Dims, c.quant.Calib, errs.ErrInvalidOption)
	}
	x.efSearch = c.efSearch
	if requant {
		x.requantize(c.quant)
	}
	x.qc.Rescore = c.quant.Rescore
	x.qc.NoVectors = c.quant.NoVectors
	x.dropVectors()
	return nil
}

// Len returns the number of live vectors (tombstones excluded).
func (x *Index) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.ids)
}

// Cap returns the number of slots allocated, live, tombstoned or free.
func (x *Index) Cap() int {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.capacity
}

// Tombstones returns the number of deleted or replaced vectors still holding
// a slot; Compact reclaims them.
func (x *Index) Tombstones() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.deleted
}

// Contains reports whether id is stored.
func (x *Index) Contains(id uint64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, ok := x.ids[id]
	return ok
}

// Vector returns a copy of the vector stored under id (unit-normalised under
// Cosine), or an error wrapping errs.ErrNotFound.
func (x *Index) Vector(id uint64) ([]float32, error) {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	x.mu.Lock()
	slot, ok := x.ids[id]
	x.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("hnsw: %d: %w", id, errs.ErrNotFound)
	}
	if x.codesOnly() {
		return nil, fmt.Errorf("hnsw: %d: the index keeps no float32 vectors (WithoutVectors): %w", id, errs.ErrUnsupported)
	}
	return append([]float32(nil), x.vec(slot)...), nil
}

// IDs returns the live ids in slot order.
func (x *Index) IDs() []uint64 {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]uint64, 0, len(x.ids))
	for s, n := 0, int(x.n.Load()); s < n; s++ {
		if x.flags[s] == 0 {
			out = append(out, x.labels[s])
		}
	}
	return out
}

// codesOnly reports whether the index keeps no float32 vectors: its
// searches, inserts and repairs compare codes (WithoutVectors).
func (x *Index) codesOnly() bool {
	return x.qc.NoVectors && x.codes != nil && x.codes.Ready()
}

// dropVectors releases the float32 vectors of an index that has become
// codesOnly. The caller holds growMu exclusively or owns x alone.
func (x *Index) dropVectors() {
	if x.codesOnly() && x.mapped == nil {
		x.vecs = nil
	}
}

// qdist is the internal distance of the query q, prepared in s.cq when
// s.coarse, to slot id: on the codes when s.coarse, else on the vectors.
func (x *Index) qdist(s *searcher, q []float32, id uint32) float32 {
	if s.coarse {
		return -x.codes.Score(&s.cq, int(id))
	}
	return x.dist(q, id)
}

// beginQuery readies s for graph searches for the (prepared) vector q:
// on a codesOnly index they score codes, with q prepared in s.cq. The
// caller resets s.coarse to false when done.
func (x *Index) beginQuery(s *searcher, q []float32) {
	s.coarse = x.codesOnly()
	if s.coarse {
		x.codes.Prepare(&s.cq, q)
	}
}

// slotQuery returns a query vector for stored slot p: its float32 vector,
// or on a codesOnly index its decoded code (in s.dq).
func (x *Index) slotQuery(s *searcher, p uint32) []float32 {
	if !x.codesOnly() {
		return x.vec(p)
	}
	if cap(s.dq) < x.dim {
		s.dq = make([]float32, x.dim)
	}
	s.dq = s.dq[:x.dim]
	x.codes.DecodeRow(s.dq, int(p))
	return s.dq
}

func (x *Index) vec(s uint32) []float32 {
	o := int(s) * x.dim
	return x.vecs[o : o+x.dim : o+x.dim]
}

// list returns slot s's neighbour list on layer l: word 0 is the count.
func (x *Index) list(s uint32, l int) []uint32 {
	if l == 0 {
		o := int(s) * (x.m0 + 1)
		return x.links0[o : o+x.m0+1 : o+x.m0+1]
	}
	o := (int(x.upperOff[s]) + l - 1) * (x.m + 1)
	return x.upper[o : o+x.m+1 : o+x.m+1]
}

// dist is the internal distance of q to slot s: lower is closer. It is
// −dot under Cosine and Dot and the squared distance under L2.
func (x *Index) dist(q []float32, s uint32) float32 {
	o := int(s) * x.dim
	v := x.vecs[o : o+x.dim : o+x.dim]
	if x.metric == index.L2 {
		return similarity.SquaredL2(q, v)
	}
	return -similarity.Dot(q, v)
}

// score converts an internal distance to a higher-is-better Score.
func score(d float32) float32 { return -d }

func packEntry(s uint32, level int) uint64 { return uint64(level)<<32 | uint64(s) }

func unpackEntry(e uint64) (uint32, int) { return uint32(e), int(e >> 32) }

func (x *Index) randomLevel() int {
	u := 1 - x.rng.Float64() // (0, 1]
	l := int(-math.Log(u) * x.mult)
	return min(l, maxLevel)
}

func (x *Index) labelLock(id uint64) *sync.Mutex {
	h := id * 0x9e3779b97f4a7c15
	return &x.labelLocks[h>>58]
}

func (x *Index) setFlags(s uint32, f uint32) {
	atomic.StoreUint32(&x.flags[s], f)
}

func (x *Index) loadFlags(s uint32) uint32 {
	return atomic.LoadUint32(&x.flags[s])
}

// gatherMaxDim is the largest dimension scored by gathered batches; measured
// faster at 100, slower at 384.
const gatherMaxDim = 128

// prefetchLinesFor returns how many leading cache lines of a vector to
// prefetch: the whole vector for short ones, the first 4 (256 bytes, after
// which the hardware prefetcher follows the stream) for long ones.
func prefetchLinesFor(dim int) int {
	return min((dim*4+63)/64, 4)
}

// testHookLinked, if set (by tests only), is called by each insertion once
// it has linked slot on layer l, both ways, before it moves to layer l-1.
var testHookLinked func(slot uint32, l int)
