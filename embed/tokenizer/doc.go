// Package tokenizer loads Hugging Face tokenizer.json files and encodes text
// exactly as the Rust tokenizers library (crate version 0.22.2) does: the
// same ids, tokens, type ids, attention and special-token masks, and offsets
// (as byte offsets into the input string), in pure Go.
//
//	tok, err := tokenizer.FromFile("tokenizer.json")
//	enc, err := tok.Encode("Hello world!", true)
//	// enc.IDs, enc.Tokens, enc.Offsets, ...
//
// Encode allocates only its result (four allocations); EncodeInto reuses a
// caller's Encoding and allocates nothing once it has grown; EncodeBatch
// spreads a batch over GOMAXPROCS goroutines and stops when its context is
// cancelled.
//
// Long texts (over 128 KB, or with right truncation over 2 KB and 32 bytes
// per token kept) are encoded chunk by chunk, cut at spaces where the
// tokenizer's components provably cannot join anything across the cut
// (chunked.go argues it component by component; other configurations are
// encoded whole): the result is the same, a truncated encoding stops
// reading once it has the tokens it keeps, and a full one needs memory for
// its result and one chunk. This covers the common models (BERT
// WordPiece, XLM-R style Unigram with Precompiled and Metaspace, byte-level
// BPE with the GPT-2 or GPT-4-style split), but not texts without spaces
// between ordinary characters, such as Chinese.
//
// A *Tokenizer is immutable after loading and safe for concurrent use. The
// truncation and padding written in tokenizer.json apply by default, as in
// the Rust library; WithoutTruncation, WithoutPadding, WithTruncation and
// WithPadding change them at load time, and Tokenizer.With derives a
// tokenizer with other settings (for example sentence-transformers' maximum
// sequence length: tok.With(tokenizer.WithTruncation(256),
// tokenizer.WithoutPadding())). An invalid option value is an error
// wrapping errs.ErrInvalidOption, from the loading function or With.
//
// Supported components (dispatch on the JSON "type"):
//
//   - normalizers: BertNormalizer, Precompiled, NFC, NFD, NFKC, NFKD,
//     Lowercase, StripAccents, Replace (string and regex), Strip, Prepend,
//     Nmt, ByteLevel, Sequence;
//   - pre-tokenizers: BertPreTokenizer, Metaspace, Whitespace,
//     WhitespaceSplit, Punctuation, Digits, ByteLevel, Split,
//     CharDelimiterSplit, FixedLength, Sequence;
//   - models: WordPiece (also without "type", inferred from its keys),
//     Unigram, BPE, WordLevel;
//   - post-processors: TemplateProcessing, BertProcessing,
//     RobertaProcessing, ByteLevel, Sequence;
//   - decoders: WordPiece, Metaspace, ByteLevel, BPEDecoder, ByteFallback,
//     Fuse, Strip, Replace, CTC, Sequence;
//   - added tokens with single_word, lstrip, rstrip and normalized;
//   - truncation (LongestFirst, OnlyFirst, OnlySecond, both directions) and
//     padding (BatchLongest, Fixed, pad_to_multiple_of, both directions).
//
// Regular expressions in Split and Replace use Go's RE2 engine, with
// Oniguruma's meanings of \s, \d, \w and the general categories \p{..}
// (short or long names, in any case; \pL without braces is the text "pL");
// the GPT-2 pattern and the GPT-4-style patterns (cl100k, Llama 3, Qwen)
// that end in \s+(?!\S)|\s+ are handled by hand. Other lookaround or
// backreference patterns are errs.ErrUnsupported.
//
// Character classes follow the Rust library, including its dependencies'
// Unicode versions where they matter: BERT punctuation and accent stripping
// use the Unicode 8.0 category tables of the unicode_categories crate,
// StripAccents the Unicode 9.0 marks of unicode-normalization-alignments,
// Precompiled segments text into extended grapheme clusters (UAX #29) before
// its lookups, and normalization data comes from golang.org/x/text (with
// the Unicode 9.0 limits of the Rust crate). Go's unicode tables are
// Unicode 15.0.0; generated differences bring them to the newer data the
// Rust library runs on: Unicode 16.0.0 for Oniguruma (Split and Replace
// regexes, the GPT-2 split of ByteLevel) and the regex crate (Whitespace,
// single_word added tokens), and Unicode 17.0.0 for the Rust standard
// library (Lowercase and BertNormalizer lowercasing, Digits). Two
// differences remain: script classes such as \p{Han} in regexes use Go's
// Unicode 15.0.0 script tables, and grapheme clusters use Go's Unicode
// 15.0.0 properties (the Rust unicode-segmentation crate has 16.0.0).
//
// Not supported: the UnicodeScripts pre-tokenizer and BPE dropout. Other
// component types make loading fail with an error wrapping
// errs.ErrUnsupported; malformed files fail with errs.ErrCorrupt, both
// inside a *FieldError that names the field. A JSON syntax error, a truncated file or
// data after the top-level object also sets the FieldError's Line and Column
// (serde_json's positions), and names the field being read where it can;
// so does nesting deeper than serde_json's recursion limit (127 arrays and
// objects). Ids are bounded as the Rust library's u32 (vocabulary ids, kept
// as int32 here, up to 2^31-1; they may be sparse), and every truncation
// and padding length by MaxSequenceLength. Files the Rust library would
// load but that would cost this package far more than their size are
// errs.ErrUnsupported: WordPiece, Unigram and added tokens over 64 KB, and
// regexes over 64 KB (or 1 MB once their Unicode classes are written out).
//
// Invalid UTF-8 input is not an error: every invalid byte is read as U+FFFD
// before normalization (normalizers may then drop it), and offsets stay
// byte offsets into the original, unmodified string.
package tokenizer
