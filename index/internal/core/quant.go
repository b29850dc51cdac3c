// This file holds what index/flat and index/hnsw share to store vectors
// quantised or truncated (index.Quantization, the Matryoshka funnel): the
// resolved options (QuantConfig), the code slabs with their calibration,
// encoding and scoring (Codes, CodeQuery), and their persisted form (the
// QUNT section). The int8 codes follow sentence-transformers'
// quantize_embeddings(precision="int8"); the kernels are similarity's
// DotInt8, Hamming, DotBatch and SquaredL2Batch.
package core

import (
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/index"
	"github.com/ganada/ganada/internal/persist"
	"github.com/ganada/ganada/similarity"
)

// DefaultCalibration is the number of vectors an Int8 index waits for
// before it calibrates its ranges (sentence-transformers warns below 100).
const DefaultCalibration = 1000

// MaxCalibration bounds WithCalibration and the value a file may declare.
const MaxCalibration = 1 << 30

// QuantConfig is the resolved form of the quantisation options of both
// indexes (WithQuantization, WithFunnel, WithRescore, WithCalibration).
type QuantConfig struct {
	Kind index.Quantization
	// Dims is the number of leading components the first stage scans (the
	// funnel's d'); 0 means all of them.
	Dims int
	// Rescore is how many of the first stage's best candidates are
	// rescored on the float32 vectors (at least k are); 0 rescores none.
	Rescore int
	// Calib is how many vectors an Int8 index holds before it calibrates
	// its ranges; 0 means DefaultCalibration.
	Calib int
	// NoVectors drops the float32 vectors once the codes are ready
	// (index/hnsw's WithoutVectors).
	NoVectors bool
}

// Enabled reports whether the first stage scans codes rather than the
// float32 vectors.
func (c QuantConfig) Enabled() bool { return c.Kind != index.Float32 || c.Dims != 0 }

// CodeDims returns the number of components encoded for dimension dim.
func (c QuantConfig) CodeDims(dim int) int {
	if c.Dims == 0 || c.Dims > dim {
		return dim
	}
	return c.Dims
}

// Calibration returns Calib or its default.
func (c QuantConfig) Calibration() int {
	if c.Calib == 0 {
		return DefaultCalibration
	}
	return c.Calib
}

// Check validates c against the dimension dim once every option is
// applied; pkg prefixes the error ("flat", "hnsw").
func (c QuantConfig) Check(pkg string, dim int) error {
	switch {
	case !c.Kind.Valid():
		return fmt.Errorf("%s: WithQuantization(%v): unknown kind: %w", pkg, c.Kind, errs.ErrInvalidOption)
	case c.Dims < 0 || c.Dims > dim:
		return fmt.Errorf("%s: WithFunnel(%d): outside [1, %d] (the dimension): %w", pkg, c.Dims, dim, errs.ErrInvalidOption)
	case c.Dims != 0 && c.Rescore == 0:
		return fmt.Errorf("%s: WithFunnel(%d): needs WithRescore(n ≥ 1) to rescore on the full vectors: %w", pkg, c.Dims, errs.ErrInvalidOption)
	case c.Rescore < 0 || c.Rescore > MaxRescore:
		return fmt.Errorf("%s: WithRescore(%d): outside [0, %d]: %w", pkg, c.Rescore, MaxRescore, errs.ErrInvalidOption)
	case c.Calib < 0 || c.Calib > MaxCalibration:
		return fmt.Errorf("%s: WithCalibration(%d): outside [1, %d]: %w", pkg, c.Calib, MaxCalibration, errs.ErrInvalidOption)
	case c.NoVectors && (c.Kind == index.Float32 || c.Dims != 0 || c.Rescore != 0):
		return fmt.Errorf("%s: WithoutVectors: needs WithQuantization(Int8 or Binary), no funnel and WithRescore(0) (have %v, funnel %d, rescore %d): %w", pkg, c.Kind, c.Dims, c.Rescore, errs.ErrInvalidOption)
	}
	return nil
}

// MaxRescore bounds WithRescore and the value a file may declare.
const MaxRescore = 1 << 24

// Codes holds the first-stage representation of an index's rows: the
// leading Dims components of each stored vector as float32 (a funnel
// without quantisation), int8 codes or sign bits. Rows are addressed by the
// index's row or slot number. It is not synchronised: the index's locks
// guard it as they guard the float32 slab.
type Codes struct {
	Kind index.Quantization
	Dims int
	L2   bool
	// Start and Step are the Int8 ranges per component (len Dims): nil
	// until calibrated.
	Start, Step []float32
	F           []float32 // Float32: Dims per row
	I           []int8    // Int8: Dims per row
	B           []uint64  // Binary: Words() per row
	N2          []float32 // Int8 under L2: ‖x̂‖² of each decoded row
}

