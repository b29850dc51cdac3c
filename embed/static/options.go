// This file defines the functional options that configure loading and
// sentence encoding.

package static

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

// DefaultSIFParameter is the a of the SIF weight a/(a+p(w)) used when
// WithSIF is given 0.
const DefaultSIFParameter = 1e-3

// Option configures a Model when it is loaded, built with New, or derived
// with Model.With.
type Option func(*config) error

type config struct {
	name       string
	lowercase  bool
	sif        bool
	sifA       float64
	vocabSize  int
	normalize  bool
	strict     bool
	components [][]float32
	maxWords   int
	maxTokens  int
}

func (c *config) clone() config {
	d := *c
	d.components = append([][]float32(nil), c.components...)
	return d
}

// WithName sets the model name reported by Identity (default: the file or
// folder base name, with bytes that are not valid UTF-8 replaced by U+FFFD,
// or "static" for New). A name that is not valid UTF-8 is an invalid
// option (ganada collections refuse an encoder whose identity is not).
func WithName(name string) Option {
	return func(c *config) error {
		if !utf8.ValidString(name) {
			return fmt.Errorf("static: WithName(%q): not valid UTF-8: %w", name, errs.ErrInvalidOption)
		}
		c.name = name
		return nil
	}
}

// WithLowercase makes every word be lowercased before lookup. Without it a
// word is looked up as written first and lowercased second, which suits
// both cased and uncased vocabularies. It has no effect on Model2Vec
// models, whose tokenizer decides.
func WithLowercase(on bool) Option {
	return func(c *config) error { c.lowercase = on; return nil }
}

// WithSIF turns on smooth-inverse-frequency weighting with parameter a
// (0 means DefaultSIFParameter): each word vector is weighted by
// a/(a+p(w)) with p(w) the Zipf estimate described in the package
// documentation. WithSIF with a negative or non-finite a is an error.
func WithSIF(a float64) Option {
	return func(c *config) error {
		if a < 0 || math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("static: WithSIF(%v): negative or not finite: %w", a, errs.ErrInvalidOption)
		}
		if a == 0 {
			a = DefaultSIFParameter
		}
		c.sif, c.sifA = true, a
		return nil
	}
}

// WithoutSIF turns SIF weighting off again (plain mean), for Model.With.
func WithoutSIF() Option {
	return func(c *config) error { c.sif = false; return nil }
}

// WithVocabularySize sets N, the size of the vocabulary the file's rank
// order comes from, for the Zipf estimate p(w) = 1/(r·H_N). Use it when a
// file holds only the most frequent words of a larger vocabulary. The
// default is the number of words in the model; a value smaller than that is
// an error when the model is built.
func WithVocabularySize(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("static: WithVocabularySize(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.vocabSize = n
		return nil
	}
}

// WithNormalize makes sentence vectors unit length (zero vectors stay
// zero). Identity().Normalized reports it.
func WithNormalize(on bool) Option {
	return func(c *config) error { c.normalize = on; return nil }
}

// WithErrorOnNoKnownTokens makes Encode fail, with an error wrapping
// errs.ErrNoKnownTokens that names the text's index, when a text has no
// known word, instead of returning a zero vector for it.
func WithErrorOnNoKnownTokens(on bool) Option {
	return func(c *config) error { c.strict = on; return nil }
}

// WithCommonComponents sets the directions removed from every sentence
// vector (after weighting and averaging, before normalisation), as in SIF's
// common component removal. Each vector must have the model's dimension,
// finite components and non-zero norm; it is normalised to unit length, and
// the set is orthonormalised in order (Gram–Schmidt). Passing none clears
// them. Model.CommonComponents estimates them from a corpus.
func WithCommonComponents(components ...[]float32) Option {
	return func(c *config) error {
		cs := make([][]float32, len(components))
		for i, v := range components {
			cs[i] = append([]float32(nil), v...)
		}
		c.components = cs
		return nil
	}
}

// WithMaxWords loads only the first n words of a vector file (files are in
// frequency order, so these are the n most frequent). 0 means all. It only
// affects loading.
func WithMaxWords(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("static: WithMaxWords(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.maxWords = n
		return nil
	}
}

// WithMaxTokens keeps only a text's first n known tokens (0: no limit).
// Model2Vec models default to 512, as Model2Vec's StaticModel.encode does;
// word-vector models default to no limit.
func WithMaxTokens(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("static: WithMaxTokens(%d): negative: %w", n, errs.ErrInvalidOption)
		}
		c.maxTokens = n
		return nil
	}
}
