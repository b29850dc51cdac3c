// This file holds the quantisation options of the HNSW index
// (WithQuantization, WithFunnel, WithRescore, WithCalibration), the
// calibration of its Int8 ranges, and the search that walks the graph on
// the codes and rescores the best candidates on the float32 vectors.

package hnsw

import (
	"fmt"
	"sync/atomic"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/index/internal/core"
	"github.com/ganada/ganada/similarity"
)

// WithQuantization makes searches walk the graph scoring int8 codes or
// sign bits instead of float32 vectors (see index.Quantization), which
// reads a quarter (Int8) or a thirty-second (Binary) of the memory per
// visited node. The graph itself is built, repaired and compacted on the
// float32 vectors, which an index in memory keeps, so the codes add to its
// memory (see MemoryBytes) rather than replace the vectors; an index
// opened with Open reads the vectors from the file only to rescore (see
// the package documentation). An Int8 index walks
// on float32 until it holds WithCalibration's count of vectors, then
// calibrates its ranges from all of them. Saved with the index;
// Reconfigure changes it, recomputing the codes.
func WithQuantization(q index.Quantization) Option {
	return func(c *config) error {
		if !q.Valid() {
			return fmt.Errorf("hnsw: WithQuantization(%v): unknown kind: %w", q, errs.ErrInvalidOption)
		}
		c.quant.Kind = q
		c.built = append(c.built, "WithQuantization")
		return nil
	}
}

// WithFunnel makes searches walk the graph scoring only the first dims
// components of each vector (a Matryoshka funnel), as float32 or, with
// WithQuantization, as codes, and rescore the best candidates on the full
// vectors. It needs WithRescore(n ≥ 1); dims must be in [1, dim]; 0,
// the default, scans every component.
// Reconfigure changes it.
func WithFunnel(dims int) Option {
	return func(c *config) error {
		if dims < 0 || dims > index.MaxDim {
			return fmt.Errorf("hnsw: WithFunnel(%d): outside [0, %d]: %w", dims, index.MaxDim, errs.ErrInvalidOption)
		}
		c.quant.Dims = dims
		c.built = append(c.built, "WithFunnel")
		return nil
	}
}

// WithRescore rescores the best max(n, k) candidates of a quantised or
// funnelled search on the float32 vectors, so that results carry exact
// scores; the beam is widened to at least n. 0, the default, returns the
// first stage's scores (see core's Codes.Score: int8's decoded score,
// binary's negated Hamming distance). Reconfigure changes it.
func WithRescore(n int) Option {
	return func(c *config) error {
		if n < 0 || n > core.MaxRescore {
			return fmt.Errorf("hnsw: WithRescore(%d): outside [0, %d]: %w", n, core.MaxRescore, errs.ErrInvalidOption)
		}
		c.quant.Rescore = n
		return nil
	}
}

// WithoutVectors makes a quantised index drop its float32 vectors once its
// codes are ready (an Int8 index: once calibrated) and keep only the codes
// in memory and in its files, so that an Int8 index takes about a quarter
// of the float32 memory and a Binary one a thirty-second, plus the graph.
// Searches then walk and score on the codes alone (no rescoring: it needs
// WithRescore(0) and no funnel), exact scans score codes, Vector fails with
// errs.ErrUnsupported, and later inserts, Compact's repairs and the
// heuristic compare codes with codes (decoded int8 rows, Hamming distance),
// which builds a somewhat weaker graph than float32 does: build on float32
// and Reconfigure(WithoutVectors()) before Save to keep the float32 graph.
// Once dropped the vectors are gone: a Reconfigure that needs them
// (another kind, a funnel, rescoring) fails with errs.ErrInvalidOption.
// The default keeps the vectors. Saved with the index.
func WithoutVectors() Option {
	return func(c *config) error {
		c.quant.NoVectors = true
		c.built = append(c.built, "WithoutVectors")
		return nil
	}
}