// NewCodes returns empty Codes for the configuration c of an index of
// dimension dim and metric m.
func NewCodes(c QuantConfig, dim int, m index.Metric) *Codes {
	return &Codes{Kind: c.Kind, Dims: c.CodeDims(dim), L2: m == index.L2}
}

// Ready reports whether rows can be encoded: an Int8 index must be
// calibrated first.
func (c *Codes) Ready() bool { return c.Kind != index.Int8 || c.Start != nil }

// Words returns the uint64 words of a Binary row.
func (c *Codes) Words() int { return (c.Dims + 63) / 64 }

// Rows returns the number of rows the slabs hold.
func (c *Codes) Rows() int {
	switch c.Kind {
	case index.Int8:
		return len(c.I) / c.Dims
	case index.Binary:
		return len(c.B) / c.Words()
	}
	return len(c.F) / c.Dims
}

// Bytes returns the memory the codes and ranges take.
func (c *Codes) Bytes() int64 {
	return int64(4*len(c.F) + len(c.I) + 8*len(c.B) + 4*len(c.N2) + 4*len(c.Start) + 4*len(c.Step))
}

// Resize makes the slabs hold rows rows, keeping the leading ones and
// zeroing new ones; growing reuses spare capacity as append does. An
// uncalibrated Int8 Codes holds no rows.
func (c *Codes) Resize(rows int) {
	if !c.Ready() {
		return
	}
	switch c.Kind {
	case index.Int8:
		c.I = resize(c.I, rows*c.Dims)
		if c.L2 {
			c.N2 = resize(c.N2, rows)
		}
	case index.Binary:
		c.B = resize(c.B, rows*c.Words())
	default:
		c.F = resize(c.F, rows*c.Dims)
	}
}

func resize[T any](s []T, n int) []T {
	if n <= len(s) {
		return s[:n]
	}
	old := len(s)
	if n <= cap(s) {
		s = s[:n]
		clear(s[old:])
		return s
	}
	return append(s, make([]T, n-old)...)
}

// Clone returns a copy of c whose slabs are exactly rows rows (at least
// those held are kept), for an index that reallocates its slabs.
func (c *Codes) Clone(rows int) *Codes {
	d := *c
	d.F, d.I, d.B, d.N2 = nil, nil, nil, nil
	n := min(rows, c.Rows())
	switch c.Kind {
	case index.Int8:
		if c.Ready() {
			d.I = make([]int8, rows*c.Dims)
			copy(d.I, c.I[:n*c.Dims])
			if c.L2 {
				d.N2 = make([]float32, rows)
				copy(d.N2, c.N2[:n])
			}
		}
	case index.Binary:
		d.B = make([]uint64, rows*c.Words())
		copy(d.B, c.B[:n*c.Words()])
	default:
		d.F = make([]float32, rows*c.Dims)
		copy(d.F, c.F[:n*c.Dims])
	}
	return &d
}

// Calibrate sets the Int8 ranges to the per-component minimum and maximum
// of rows vectors (row(i) returns vector i; only its leading Dims
// components are read), as quantize_embeddings does without given ranges,
// and encodes every row. rows must be at least 1.
func (c *Codes) Calibrate(rows int, row func(i int) []float32) {
	lo := make([]float32, c.Dims)
	hi := make([]float32, c.Dims)
	copy(lo, row(0)[:c.Dims])
	copy(hi, row(0)[:c.Dims])
	for i := 1; i < rows; i++ {
		for j, v := range row(i)[:c.Dims] {
			lo[j] = min(lo[j], v)
			hi[j] = max(hi[j], v)
		}
	}
	step := make([]float32, c.Dims)
	for j := range step {
		step[j] = (hi[j] - lo[j]) / 255
	}
	c.Start, c.Step = lo, step
	c.Resize(rows)
	for i := 0; i < rows; i++ {
		c.Encode(i, row(i))
	}
}

