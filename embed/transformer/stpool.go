// stpool.go is sentence-transformers' Pooling module (1_Pooling/config.json):
// CLS, max, mean, mean-sqrt-len, weighted-mean and last-token pooling,
// concatenated in that order. It mirrors the API of package pool and is a
// stand-in until that package lands; the switch is local to this file.

package transformer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// poolMode is a bit set of pooling modes.
type poolMode uint8

const (
	poolCLS poolMode = 1 << iota
	poolMean
	poolMax
	poolMeanSqrtLen
	poolWeightedMean
	poolLastToken
)

// poolConfig is a Pooling module's configuration.
type poolConfig struct {
	Modes         poolMode
	IncludePrompt bool
	Dim           int // word_embedding_dimension, 0 if absent
}

// loadPoolConfig reads dir/config.json.
func loadPoolConfig(dir string) (poolConfig, error) {
	p := filepath.Join(dir, "config.json")
	b, err := os.ReadFile(p)
	if err != nil {
		return poolConfig{}, err
	}
	var raw struct {
		Dim           int    `json:"word_embedding_dimension"`
		Mode          string `json:"pooling_mode"`
		CLS           bool   `json:"pooling_mode_cls_token"`
		Mean          bool   `json:"pooling_mode_mean_tokens"`
		Max           bool   `json:"pooling_mode_max_tokens"`
		MeanSqrt      bool   `json:"pooling_mode_mean_sqrt_len_tokens"`
		Weighted      bool   `json:"pooling_mode_weightedmean_tokens"`
		Last          bool   `json:"pooling_mode_lasttoken"`
		IncludePrompt *bool  `json:"include_prompt"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return poolConfig{}, fmt.Errorf("%s: %w", p, err)
	}
	c := poolConfig{Dim: raw.Dim, IncludePrompt: raw.IncludePrompt == nil || *raw.IncludePrompt}
	for _, f := range []struct {
		on   bool
		mode poolMode
	}{{raw.CLS, poolCLS}, {raw.Mean, poolMean}, {raw.Max, poolMax}, {raw.MeanSqrt, poolMeanSqrtLen}, {raw.Weighted, poolWeightedMean}, {raw.Last, poolLastToken}} {
		if f.on {
			c.Modes |= f.mode
		}
	}
	switch raw.Mode {
	case "":
	case "cls":
		c.Modes |= poolCLS
	case "mean":
		c.Modes |= poolMean
	case "max":
		c.Modes |= poolMax
	case "mean_sqrt_len_tokens":
		c.Modes |= poolMeanSqrtLen
	case "weightedmean":
		c.Modes |= poolWeightedMean
	case "lasttoken":
		c.Modes |= poolLastToken
	default:
		return poolConfig{}, fmt.Errorf("%s: %w: pooling_mode %q", p, ErrUnsupported, raw.Mode)
	}
	if c.Modes == 0 {
		return poolConfig{}, fmt.Errorf("%s: %w: no pooling mode set", p, ErrBadModel)
	}
	return c, nil
}

// OutDim returns the pooled width for token vectors of width hidden.
func (c poolConfig) OutDim(hidden int) int {
	n := 0
	for m := c.Modes; m != 0; m &= m - 1 {
		n++
	}
	return n * hidden
}

// Pool writes the pooled vector of one sequence into dst (OutDim wide):
// hidden holds len(mask) rows of width dim; mask is 1 for real tokens. When
// IncludePrompt is false the first promptLen tokens are masked out, except
// for CLS pooling, as sentence-transformers does.
func (c poolConfig) Pool(dst, hidden []float32, mask []int, dim, promptLen int) error {
	n := len(mask)
	if len(hidden) != n*dim || len(dst) != c.OutDim(dim) {
		return fmt.Errorf("transformer: pooling %d×%d rows into %d values: wrong sizes", n, dim, len(dst))
	}
	on := func(i int) bool { return mask[i] != 0 && (c.IncludePrompt || i >= promptLen) }
	off := 0
	out := func() []float32 { o := dst[off : off+dim]; off += dim; return o }
	if c.Modes&poolCLS != 0 {
		o := out()
		if n > 0 {
			copy(o, hidden[:dim])
		} else {
			clear(o)
		}
	}
	if c.Modes&poolMax != 0 {
		o := out()
		for j := range o {
			m := float32(-1e9) // sentence-transformers' fill value for masked tokens
			for i := 0; i < n; i++ {
				v := float32(-1e9)
				if on(i) {
					v = hidden[i*dim+j]
				}
				m = max(m, v)
			}
			o[j] = m
		}
	}
	weighted := func(o []float32, weight func(i int) float64, div func(sum float64) float64) {
		var wsum float64
		for i := 0; i < n; i++ {
			if on(i) {
				wsum += weight(i)
			}
		}
		d := div(wsum)
		for j := range o {
			var s float64
			for i := 0; i < n; i++ {
				if on(i) {
					s += weight(i) * float64(hidden[i*dim+j])
				}
			}
			o[j] = float32(s / d)
		}
	}
	one := func(int) float64 { return 1 }
	clamp := func(s float64) float64 { return math.Max(s, 1e-9) }
	if c.Modes&poolMean != 0 {
		weighted(out(), one, clamp)
	}
	if c.Modes&poolMeanSqrtLen != 0 {
		weighted(out(), one, func(s float64) float64 { return math.Sqrt(clamp(s)) })
	}
	if c.Modes&poolWeightedMean != 0 {
		weighted(out(), func(i int) float64 { return float64(i + 1) }, clamp)
	}
	if c.Modes&poolLastToken != 0 {
		o := out()
		last := -1
		for i := 0; i < n; i++ {
			if on(i) {
				last = i
			}
		}
		if last >= 0 {
			copy(o, hidden[last*dim:(last+1)*dim])
		} else {
			clear(o)
		}
	}
	return nil
}