// WithCalibration sets how many vectors an Int8 index waits for before it
// calibrates its ranges (default 1000).
func WithCalibration(n int) Option {
	return func(c *config) error {
		if n < 1 || n > core.MaxCalibration {
			return fmt.Errorf("hnsw: WithCalibration(%d): outside [1, %d]: %w", n, core.MaxCalibration, errs.ErrInvalidOption)
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
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	return x.qc.Kind, x.qc.Dims, x.qc.Rescore, x.codes == nil || x.codes.Ready()
}

// MemoryBytes returns the bytes the index's slabs take at its capacity:
// vectors, codes, layer-0 and upper-layer links, labels, levels and flags
// (the id→slot map adds some 40 bytes per vector that this leaves out).
// For an index opened with Open it counts the mapped vectors, codes and
// links too, which are file pages resident only once searches touch them.
func (x *Index) MemoryBytes() int64 {
	x.growMu.RLock()
	defer x.growMu.RUnlock()
	b := int64(4*len(x.vecs) + 4*len(x.links0) + 4*len(x.upper) + 4*len(x.upperOff) + 8*len(x.labels) + len(x.levels) + 4*len(x.flags))
	if x.codes != nil {
		b += x.codes.Bytes()
	}
	return b
}

// setQuant installs the quantisation configuration on a fresh index.
func (x *Index) setQuant(c core.QuantConfig) {
	x.qc, x.codes = c, nil
	if c.Enabled() {
		x.codes = core.NewCodes(c, x.dim, x.metric)
	}
}

// calibrate sets an Int8 index's ranges once it holds enough vectors and
// encodes every slot. The caller holds no lock.
func (x *Index) calibrate() {
	x.growMu.RLock()
	need := x.codes != nil && !x.codes.Ready() && int(x.n.Load()) >= x.qc.Calibration() && x.mapped == nil
	x.growMu.RUnlock()
	if !need {
		return
	}
	x.growMu.Lock()
	defer x.growMu.Unlock()
	n := int(x.n.Load())
	if x.codes == nil || x.codes.Ready() || n < x.qc.Calibration() {
		return
	}
	x.codes.Calibrate(n, func(i int) []float32 { return x.vec(uint32(i)) })
	x.codes = x.codes.Clone(x.capacity)
	x.dropVectors()
}

// requantize replaces the quantisation configuration of a built index and
// recomputes every slot's code (calibrating Int8 ranges from all slots
// when there are enough). The caller holds growMu exclusively.
func (x *Index) requantize(c core.QuantConfig) {
	x.setQuant(c)
	if x.codes == nil {
		return
	}
	n := int(x.n.Load())
	if x.codes.Kind == index.Int8 {
		if n >= c.Calibration() {
			x.codes.Calibrate(n, func(i int) []float32 { return x.vec(uint32(i)) })
			x.codes = x.codes.Clone(x.capacity)
		}
		return
	}
	x.codes = x.codes.Clone(x.capacity)
	for s := 0; s < n; s++ {
		x.codes.Encode(s, x.vec(uint32(s)))
	}
}

// codeDistances returns the internal distances (lower is closer) of the
// listed slots' codes to s.cq.
func (x *Index) codeDistances(s *searcher, ids []uint32) []float32 {
	if cap(s.gd) < len(ids) {
		s.gd = make([]float32, max(x.m0, len(ids)))
	}
	ds := s.gd[:len(ids)]
	for i, id := range ids {
		ds[i] = -x.codes.Score(&s.cq, int(id))
	}
	return ds
}

// greedyCodes is greedy on the codes.
func (x *Index) greedyCodes(s *searcher, cur uint32, top int) (uint32, float32) {
	curD := -x.codes.Score(&s.cq, int(cur))
	for l := top; l > 0; l-- {
		for changed := true; changed; {
			changed = false
			lst := x.list(cur, l)
			cnt := min(int(atomic.LoadUint32(&lst[0])), len(lst)-1)
			for j := 1; j <= cnt; j++ {
				nb := atomic.LoadUint32(&lst[j])
				if d := -x.codes.Score(&s.cq, int(nb)); d < curD {
					cur, curD, changed = nb, d, true
				}
			}
		}
	}
	return cur, curD
}

// searchCodes walks the graph from entry ep (at layer top) on the codes
// with a beam of max(ef, Rescore, k) and returns the best k, rescored on
// the float32 vectors from the best max(Rescore, k) when rescoring is on.
// It returns fewer than k when the walk finds fewer. The caller holds
// growMu shared; s.q holds the prepared query.
func (x *Index) searchCodes(s *searcher, k, ef int, ep uint32, top int, fm filterMode) []index.Result {
	x.codes.Prepare(&s.cq, s.q)
	c := k
	if x.qc.Rescore > 0 {
		c = max(x.qc.Rescore, k)
		ef = max(ef, c)
	}
	cur, curD := x.greedyCodes(s, ep, top)
	s.coarse = true
	x.searchLayer(s, nil, cur, curD, ef, 0, fm)
	s.coarse = false
	for len(s.res) > c {
		s.res.pop()
	}
	if len(s.res) < k {
		return nil
	}
	t := &s.top
	t.Reset(k)
	l2 := x.metric == index.L2
	for _, it := range s.res {
		sc := score(it.d)
		if x.qc.Rescore > 0 {
			v := x.vec(it.id)
			if l2 {
				sc = -similarity.SquaredL2(s.q, v)
			} else {
				sc = similarity.Dot(s.q, v)
			}
		}
		t.Push(index.Result{ID: x.labels[it.id], Score: sc})
	}
	return t.Results()
}
