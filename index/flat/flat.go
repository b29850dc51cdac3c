// This file holds the flat Index type: construction, options, Add, AddBatch,
// Delete and the accessors.

package flat

import (
	"context"
	"fmt"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index/internal/core"
	"runtime"
	"sync"

	"github.com/ganada/ganada/index"
)

// Index is an exact vector index. Create one with New or read one with
// ReadFrom/Load; the zero value is only a ReadFrom target.
type Index struct {
	mu      sync.RWMutex
	dim     int
	metric  index.Metric
	workers int
	vecs    []float32 // len(ids)*dim, row i belongs to ids[i]; empty when floats() is false
	ids     []uint64
	pos     map[uint64]int
	// qc is the quantisation configuration; codes, nil when qc scans
	// float32 vectors, holds the first stage's representation of each row.
	qc    core.QuantConfig
	codes *core.Codes
	// m is the file of an index opened with Open (read-only), else nil.
	m *mapping

	bufs sync.Pool // *scratch
}

var _ index.Index = (*Index)(nil)

// Option configures New.
type Option func(*config) error

type config struct {
	capacity int
	workers  int
	quant    core.QuantConfig
	// built names the options given that only New can apply
	// (WithCapacity), for Reconfigure to reject.
	built []string
}

// WithCapacity preallocates room for n vectors, like a slice capacity. The
// index still grows past it. New rejects a negative n, or one whose n × dim
// exceeds index.MaxComponents, with an error wrapping
// errs.ErrInvalidOption.
func WithCapacity(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("flat: WithCapacity(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.capacity = n
		c.built = append(c.built, "WithCapacity")
		return nil
	}
}

// WithWorkers sets how many goroutines one search may use. 0 (the default)
// means GOMAXPROCS for indexes above ParallelThreshold floats and 1 below;
// 1 forces a single-threaded scan.
func WithWorkers(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("flat: WithWorkers(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.workers = n
		return nil
	}
}

// ParallelThreshold is the slab size, in float32 components (rows × dim),
// from which a search with automatic workers is split across goroutines.
const ParallelThreshold = 1 << 20

// New returns an empty exact index for vectors of length dim. Nil options
// are skipped. A bad dimension or metric yields an error
// wrapping errs.ErrInvalidInput, a bad option one wrapping
// errs.ErrInvalidOption that names it.
func New(dim int, metric index.Metric, opts ...Option) (*Index, error) {
	if err := core.CheckDim(dim); err != nil {
		return nil, err
	}
	if err := core.CheckMetric(metric); err != nil {
		return nil, err
	}
	var c config
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
	if err := c.quant.Check("flat", dim); err != nil {
		return nil, err
	}
	x := &Index{dim: dim, metric: metric, workers: c.workers, pos: make(map[uint64]int, c.capacity), qc: c.quant}
	if c.quant.Enabled() {
		x.codes = core.NewCodes(c.quant, dim, metric)
	}
	if x.floats() {
		x.vecs = make([]float32, 0, c.capacity*dim)
	}
	x.ids = make([]uint64, 0, c.capacity)
	return x, nil
}

// Reconfigure applies to x, built by New or read by ReadFrom, the options
// that may change after construction: WithWorkers, and WithRescore between
// positive values. It validates every
// option as New does and changes nothing if one fails; WithCapacity yields
// an error wrapping errs.ErrInvalidOption that names it. Nil options are
// skipped.
func (x *Index) Reconfigure(opts ...Option) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.ready(); err != nil {
		return err
	}
	c := config{workers: x.workers, quant: x.qc}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return err
		}
	}
	if len(c.built) > 0 {
		return fmt.Errorf("flat: %s: fixed when the index is built: %w", c.built[0], errs.ErrInvalidOption)
	}
	if err := c.quant.Check("flat", x.dim); err != nil {
		return err
	}
	if (c.quant.Rescore == 0) != (x.qc.Rescore == 0) {
		return fmt.Errorf("flat: WithRescore(%d): rescoring is turned on or off only when the index is built (it decides whether float32 vectors are kept): %w", c.quant.Rescore, errs.ErrInvalidOption)
	}
	x.workers = c.workers
	x.qc.Rescore = c.quant.Rescore
	return nil
}

