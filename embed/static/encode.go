// This file turns texts into sentence vectors: lookup, (weighted) mean,
// common component removal, normalisation.

package static

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// TextInfo reports how one text was encoded.
type TextInfo struct {
	// Words is the number of words (Model2Vec: tokens) the text was split
	// into, known or not.
	Words int
	// Known is the number of those found in the vocabulary and averaged.
	// Zero means the text's vector is the zero vector.
	Known int
}

// Encode returns one sentence vector per text, as described in the package
// documentation. A text with no known word gets a zero vector, or, with
// WithErrorOnNoKnownTokens, makes Encode fail with an error wrapping
// errs.ErrNoKnownTokens. Text that is not valid UTF-8 is an error wrapping
// errs.ErrInvalidInput. A sentence vector with a NaN or infinite component
// (vectors or weights so large that their mean, weighting or common
// component removal overflows float32) is an error wrapping
// errs.ErrNonFinite that names the text's index. A cancelled context
// returns ctx.Err().
func (m *Model) Encode(ctx context.Context, texts []string) ([][]float32, error) {
	vecs, infos, err := m.EncodeDetailed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if m.cfg.strict {
		for i, in := range infos {
			if in.Known == 0 {
				return nil, fmt.Errorf("static: text %d: %w", i, errs.ErrNoKnownTokens)
			}
		}
	}
	return vecs, nil
}

// EncodeDetailed is Encode that also reports, per text, how many words it
// had and how many were known. It returns zero vectors for texts with no
// known word whatever WithErrorOnNoKnownTokens says.
func (m *Model) EncodeDetailed(ctx context.Context, texts []string) ([][]float32, []TextInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	d := m.mat.dim
	out := make([][]float32, len(texts))
	infos := make([]TextInfo, len(texts))
	flat := make([]float32, len(texts)*d)
	acc := make([]float64, d)
	var rows []int32
	for i, t := range texts {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		if !utf8.ValidString(t) {
			return nil, nil, fmt.Errorf("static: text %d: not valid UTF-8: %w", i, errs.ErrInvalidInput)
		}
		var words int
		var err error
		rows, words, err = m.rows(rows[:0], t)
		if err != nil {
			return nil, nil, fmt.Errorf("static: text %d: %w", i, err)
		}
		out[i] = flat[i*d : (i+1)*d : (i+1)*d]
		infos[i] = TextInfo{Words: words, Known: len(rows)}
		m.sentence(out[i], acc, rows)
		for j, x := range out[i] {
			if !finite32(x) {
				return nil, nil, fmt.Errorf("static: text %d: sentence vector component %d is %v (the model's vectors overflow float32): %w", i, j, x, errs.ErrNonFinite)
			}
		}
	}
	return out, infos, nil
}

// rows appends to buf the vocabulary indices of text's known units, in
// order, and returns them with the number of units (known or not).
func (m *Model) rows(buf []int32, text string) ([]int32, int, error) {
	if m.tok != nil {
		return m.tok.rows(buf, text, m.cfg.maxTokens)
	}
	n := 0
	for _, w := range SplitWords(text) {
		var c int
		buf, c = m.lookupWord(buf, w)
		n += c
		if m.cfg.maxTokens > 0 && len(buf) >= m.cfg.maxTokens {
			buf = buf[:m.cfg.maxTokens]
			break
		}
	}
	return buf, n, nil
}

// sentence writes the sentence vector of the given rows into dst, using acc
// (len dim) as scratch. No rows gives the zero vector.
func (m *Model) sentence(dst []float32, acc []float64, rows []int32) {
	clear(acc)
	if len(rows) == 0 {
		clear(dst)
		return
	}
	for _, r := range rows {
		w := 1.0
		if m.weights != nil {
			w = float64(m.weights[r])
		}
		row := int(r)
		if m.tok != nil {
			row, w = m.tok.row(r, w)
		}
		m.mat.addRow(acc, row, w)
	}
	inv := 1 / float64(len(rows))
	for j := range acc {
		acc[j] *= inv
	}
	for _, u := range m.cfg.components {
		var p float64
		for j, x := range u {
			p += float64(x) * acc[j]
		}
		for j, x := range u {
			acc[j] -= p * float64(x)
		}
	}
	if m.cfg.normalize {
		var ss float64
		for _, x := range acc {
			ss += x * x
		}
		if ss > 0 {
			inv := 1 / math.Sqrt(ss)
			for j := range acc {
				acc[j] *= inv
			}
		}
	}
	for j, x := range acc {
		dst[j] = float32(x)
	}
}

// orthonormalize checks and Gram–Schmidt-orthonormalises components.
func orthonormalize(cs [][]float32, dim int) ([][]float32, error) {
	out := make([][]float32, 0, len(cs))
	for i, c := range cs {
		if len(c) != dim {
			return nil, fmt.Errorf("static: WithCommonComponents: component %d has length %d, want %d: %w", i, len(c), dim, errs.ErrInvalidOption)
		}
		v := make([]float64, dim)
		for j, x := range c {
			if !finite32(x) {
				return nil, fmt.Errorf("static: WithCommonComponents: component %d has a non-finite value: %w", i, errs.ErrInvalidOption)
			}
			v[j] = float64(x)
		}
		for _, u := range out {
			var p float64
			for j, x := range u {
				p += float64(x) * v[j]
			}
			for j, x := range u {
				v[j] -= p * float64(x)
			}
		}
		var ss float64
		for _, x := range v {
			ss += x * x
		}
		if ss < 1e-20 || math.IsInf(ss, 0) {
			return nil, fmt.Errorf("static: WithCommonComponents: component %d is zero or depends on the earlier ones: %w", i, errs.ErrInvalidOption)
		}
		inv := 1 / math.Sqrt(ss)
		u := make([]float32, dim)
		for j, x := range v {
			u[j] = float32(x * inv)
		}
		out = append(out, u)
	}
	return out, nil
}