// Encode writes row i's code from v (at least Dims components). The row
// must exist (Resize) and c must be Ready.
func (c *Codes) Encode(i int, v []float32) {
	d := c.Dims
	switch c.Kind {
	case index.Int8:
		dst := c.I[i*d : (i+1)*d]
		EncodeInt8(dst, v[:d], c.Start, c.Step)
		if c.L2 {
			c.N2[i] = c.decodedNorm2(i)
		}
	case index.Binary:
		w := c.Words()
		EncodeBits(c.B[i*w:(i+1)*w], v[:d])
	default:
		copy(c.F[i*d:(i+1)*d], v[:d])
	}
}

// EncodeInt8 writes the int8 codes of v under the ranges start, step as
// quantize_embeddings computes them in float32, trunc((v−start)/step −
// 128), except that values beyond the range saturate at −128 and 127 (numpy's
// cast wraps them) and a component whose range is a single value (step 0,
// where numpy divides by zero) codes as −128, its start.
func EncodeInt8(dst []int8, v, start, step []float32) {
	for j, x := range v {
		if step[j] == 0 {
			dst[j] = -128
			continue
		}
		f := (x-start[j])/step[j] - 128
		switch {
		case f != f || f <= -128:
			dst[j] = -128
		case f >= 127:
			dst[j] = 127
		default:
			dst[j] = int8(f) // truncates towards zero, as numpy's astype
		}
	}
}

// EncodeBits sets bit j of dst (bit j%64 of word j/64) when v[j] > 0, as
// quantize_embeddings(precision="ubinary") does (which packs the bits most
// significant first; Hamming distances are the same).
func EncodeBits(dst []uint64, v []float32) {
	clear(dst)
	for j, x := range v {
		if x > 0 {
			dst[j/64] |= 1 << (j % 64)
		}
	}
}

// Decode writes row i's decoded Int8 vector, start + step·(code+128), into
// dst (len Dims).
func (c *Codes) Decode(dst []float32, i int) {
	for j, q := range c.I[i*c.Dims : (i+1)*c.Dims] {
		dst[j] = c.Start[j] + c.Step[j]*(float32(q)+128)
	}
}

func (c *Codes) decodedNorm2(i int) float32 {
	var ss float64
	for j, q := range c.I[i*c.Dims : (i+1)*c.Dims] {
		x := float64(c.Start[j] + c.Step[j]*(float32(q)+128))
		ss += x * x
	}
	return float32(ss)
}

// SetNorms recomputes the decoded squared norms of the first rows rows of
// an Int8 Codes under L2, after its codes were read.
func (c *Codes) SetNorms(rows int) {
	if c.Kind != index.Int8 || !c.L2 {
		return
	}
	c.N2 = make([]float32, rows)
	for i := range c.N2 {
		c.N2[i] = c.decodedNorm2(i)
	}
}

// Move copies row src over row dst.
func (c *Codes) Move(dst, src int) {
	switch c.Kind {
	case index.Int8:
		if c.Ready() {
			copy(c.I[dst*c.Dims:(dst+1)*c.Dims], c.I[src*c.Dims:(src+1)*c.Dims])
			if c.L2 {
				c.N2[dst] = c.N2[src]
			}
		}
	case index.Binary:
		w := c.Words()
		copy(c.B[dst*w:(dst+1)*w], c.B[src*w:(src+1)*w])
	default:
		copy(c.F[dst*c.Dims:(dst+1)*c.Dims], c.F[src*c.Dims:(src+1)*c.Dims])
	}
}

// Permute moves row i to perm[i] for the first len(perm) rows.
func (c *Codes) Permute(perm []uint32) {
	if !c.Ready() {
		return
	}
	n := len(perm)
	d := c.Clone(n)
	for i, j := range perm {
		c.moveFrom(d, int(j), i)
	}
}

func (c *Codes) moveFrom(src *Codes, dst, from int) {
	switch c.Kind {
	case index.Int8:
		copy(c.I[dst*c.Dims:(dst+1)*c.Dims], src.I[from*c.Dims:(from+1)*c.Dims])
		if c.L2 {
			c.N2[dst] = src.N2[from]
		}
	case index.Binary:
		w := c.Words()
		copy(c.B[dst*w:(dst+1)*w], src.B[from*w:(from+1)*w])
	default:
		copy(c.F[dst*c.Dims:(dst+1)*c.Dims], src.F[from*c.Dims:(from+1)*c.Dims])
	}
}

// CodeQuery is a query prepared for scoring against Codes. Its storage is
// reused across Prepare calls.
type CodeQuery struct {
	f     []float32 // Float32: the query's leading Dims components
	r     []int8    // Int8: the query folded with the steps, quantised
	bits  []uint64  // Binary: the query's sign bits
	alpha float64   // Int8: scale of r
	c     float64   // Int8: Σ q·(start + 128·step)
	qn    float32   // L2: ‖q‖² over the leading Dims components
}