// Dim returns the vector dimension.
func (x *Index) Dim() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.dim
}

// Metric returns the index metric.
func (x *Index) Metric() index.Metric {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.metric
}

// Len returns the number of vectors stored.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

// Contains reports whether id is stored.
func (x *Index) Contains(id uint64) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.pos[id]
	return ok
}

// Vector returns a copy of the vector stored under id (unit-normalised under
// Cosine), or an error wrapping errs.ErrNotFound. An Int8 index without
// rescoring keeps only codes and returns the decoded vector,
// start + step·(code+128) per component; a Binary one without rescoring
// returns an error wrapping errs.ErrUnsupported.
func (x *Index) Vector(id uint64) ([]float32, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	i, ok := x.pos[id]
	if !ok {
		return nil, fmt.Errorf("flat: %d: %w", id, errs.ErrNotFound)
	}
	if !x.floats() {
		if x.qc.Kind != index.Int8 {
			return nil, fmt.Errorf("flat: Vector(%d): a binary index without rescoring keeps no vectors: %w", id, errs.ErrUnsupported)
		}
		v := make([]float32, x.dim)
		x.codes.Decode(v, i)
		return v, nil
	}
	return append([]float32(nil), x.vecs[i*x.dim:(i+1)*x.dim]...), nil
}

// IDs returns the stored ids in storage order.
func (x *Index) IDs() []uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return append([]uint64(nil), x.ids...)
}

func (x *Index) ready() error {
	if x.m != nil && x.m.closed {
		return fmt.Errorf("flat: %s: %w", x.m.path, errs.ErrClosed)
	}
	if x.dim == 0 {
		return fmt.Errorf("flat: uninitialised index (make it with New or ReadFrom): %w", errs.ErrInvalidInput)
	}
	return nil
}

// Add stores vec under id, replacing any vector already stored under id.
// ctx is checked when the call starts.
func (x *Index) Add(ctx context.Context, id uint64, vec []float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.ready(); err != nil {
		return err
	}
	if err := x.writable(); err != nil {
		return err
	}
	if x.codes == nil {
		if i, ok := x.pos[id]; ok {
			return core.Prepare(x.vecs[i*x.dim:(i+1)*x.dim], vec, x.dim, x.metric)
		}
		n := len(x.vecs)
		x.vecs = append(x.vecs, make([]float32, x.dim)...)
		if err := core.Prepare(x.vecs[n:], vec, x.dim, x.metric); err != nil {
			x.vecs = x.vecs[:n]
			return err
		}
		x.pos[id] = len(x.ids)
		x.ids = append(x.ids, id)
		return nil
	}
	v := make([]float32, x.dim)
	if err := core.Prepare(v, vec, x.dim, x.metric); err != nil {
		return err
	}
	x.put(id, v)
	x.calibrate()
	return nil
}

