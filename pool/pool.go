// This file holds Config.Pool: one text's token vectors to its sentence
// vector.

package pool

import (
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
)

// maskedValue is what sentence-transformers writes into masked positions
// before taking the maximum.
const maskedValue = -1e9

// Pool writes one text's sentence vector into dst, which must have length
// c.OutDim(dim). hidden holds the text's token vectors, row-major
// [tokens × dim]; mask has one entry per token (nonzero: a real token, 0:
// padding), nil meaning every token is real. The first promptLen tokens are
// the prompt: with c.IncludePrompt false they are masked out, as
// sentence-transformers does with prompt_length; otherwise promptLen is
// ignored (pass 0 when there is no prompt).
//
// Pool returns an error wrapping errs.ErrInvalidInput for inconsistent
// sizes (dim < 1, len(hidden) not a positive multiple of dim, a mask or dst
// of the wrong length, negative promptLen; errs.ErrDimension for dim
// differing from c.Dim when that is set), for no real token left when a
// mode other than CLS needs one (see the package's errors), and the error
// of c.Validate for an invalid Config. dst is not
// modified on error. Pool does not modify hidden or mask and is safe for
// concurrent use.
//
// Masked rows are ignored entirely. (sentence-transformers multiplies them
// by zero, so NaN or Inf in a padding row would poison its Mean unless Max
// is also configured; real models do not produce such rows.)
func (c Config) Pool(dst, hidden []float32, mask []int, dim, promptLen int) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if dim < 1 {
		return fmt.Errorf("pool: hidden size %d: %w", dim, errs.ErrInvalidInput)
	}
	if c.Dim != 0 && dim != c.Dim {
		return fmt.Errorf("pool: hidden size %d, config's word_embedding_dimension is %d: %w", dim, c.Dim, errs.ErrDimension)
	}
	if len(hidden) == 0 || len(hidden)%dim != 0 {
		return fmt.Errorf("pool: %d values are not a positive number of %d-dimensional token vectors: %w", len(hidden), dim, errs.ErrInvalidInput)
	}
	n := len(hidden) / dim
	if mask != nil && len(mask) != n {
		return fmt.Errorf("pool: %d mask entries for %d tokens: %w", len(mask), n, errs.ErrInvalidInput)
	}
	if promptLen < 0 {
		return fmt.Errorf("pool: negative prompt length %d: %w", promptLen, errs.ErrInvalidInput)
	}
	if want := c.OutDim(dim); len(dst) != want {
		return fmt.Errorf("pool: dst has length %d, want %d (%d modes × %d): %w", len(dst), want, c.Modes.count(), dim, errs.ErrInvalidInput)
	}

	// real reports whether token i takes part, after prompt masking.
	skip := 0
	if !c.IncludePrompt {
		skip = promptLen
	}
	real := func(i int) bool { return i >= skip && (mask == nil || mask[i] != 0) }
	count, last := 0, -1
	var weights float32
	for i := 0; i < n; i++ {
		if real(i) {
			count++
			last = i
			weights += float32(i + 1)
		}
	}
	if count == 0 && c.Modes != CLS {
		return fmt.Errorf("pool: %d tokens, %d of them prompt, none unmasked (modes %v): %w", n, min(skip, n), c.Modes, errs.ErrInvalidInput)
	}
	row := func(i int) []float32 { return hidden[i*dim : (i+1)*dim] }

	out := dst
	next := func() []float32 {
		o := out[:dim:dim]
		out = out[dim:]
		return o
	}
	for _, o := range outputOrder {
		if c.Modes&o.mode == 0 {
			continue
		}
		v := next()
		switch o.mode {
		case CLS:
			copy(v, row(0))
			// sentence-transformers takes the CLS vector as a view of the
			// token embeddings, and max pooling then overwrites masked
			// positions in place: with Max also configured and the first
			// token masked (a prompt, left padding), its CLS output is -1e9.
			if c.Modes&Max != 0 && !real(0) {
				for j := range v {
					v[j] = maskedValue
				}
			}
		case Max:
			for j := range v {
				v[j] = float32(math.Inf(-1))
			}
			for i := 0; i < n; i++ {
				r := row(i)
				isReal := real(i)
				for j := range v {
					x := float32(maskedValue)
					if isReal {
						x = r[j]
					}
					// torch.max propagates NaN: once NaN, stay NaN.
					if v[j] == v[j] && (x > v[j] || x != x) {
						v[j] = x
					}
				}
			}
		case Mean, MeanSqrtLen:
			sumRows(v, hidden, dim, n, real, nil)
			div := float32(count)
			if o.mode == MeanSqrtLen {
				div = float32(math.Sqrt(float64(div)))
			}
			for j := range v {
				v[j] /= div
			}
		case WeightedMean:
			sumRows(v, hidden, dim, n, real, func(i int) float32 { return float32(i + 1) })
			for j := range v {
				v[j] /= weights
			}
		case LastToken:
			copy(v, row(last))
		}
	}
	return nil
}

// sumRows sets v to the sum of the real rows of hidden, each scaled by
// weight(i) when weight is not nil.
func sumRows(v, hidden []float32, dim, n int, real func(int) bool, weight func(int) float32) {
	for j := range v {
		v[j] = 0
	}
	for i := 0; i < n; i++ {
		if !real(i) {
			continue
		}
		r := hidden[i*dim : (i+1)*dim]
		if weight == nil {
			for j, x := range r {
				v[j] += x
			}
			continue
		}
		w := weight(i)
		for j, x := range r {
			v[j] += x * w
		}
	}
}