// Prepare readies q for scoring the (prepared: normalised under Cosine)
// query vector v against c.
//
// Int8 rows decode as x̂ = start + step·(code+128), so q·x̂ =
// Σ q·(start+128·step) + Σ (q·step)·code: the second sum folds the steps
// into the query, which is then quantised to int8 with its own scale
// (max |q·step| / 127) so that DotInt8 computes it.
func (c *Codes) Prepare(q *CodeQuery, v []float32) {
	v = v[:c.Dims]
	var qn float64
	for _, x := range v {
		qn += float64(x) * float64(x)
	}
	q.qn = float32(qn)
	switch c.Kind {
	case index.Int8:
		if cap(q.r) < c.Dims {
			q.r = make([]int8, c.Dims)
			q.f = make([]float32, c.Dims)
		}
		q.r, q.f = q.r[:c.Dims], q.f[:c.Dims]
		var cst float64
		amax := float32(0)
		for j, x := range v {
			cst += float64(x) * (float64(c.Start[j]) + 128*float64(c.Step[j]))
			t := x * c.Step[j]
			q.f[j] = t
			amax = max(amax, float32(math.Abs(float64(t))))
		}
		q.c = cst
		q.alpha = float64(amax) / 127
		if amax == 0 {
			clear(q.r)
			return
		}
		inv := 127 / float64(amax)
		for j, t := range q.f {
			q.r[j] = int8(math.Round(float64(t) * inv))
		}
	case index.Binary:
		if cap(q.bits) < c.Words() {
			q.bits = make([]uint64, c.Words())
		}
		q.bits = q.bits[:c.Words()]
		EncodeBits(q.bits, v)
	default:
		q.f = append(q.f[:0], v...)
	}
}

// Score returns row i's first-stage score against q, higher is better:
// under Float32 the exact score of the leading Dims components; under
// Int8 the score of the decoded row against the int8-rounded query; under
// Binary the negated Hamming distance.
func (c *Codes) Score(q *CodeQuery, i int) float32 {
	switch c.Kind {
	case index.Int8:
		dot := q.c + q.alpha*float64(similarity.DotInt8(q.r, c.I[i*c.Dims:(i+1)*c.Dims]))
		if c.L2 {
			return -(q.qn - 2*float32(dot) + c.N2[i])
		}
		return float32(dot)
	case index.Binary:
		w := c.Words()
		return -float32(similarity.Hamming(q.bits, c.B[i*w:(i+1)*w]))
	}
	row := c.F[i*c.Dims : (i+1)*c.Dims]
	if c.L2 {
		return -similarity.SquaredL2(q.f, row)
	}
	return similarity.Dot(q.f, row)
}

// ScoreRows writes the scores of rows lo, lo+1, … lo+len(dst)−1 into dst.
func (c *Codes) ScoreRows(dst []float32, q *CodeQuery, lo int) {
	if c.Kind == index.Float32 {
		rows := c.F[lo*c.Dims : (lo+len(dst))*c.Dims]
		if c.L2 {
			similarity.SquaredL2Batch(dst, q.f, rows)
			for i := range dst {
				dst[i] = -dst[i]
			}
			return
		}
		similarity.DotBatch(dst, q.f, rows)
		return
	}
	for i := range dst {
		dst[i] = c.Score(q, lo+i)
	}
}

// QuantTag is the tag of the section that holds a QuantConfig and the
// Int8 ranges.
const QuantTag = "QUNT"

const quantFixed = 5 * 4

// WriteQuant writes the QUNT section: kind, dims (0: all), rescore,
// calibration count, whether ranges follow, then the ranges (Dims starts,
// Dims steps) if calibrated. It returns the section's size in the file.
func WriteQuant(pw *persist.Writer, cfg QuantConfig, c *Codes) int {
	ranges := c != nil && c.Kind == index.Int8 && c.Start != nil
	n := uint64(quantFixed)
	if ranges {
		n += uint64(8 * c.Dims)
	}
	pw.Begin(QuantTag, n)
	pw.Uint32(uint32(cfg.Kind))
	pw.Uint32(uint32(cfg.Dims))
	pw.Uint32(uint32(cfg.Rescore))
	pw.Uint32(uint32(cfg.Calib))
	if ranges {
		pw.Uint32(1)
		pw.Float32s(c.Start)
		pw.Float32s(c.Step)
	} else {
		pw.Uint32(0)
	}
	pw.End()
	return 16 + int(n)
}

