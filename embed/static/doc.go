// Package static implements embed.Encoder for static word-vector models:
// GloVe and word2vec text files (with or without a "count dim" header line),
// word2vec binary files, fastText .vec files, Model2Vec folders,
// sentence-transformers StaticEmbedding folders (LoadStaticEmbedding, with
// weights in model.safetensors or pytorch_model.bin), and this package's
// own compact quantised format.
//
// The vector-file readers skip words that are not valid UTF-8 (word2vec's
// C tool can cut a long word inside a character; no text could contain
// such a word) and keep the first of repeated words; Model.LoadReport
// says how many entries each left out. Structural damage (a bad header, a
// count that does not match, a short vector, a number that does not parse,
// NaN or ±Inf) is an error.
//
// # Sentence vectors
//
// A static model has one vector per vocabulary entry. A text's vector is
// the mean of the vectors of its known words (Model2Vec: of its tokens):
//
//	v(s) = (1/n) · Σ_{w ∈ s, w known} c(w) · v(w)
//
// where n is the number of known words and c(w) = 1, or, with WithSIF, the
// smooth-inverse-frequency weight of Arora, Liang and Ma (ICLR 2017):
//
//	c(w) = a / (a + p(w))
//
// Vector files carry no counts, only rank order (most frequent first), so
// p(w) is a Zipf estimate from the word's 1-based rank r in the file:
//
//	p(w) = 1 / (r · H_N),   H_N = Σ_{i=1..N} 1/i
//
// with N the vocabulary size (the number of words in the file, or the value
// given with WithVocabularySize when the file was cut from a larger one).
// The default a is 1e-3, the value Arora et al. recommend.
//
// Arora et al. also remove the projection of every sentence vector on the
// first principal component of a corpus' sentence vectors ("common
// component removal"). Model.CommonComponents estimates those components
// from a corpus you provide (uncentred, like the TruncatedSVD of the
// reference code), and WithCommonComponents applies them:
//
//	v ← v − Σ_k (u_k · v) u_k
//
// Finally, with WithNormalize, the vector is scaled to unit length.
//
// # Words
//
// For word-vector files, text is split into words by SplitWords: maximal
// runs of letters, digits and combining marks, where an apostrophe, hyphen,
// period or comma between two such characters stays inside the word, so
// that "don't", "well-known" and "3.5" are candidates as a whole. Each word
// is looked up as written and then lowercased (WithLowercase forces
// lowercasing first). A word that is not found and contains such a joiner
// is split: English clitics are separated the way the Penn Treebank
// tokenizer used for GloVe's training corpora does ("don't" → "do" "n't",
// "woman's" → "woman" "'s"), other joiners split the word into its parts.
// Everything else (punctuation, symbols, spaces) separates words and is
// dropped. Unknown words are skipped.
//
// # Unknown texts
//
// A text with no known word (including the empty text) has no meaningful
// vector. Encode returns a zero vector for it, never NaN; EncodeDetailed
// reports each text's known-word count so callers can tell; and with
// WithErrorOnNoKnownTokens Encode fails instead, with an error wrapping
// errs.ErrNoKnownTokens. Text that is not valid UTF-8 is an error
// (errs.ErrInvalidInput).
//
// # Errors and contexts
//
// Errors wrap the sentinels of package github.com/ganada/ganada/errs: a
// vector file or folder that does not follow its format (its message names
// the file and the line, word or field) is errs.ErrCorrupt, a NaN or ±Inf
// component in it errs.ErrNonFinite as well, a compact-format version this
// reader does not know errs.ErrUnsupported, an option's bad value
// errs.ErrInvalidOption (naming the option and the value), and a bad
// argument errs.ErrInvalidInput.
//
// Every function that reads a file, a folder or a stream, or writes one
// (Load, LoadText, LoadWord2VecBinary, LoadCompact, LoadModel2Vec,
// ReadText, ReadWord2VecBinary, ReadCompact, WriteCompact, SaveCompact),
// takes a context first and returns its error once it is done, checked
// between lines, words or rows; those that work on memory only (New,
// ReadCompactBytes, Model.With, glove.Load, which parses bytes embedded
// in the binary) take none.
//
// A Model is immutable and safe for concurrent use. Model.With derives a
// model with other sentence settings that shares the vectors.
package static
