// This file holds the quantisation options of the flat index
// (WithQuantization, WithFunnel, WithRescore, WithCalibration) and its
// two-stage search: scan the codes for candidates, rescore them on the
// float32 vectors.
package flat

import (
	"fmt"
	"sync"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
	"github.com/ganada/ganada/similarity"
)

// WithQuantization makes searches scan int8 codes or sign bits instead of
// the float32 vectors (see index.Quantization): Int8 a quarter of the
// memory, Binary a thirty-second. Results become approximate unless
// WithRescore rescores enough candidates. An Int8 index scans float32
// vectors until it holds WithCalibration's count of vectors, then
// calibrates its ranges from all of them and encodes them; later vectors
// use those ranges. Without WithRescore the float32 vectors are then
// dropped. Fixed when the index is built; saved with it.
func WithQuantization(q index.Quantization) Option {
	return func(c *config) error {
		if !q.Valid() {
			return fmt.Errorf("flat: WithQuantization(%v): unknown kind: %w", q, errs.ErrInvalidOption)
		}
		c.quant.Kind = q
		c.built = append(c.built, "WithQuantization")
		return nil
	}
}

// WithFunnel makes searches scan only the first dims components of each
// vector (a Matryoshka funnel: models trained with Matryoshka loss keep
// most of their quality in a prefix), stored as float32 or, with
// WithQuantization, as codes, and rescore the best candidates on the full
// vectors. It needs WithRescore(n ≥ 1); dims must be in [1, dim]; 0,
// the default, scans every component. Fixed
// when the index is built.
func WithFunnel(dims int) Option {
	return func(c *config) error {
		if dims < 0 || dims > index.MaxDim {
			return fmt.Errorf("flat: WithFunnel(%d): outside [0, %d]: %w", dims, index.MaxDim, errs.ErrInvalidOption)
		}
		c.quant.Dims = dims
		c.built = append(c.built, "WithFunnel")
		return nil
	}
}

// WithRescore keeps the float32 vectors beside the codes of a quantised
// or funnelled index and rescores the best max(n, k) first-stage
// candidates of each search on them, so that results carry exact scores and
// are exact whenever the true top k is among those candidates (always when
// n ≥ Len). 0, the default, rescores nothing and keeps no float32
// vectors. Reconfigure changes n between positive values.
func WithRescore(n int) Option {
	return func(c *config) error {
		if n < 0 || n > core.MaxRescore {
			return fmt.Errorf("flat: WithRescore(%d): outside [0, %d]: %w", n, core.MaxRescore, errs.ErrInvalidOption)
		}
		c.quant.Rescore = n
		return nil
	}
}

// WithCalibration sets how many vectors an Int8 index waits for before it
// calibrates its ranges (default 1000; sentence-transformers warns below
// 100). Fixed when the index is built.
func WithCalibration(n int) Option {
	return func(c *config) error {
		if n < 1 || n > core.MaxCalibration {
			return fmt.Errorf("flat: WithCalibration(%d): outside [1, %d]: %w", n, core.MaxCalibration, errs.ErrInvalidOption)
		}
		c.quant.Calib = n
		c.built = append(c.built, "WithCalibration")
		return nil
	}
}

// Quantization returns the index's quantisation kind, funnel dimensions
// (0: all), rescored candidates (0: none) and whether its Int8 ranges are
// calibrated (always true for other kinds).
func (x *Index) Quantization() (kind index.Quantization, dims, rescore int, calibrated bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.qc.Kind, x.qc.Dims, x.qc.Rescore, x.codes == nil || x.codes.Ready()
}

// searchCodes is Search over the codes: the best max(Rescore, k)
// candidates of a scan of the codes, rescored on the float32 rows when
// rescoring is on. The caller holds mu shared; s.q holds the prepared query.
func (x *Index) searchCodes(s *scratch, k, w int, allow func(uint64) bool) []index.Result {
	n := len(x.ids)
	c := k
	if x.qc.Rescore > 0 {
		c = min(max(x.qc.Rescore, k), n)
	}
	x.codes.Prepare(&s.cq, s.q)
	x.parallel(s, c, w, func(p *scratch, lo, hi int) { x.scanCodes(p, &s.cq, lo, hi, allow) })
	if x.qc.Rescore == 0 {
		return s.top.Results()
	}
	cands := s.top.Results()
	s.top.Reset(k)
	d := x.dim
	for _, r := range cands {
		i := x.pos[r.ID]
		v := x.vecs[i*d : (i+1)*d]
		if x.metric == index.L2 {
			r.Score = -similarity.SquaredL2(s.q, v)
		} else {
			r.Score = similarity.Dot(s.q, v)
		}
		s.top.Push(r)
	}
	return s.top.Results()
}

// scanCodes scores rows [lo, hi) of the codes against q into s.top.
func (x *Index) scanCodes(s *scratch, q *core.CodeQuery, lo, hi int, allow func(uint64) bool) {
	top := &s.top
	for b := lo; b < hi; b += blockRows {
		e := min(b+blockRows, hi)
		sc := s.scores[:e-b]
		x.codes.ScoreRows(sc, q, b)
		for i, v := range sc {
			if !top.Admits(v) {
				continue
			}
			id := x.ids[b+i]
			if allow != nil && !allow(id) {
				continue
			}
			top.Push(index.Result{ID: id, Score: v})
		}
	}
}

// parallel runs scan over rows [0, Len) on w goroutines, each into its own
// scratch's top c, and leaves the merged best c in s.top.
func (x *Index) parallel(s *scratch, c, w int, scan func(p *scratch, lo, hi int)) {
	n := len(x.ids)
	if w <= 1 {
		s.top.Reset(c)
		scan(s, 0, n)
		return
	}
	parts := make([]*scratch, w)
	var wg sync.WaitGroup
	for g := 0; g < w; g++ {
		p := s
		if g > 0 {
			p = x.scratch()
		}
		parts[g] = p
		p.top.Reset(c)
		lo := (g * n / w) / splitRows * splitRows
		hi := ((g + 1) * n / w) / splitRows * splitRows
		if g == w-1 {
			hi = n
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			scan(p, lo, hi)
		}()
	}
	wg.Wait()
	for _, p := range parts[1:] {
		s.top.Merge(&p.top)
		x.bufs.Put(p)
	}
}
