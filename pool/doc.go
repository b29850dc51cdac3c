// Package pool turns the token vectors a transformer produces for one text
// into one sentence vector, exactly as sentence-transformers' Pooling module
// does (sentence_transformers/models/Pooling.py, v3 and later).
//
// A Config names one or more pooling modes and whether prompt tokens take
// part; LoadConfig reads it from the 1_Pooling/config.json of a
// sentence-transformers model folder. Config.Pool writes the sentence
// vector of one text: the outputs of all configured modes, concatenated in
// sentence-transformers' order (CLS, Max, Mean, MeanSqrtLen, WeightedMean,
// LastToken), so Config.OutDim(hidden) is the number of modes times the
// hidden size.
//
// The modes, with the attention mask m (1 for a real token, 0 for padding
// and, when IncludePrompt is false, for the prompt's tokens):
//
//   - CLS: the first row, whatever the mask says.
//   - Mean: Σ mᵢhᵢ / max(Σ mᵢ, 1e-9).
//   - Max: the per-dimension maximum over rows, masked rows counting as -1e9.
//   - MeanSqrtLen: Σ mᵢhᵢ / sqrt(max(Σ mᵢ, 1e-9)).
//   - WeightedMean: Σ wᵢmᵢhᵢ / Σ wᵢmᵢ with position weights wᵢ = i+1 (SGPT).
//   - LastToken: the row of the last real token.
//
// Arithmetic is float32, as in sentence-transformers on the CPU. Pool
// reports an error, never panics, on inconsistent shapes and on input with
// no real token left.
//
// Errors wrap the sentinels of package errs: a Config or argument the
// caller gives that is unusable (an unknown Mode bit or name, no mode,
// sizes that do not fit together, no real token left once the mask and the
// prompt are applied) wraps errs.ErrInvalidInput (errs.ErrDimension for a
// hidden size that differs from the config's word_embedding_dimension); a
// config.json that does not parse, names an unknown mode or key, or
// enables no mode wraps errs.ErrCorrupt and names the file. With no real
// token left, sentence-transformers returns degenerate vectors instead:
// zeros for Mean, MeanSqrtLen, WeightedMean and LastToken (its divisor is
// clamped to 1e-9), and -1e9 in every dimension for Max; CLS alone takes
// the first row whatever the mask, there and here.
package pool