// AddBatch stores vecs[i] under ids[i]. It validates and normalises the
// vectors on up to GOMAXPROCS goroutines and adds none if any is invalid.
// When an id repeats, its last vector wins. ctx is checked when the call
// starts; a batch once begun is added whole.
func (x *Index) AddBatch(ctx context.Context, ids []uint64, vecs [][]float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ids) != len(vecs) {
		return fmt.Errorf("flat: %d ids for %d vectors: %w", len(ids), len(vecs), errs.ErrInvalidInput)
	}
	dim, metric := x.Dim(), x.Metric()
	if dim == 0 {
		return fmt.Errorf("flat: uninitialised index (make it with New or ReadFrom): %w", errs.ErrInvalidInput)
	}
	staged := make([]float32, len(ids)*dim)
	if err := parallelFor(len(ids), func(i int) error {
		if err := core.Prepare(staged[i*dim:(i+1)*dim], vecs[i], dim, metric); err != nil {
			return fmt.Errorf("vector %d (id %d): %w", i, ids[i], err)
		}
		return nil
	}); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.ready(); err != nil {
		return err
	}
	if err := x.writable(); err != nil {
		return err
	}
	if x.dim != dim || x.metric != metric {
		return fmt.Errorf("flat: index replaced during AddBatch: %w", errs.ErrInvalidInput)
	}
	if x.codes != nil {
		for i, id := range ids {
			x.put(id, staged[i*dim:(i+1)*dim])
		}
		x.calibrate()
		return nil
	}
	for i, id := range ids {
		row := staged[i*dim : (i+1)*dim]
		if j, ok := x.pos[id]; ok {
			copy(x.vecs[j*dim:(j+1)*dim], row)
			continue
		}
		x.pos[id] = len(x.ids)
		x.ids = append(x.ids, id)
		x.vecs = append(x.vecs, row...)
	}
	return nil
}

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines and returns the
// error of the lowest failing index.
func parallelFor(n int, f func(i int) error) error {
	w := min(runtime.GOMAXPROCS(0), (n+255)/256)
	if w <= 1 {
		for i := 0; i < n; i++ {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, w)
	var wg sync.WaitGroup
	for g := 0; g < w; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g * n / w; i < (g+1)*n/w; i++ {
				if err := f(i); err != nil {
					errs[g] = err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Delete removes id, moving the last stored vector into its row. It returns
// an error wrapping errs.ErrNotFound if id is absent; on an index never
// initialised by New or ReadFrom, where every id is absent, the error wraps
// both errs.ErrNotFound and errs.ErrInvalidInput. ctx is checked when the
// call starts.
func (x *Index) Delete(ctx context.Context, id uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.ready(); err != nil {
		return fmt.Errorf("flat: %d (%w): %w", id, err, errs.ErrNotFound)
	}
	if err := x.writable(); err != nil {
		return err
	}
	i, ok := x.pos[id]
	if !ok {
		return fmt.Errorf("flat: %d: %w", id, errs.ErrNotFound)
	}
	last := len(x.ids) - 1
	fl := x.floats()
	if i != last {
		if fl {
			copy(x.vecs[i*x.dim:(i+1)*x.dim], x.vecs[last*x.dim:])
		}
		if x.codes != nil {
			x.codes.Move(i, last)
		}
		x.ids[i] = x.ids[last]
		x.pos[x.ids[i]] = i
	}
	delete(x.pos, id)
	x.ids = x.ids[:last]
	if fl {
		x.vecs = x.vecs[:last*x.dim]
	}
	if x.codes != nil {
		x.codes.Resize(last)
	}
	return nil
}

// floats reports whether x.vecs holds the float32 rows: always, except in a
// calibrated quantised index without rescoring, which keeps only codes.
func (x *Index) floats() bool {
	return x.codes == nil || !x.codes.Ready() || x.qc.Rescore > 0
}

// put stores the prepared vector v under id in a quantised index. The
// caller holds mu.
func (x *Index) put(id uint64, v []float32) {
	fl := x.floats()
	i, ok := x.pos[id]
	if !ok {
		i = len(x.ids)
		x.pos[id] = i
		x.ids = append(x.ids, id)
		if fl {
			x.vecs = append(x.vecs, v...)
		}
		x.codes.Resize(i + 1)
	} else if fl {
		copy(x.vecs[i*x.dim:(i+1)*x.dim], v)
	}
	if x.codes.Ready() {
		x.codes.Encode(i, v)
	}
}

// calibrate sets an Int8 index's ranges once it holds enough vectors,
// encodes every row and, without rescoring, drops the float32 rows. The
// caller holds mu.
func (x *Index) calibrate() {
	if x.codes.Ready() || len(x.ids) < x.qc.Calibration() {
		return
	}
	d := x.dim
	x.codes.Calibrate(len(x.ids), func(i int) []float32 { return x.vecs[i*d : (i+1)*d] })
	if x.qc.Rescore == 0 {
		x.vecs = nil
	}
}

// MemoryBytes returns the bytes the index's vectors, codes and ids take
// (slices at their length; the id→row map adds some 40 bytes per vector
// that this leaves out).
func (x *Index) MemoryBytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	b := int64(4*len(x.vecs) + 8*len(x.ids))
	if x.codes != nil {
		b += x.codes.Bytes()
	}
	return b
}