// ReadQuant reads the QUNT section of an index of dimension dim and metric
// m, failing pr on a bad kind, funnel, rescore or calibration count, or on
// ranges that are not finite, have a negative step or do not belong to an
// Int8 index. It returns nil Codes when the configuration scans float32
// vectors.
func ReadQuant(pr *persist.Reader, dim int, m index.Metric) (QuantConfig, *Codes) {
	n := pr.Begin(QuantTag, quantFixed, quantFixed+8*uint64(dim))
	var cfg QuantConfig
	cfg.Kind = index.Quantization(pr.Uint32())
	dims, rescore, calib, ranges := pr.Uint32(), pr.Uint32(), pr.Uint32(), pr.Uint32()
	if pr.Err() != nil {
		return cfg, nil
	}
	if !cfg.Kind.Valid() || dims > uint32(dim) || rescore > MaxRescore || calib > MaxCalibration || ranges > 1 {
		pr.Fail("bad quantisation: kind %d, dims %d, rescore %d, calibration %d, ranges %d", cfg.Kind, dims, rescore, calib, ranges)
		return cfg, nil
	}
	cfg.Dims, cfg.Rescore, cfg.Calib = int(dims), int(rescore), int(calib)
	if err := cfg.Check("", dim); err != nil {
		pr.Fail("bad quantisation: %v", err)
		return cfg, nil
	}
	c := NewCodes(cfg, dim, m)
	want := uint64(quantFixed)
	if ranges == 1 {
		want += uint64(8 * c.Dims)
	}
	if n != want || (ranges == 1 && cfg.Kind != index.Int8) {
		pr.Fail("quantisation section of %d bytes, want %d", n, want)
		return cfg, nil
	}
	if ranges == 1 {
		c.Start = pr.Float32s(c.Dims)
		c.Step = pr.Float32s(c.Dims)
		if pr.Err() == nil && pr.Finite(c.Start) && pr.Finite(c.Step) {
			for j, s := range c.Step {
				if s < 0 || math.IsInf(float64(c.Start[j]+255*s), 0) {
					pr.Fail("int8 range %d: start %v step %v", j, c.Start[j], s)
					break
				}
			}
		}
	}
	pr.End()
	if !cfg.Enabled() {
		return cfg, nil
	}
	return cfg, c
}

// PairScore returns the first-stage score of row i against row j, higher
// is better, for an index that keeps no float32 vectors to compare them:
// under Int8 the dot product (or the negated squared distance under L2) of
// the two decoded rows, under Binary the negated Hamming distance, under
// Float32 the exact score of the leading Dims components.
func (c *Codes) PairScore(i, j int) float32 {
	d := c.Dims
	switch c.Kind {
	case index.Int8:
		a, b := c.I[i*d:(i+1)*d], c.I[j*d:(j+1)*d]
		var s float64
		if c.L2 {
			for k := range a {
				t := float64(c.Step[k]) * float64(int(a[k])-int(b[k]))
				s += t * t
			}
			return -float32(s)
		}
		for k := range a {
			x := float64(c.Start[k]) + float64(c.Step[k])*(float64(a[k])+128)
			y := float64(c.Start[k]) + float64(c.Step[k])*(float64(b[k])+128)
			s += x * y
		}
		return float32(s)
	case index.Binary:
		w := c.Words()
		return -float32(similarity.Hamming(c.B[i*w:(i+1)*w], c.B[j*w:(j+1)*w]))
	}
	a, b := c.F[i*d:(i+1)*d], c.F[j*d:(j+1)*d]
	if c.L2 {
		return -similarity.SquaredL2(a, b)
	}
	return similarity.Dot(a, b)
}

// DecodeRow writes into dst (len Dims) a vector whose code is row i: the
// decoded Int8 vector, ±1 per Binary sign bit (whose sign bits are the
// row's), or the Float32 row.
func (c *Codes) DecodeRow(dst []float32, i int) {
	switch c.Kind {
	case index.Int8:
		c.Decode(dst, i)
	case index.Binary:
		w := c.Words()
		row := c.B[i*w : (i+1)*w]
		for j := range dst[:c.Dims] {
			dst[j] = -1
			if row[j/64]>>(j%64)&1 != 0 {
				dst[j] = 1
			}
		}
	default:
		copy(dst, c.F[i*c.Dims:(i+1)*c.Dims])
	}
}
