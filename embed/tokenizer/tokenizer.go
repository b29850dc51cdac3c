// This file holds the Tokenizer type: loading, options, and the encode
// pipeline (added tokens, normalization, pre-tokenization, model,
// truncation, post-processing, padding).

package tokenizer

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/ganada/ganada/errs"
)

// Tokenizer encodes text like the Hugging Face tokenizer.json it was loaded
// from. It is immutable after loading and safe for concurrent use.
type Tokenizer struct {
	norm  normalizer
	pre   preTokenizer
	model model
	post  postProcessor
	dec   decoder
	added *addedVocab
	// chunks says how long texts are encoded chunk by chunk (chunked.go);
	// nil when they cannot be. config's whole disables it, chunkSize
	// replaces the chunk sizes and anyCut tries a cut at every space (for
	// tests).
	chunks *chunkPlan
	config
}

// config is what the options set: the truncation and padding in force
// (nil: none), and, for tests, how long texts are chunked. nSpecial, the
// number of special tokens the post-processor adds to a single text, is
// what WithTruncationParams checks a stride against; options do not change
// it.
type config struct {
	trunc     *Truncation
	pad       *Padding
	whole     bool
	chunkSize [2]int
	anyCut    bool
	nSpecial  int
}

// Option changes how FromFile, FromBytes, FromReader and With set up a
// Tokenizer. An invalid option (a negative length or one above
// MaxSequenceLength, an unknown strategy or direction, a stride the Rust
// library rejects) makes them fail with an error wrapping
// errs.ErrInvalidOption that names the option and its value.
type Option func(*config) error

// optionErr returns the error of option name given value v.
func optionErr(name string, v any, format string, args ...any) error {
	return fmt.Errorf("tokenizer: %s(%+v): %s: %w", name, v, fmt.Sprintf(format, args...), errs.ErrInvalidOption)
}

// WithoutTruncation disables the truncation configured in tokenizer.json.
func WithoutTruncation() Option { return func(c *config) error { c.trunc = nil; return nil } }

// WithoutPadding disables the padding configured in tokenizer.json.
func WithoutPadding() Option { return func(c *config) error { c.pad = nil; return nil } }

// WithTruncation truncates encodings to maxLen tokens, special tokens
// included, with the library defaults (LongestFirst, from the right). As in
// the Rust library, a maxLen smaller than the number of special tokens the
// post-processor adds leaves encodings with special tokens untruncated. A
// negative maxLen, or one above MaxSequenceLength, is an error.
func WithTruncation(maxLen int) Option {
	return func(c *config) error {
		if maxLen < 0 || maxLen > MaxSequenceLength {
			return optionErr("WithTruncation", maxLen, "outside [0, %d] (MaxSequenceLength)", MaxSequenceLength)
		}
		c.trunc = &Truncation{MaxLength: maxLen, Strategy: LongestFirst, Direction: Right}
		return nil
	}
}

// WithTruncationParams sets every truncation parameter. As the Rust
// library's with_truncation does, it rejects a Stride larger than MaxLength
// minus the special tokens the post-processor adds to a single text; it also
// rejects negative values, lengths above MaxSequenceLength and unknown
// strategies or directions.
func WithTruncationParams(tr Truncation) Option {
	return func(c *config) error {
		bad := func(format string, args ...any) error {
			return optionErr("WithTruncationParams", tr, format, args...)
		}
		switch {
		case tr.MaxLength < 0:
			return bad("truncation max length %d is negative", tr.MaxLength)
		case tr.Stride < 0:
			return bad("truncation stride %d is negative", tr.Stride)
		case tr.MaxLength > MaxSequenceLength:
			return bad("truncation max length %d is larger than %d (MaxSequenceLength)", tr.MaxLength, MaxSequenceLength)
		case tr.Stride > MaxSequenceLength:
			return bad("truncation stride %d is larger than %d (MaxSequenceLength)", tr.Stride, MaxSequenceLength)
		case tr.Strategy < LongestFirst || tr.Strategy > OnlySecond:
			return bad("unknown truncation strategy %d", tr.Strategy)
		case tr.Direction != Right && tr.Direction != Left:
			return bad("unknown truncation direction %d", tr.Direction)
		}
		n := c.nSpecial
		// The Rust subtraction wraps (no error) when MaxLength < n.
		if tr.MaxLength >= n && tr.Stride > tr.MaxLength-n {
			return bad("truncation stride %d is greater than the effective max length %d (max length %d - %d special tokens)",
				tr.Stride, tr.MaxLength-n, tr.MaxLength, n)
		}
		c.trunc = &tr
		return nil
	}
}

// WithPadding pads encodings as p says (EncodeBatch pads a batch together).
// The zero Padding is the Rust library's default: BatchLongest, on the
// right, with id 0 and, as an empty PadToken means, the token "[PAD]".
// Negative values, a length or multiple above MaxSequenceLength, ids above
// 2^32-1 (the Rust library's u32) and unknown strategies or directions are
// errors.
func WithPadding(p Padding) Option {
	return func(c *config) error {
		bad := func(format string, args ...any) error {
			return optionErr("WithPadding", p, format, args...)
		}
		switch {
		case p.Strategy != BatchLongest && p.Strategy != Fixed:
			return bad("unknown padding strategy %d", p.Strategy)
		case p.Direction != Right && p.Direction != Left:
			return bad("unknown padding direction %d", p.Direction)
		case p.Length < 0 || p.PadToMultipleOf < 0 || p.PadID < 0 || p.PadTypeID < 0:
			return bad("negative padding length, multiple, pad id or type id")
		case p.Length > MaxSequenceLength:
			return bad("padding length %d is larger than %d (MaxSequenceLength)", p.Length, MaxSequenceLength)
		case p.PadToMultipleOf > MaxSequenceLength:
			return bad("padding multiple %d is larger than %d (MaxSequenceLength)", p.PadToMultipleOf, MaxSequenceLength)
		case int64(p.PadID) > maxTokenID || int64(p.PadTypeID) > maxTokenID:
			return bad("padding id %d or type id %d is larger than %d", p.PadID, p.PadTypeID, int64(maxTokenID))
		}
		if p.PadToken == "" {
			p.PadToken = "[PAD]"
		}
		c.pad = &p
		return nil
	}
}

// FromFile loads a tokenizer.json file.
func FromFile(path string, opts ...Option) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return FromBytes(data, opts...)
}

// FromReader loads a tokenizer.json from r.
func FromReader(r io.Reader, opts ...Option) (*Tokenizer, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return FromBytes(data, opts...)
}

// FromBytes loads a tokenizer.json held in memory, then applies opts (nil
// options are skipped). Errors of the file wrap errs.ErrCorrupt or
// errs.ErrUnsupported inside a *FieldError naming the field; the first
// invalid option gives an error wrapping errs.ErrInvalidOption.
func FromBytes(data []byte, opts ...Option) (*Tokenizer, error) {
	t, err := parseConfig(data)
	if err != nil {
		return nil, err
	}
	if t.post != nil {
		t.nSpecial = t.post.added(false)
	}
	if err := t.config.apply(opts); err != nil {
		return nil, err
	}
	return t, nil
}

// apply applies opts in order, skipping nil ones, to a copy of c's
// settings, and keeps them only if every option succeeds.
func (c *config) apply(opts []Option) error {
	n := *c
	if c.trunc != nil {
		tr := *c.trunc
		n.trunc = &tr
	}
	if c.pad != nil {
		p := *c.pad
		n.pad = &p
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&n); err != nil {
			return err
		}
	}
	*c = n
	return nil
}

// With returns a copy of t with options applied (nil ones skipped); the
// copy shares the vocabulary and models with t, which is unchanged. The
// first invalid option gives an error wrapping errs.ErrInvalidOption and
// no Tokenizer.
func (t *Tokenizer) With(opts ...Option) (*Tokenizer, error) {
	c := *t
	if err := c.config.apply(opts); err != nil {
		return nil, err
	}
	return &c, nil
}

// Truncation returns the truncation in force, or nil.
func (t *Tokenizer) Truncation() *Truncation {
	if t.trunc == nil {
		return nil
	}
	c := *t.trunc
	return &c
}

// Padding returns the padding in force, or nil.
func (t *Tokenizer) Padding() *Padding {
	if t.pad == nil {
		return nil
	}
	c := *t.pad
	return &c
}

// VocabSize returns the number of distinct token strings, added tokens
// included (the Rust get_vocab_size(true)). Use MaxID()+1 to size an
// embedding table.
func (t *Tokenizer) VocabSize() int {
	ids := t.model.table().ids
	n := len(ids)
	for c := range t.added.byContent {
		if _, ok := ids[c]; !ok {
			n++
		}
	}
	return n
}

// MaxID returns the largest token id the tokenizer can produce.
func (t *Tokenizer) MaxID() int {
	m := t.model.maxID()
	for id := range t.added.byID {
		m = max(m, id)
	}
	return m
}

// TokenToID returns the id of a token string (added tokens first).
func (t *Tokenizer) TokenToID(tok string) (int, bool) {
	if id, ok := t.added.byContent[tok]; ok {
		return id, true
	}
	return t.model.tokenToID(tok)
}

// IDToToken returns the token string of an id (added tokens first).
func (t *Tokenizer) IDToToken(id int) (string, bool) {
	if a, ok := t.added.byID[id]; ok {
		return a.Content, true
	}
	return t.model.idToToken(id)
}

// AddedTokens returns the added tokens with their final ids.
func (t *Tokenizer) AddedTokens() []AddedToken {
	return append([]AddedToken(nil), t.added.list...)
}

// IsSpecial reports whether tok is a special added token.
func (t *Tokenizer) IsSpecial(tok string) bool { return t.added.special[tok] }

// Pad returns the padding token: the one configured in tokenizer.json's
// padding if any, else the first special token among [PAD], <pad>, <|pad|>.
func (t *Tokenizer) Pad() (id int, token string, ok bool) {
	if t.pad != nil {
		return t.pad.PadID, t.pad.PadToken, true
	}
	for _, c := range []string{"[PAD]", "<pad>", "<|pad|>", "[pad]"} {
		if id, ok := t.TokenToID(c); ok {
			return id, c, true
		}
	}
	return 0, "", false
}

// Encode tokenizes one text. addSpecialTokens adds the post-processor's
// special tokens ([CLS], [SEP], <s>, ...). The tokenizer's truncation and
// padding apply; with right truncation, a long text is read only as far as
// the tokens kept need (see the package documentation).
//
// Invalid UTF-8 is not an error: each invalid byte is read as U+FFFD (which
// normalizers may then remove), and offsets still index the original bytes.
func (t *Tokenizer) Encode(text string, addSpecialTokens bool) (*Encoding, error) {
	w := getWorkspace()
	defer putWorkspace(w)
	return t.encode(w, nil, text, nil, addSpecialTokens)
}

// EncodeInto is Encode writing into enc, reusing its slices when they are
// large enough: encoding many texts into one Encoding allocates nothing once
// it has grown (but for the strings of fused unknown Unigram pieces and of
// added tokens that include stripped spaces). The token strings are shared
// with the vocabulary, and enc's previous contents are overwritten.
func (t *Tokenizer) EncodeInto(enc *Encoding, text string, addSpecialTokens bool) error {
	if enc == nil {
		return errorf("EncodeInto needs a non-nil *Encoding")
	}
	w := getWorkspace()
	defer putWorkspace(w)
	_, err := t.encode(w, enc, text, nil, addSpecialTokens)
	return err
}

// EncodePair tokenizes a text pair; offsets of the second text's tokens
// index the second string.
func (t *Tokenizer) EncodePair(a, b string, addSpecialTokens bool) (*Encoding, error) {
	w := getWorkspace()
	defer putWorkspace(w)
	return t.encode(w, nil, a, &b, addSpecialTokens)
}

// EncodeBatch tokenizes texts in parallel and pads them together as the
// padding setting says. It stops early, returning ctx.Err(), when ctx is
// cancelled. (Encode, EncodePair and EncodeInto take no context: they do
// no I/O, and encode one text in time proportional to its length.)
func (t *Tokenizer) EncodeBatch(ctx context.Context, texts []string, addSpecialTokens bool) ([]*Encoding, error) {
	out := make([]*Encoding, len(texts))
	failed := make([]error, len(texts))
	workers := min(runtime.GOMAXPROCS(0), (len(texts)+batchChunk-1)/batchChunk)
	var mu sync.Mutex
	next := 0
	work := func() {
		w := getWorkspace()
		defer putWorkspace(w)
		for {
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			i := next
			next += batchChunk
			mu.Unlock()
			if i >= len(texts) {
				return
			}
			for j := i; j < min(i+batchChunk, len(texts)); j++ {
				out[j], failed[j] = t.encode(w, nil, texts[j], nil, addSpecialTokens)
			}
		}
	}
	if workers <= 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for k := 0; k < workers; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work()
			}()
		}
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range failed {
		if err != nil {
			return nil, err
		}
	}
	if t.pad != nil {
		padEncodings(out, t.pad)
	}
	return out, nil
}

// batchChunk is how many texts a batch worker takes at a time.
const batchChunk = 16

// encode runs the whole pipeline for one text or pair, into dst if not nil.
func (t *Tokenizer) encode(w *workspace, dst *Encoding, a string, b *string, addSpecial bool) (*Encoding, error) {
	w.ar.reset()
	w.pnext = 0
	// The truncation in force: maxLen tokens of text once the special
	// tokens are counted, unless they alone are more than MaxLength (the
	// Rust crate's unsigned subtraction wraps, and nothing is truncated).
	truncate, maxLen := t.trunc != nil, 0
	if truncate {
		n := 0
		if t.post != nil {
			n = t.post.added(b != nil)
		}
		maxLen = t.trunc.MaxLength
		if addSpecial && n > 0 {
			if maxLen < n {
				truncate = false
			} else {
				maxLen -= n
			}
		}
	}
	// With right truncation, MaxLength+1 tokens of each text decide the
	// result (chunked.go); the rest need not be read.
	limit := 0
	if truncate && t.trunc.Direction == Right {
		limit = maxLen + 1
	}
	sa := &w.seqs[0]
	sa.reset()
	capA, err := t.encodeSeq(w, a, sa, limit)
	if err != nil {
		return nil, err
	}
	var sb *seq
	if b != nil {
		sb = &w.seqs[1]
		sb.reset()
		capB, err := t.encodeSeq(w, *b, sb, limit)
		if err != nil {
			return nil, err
		}
		// LongestFirst gives the extra token of an odd length to the
		// longer text: when both are longer than maxLen, which one is
		// longer needs them whole.
		if (capA || capB) && t.trunc.Strategy == LongestFirst && maxLen%2 == 1 && sa.len() > maxLen && sb.len() > maxLen {
			sa.reset()
			sb.reset()
			if _, err := t.encodeSeq(w, a, sa, 0); err != nil {
				return nil, err
			}
			if _, err := t.encodeSeq(w, *b, sb, 0); err != nil {
				return nil, err
			}
		}
	}
	if truncate {
		if err := truncatePair(sa, sb, t.trunc, maxLen); err != nil {
			return nil, err
		}
	}
	parts := w.parts[:0]
	if t.post != nil {
		t.post.trim(sa, sb)
		parts = t.post.layout(parts, sa, sb, addSpecial)
	} else {
		parts = defaultLayout(parts, sa, sb)
	}
	w.parts = parts
	capacity := 0
	if t.pad != nil && t.pad.Strategy == Fixed {
		capacity = t.pad.Length
		if m := t.pad.PadToMultipleOf; m > 0 && capacity%m > 0 {
			capacity += m - capacity%m
		}
	}
	e := assemble(dst, parts, capacity)
	for i := range parts {
		parts[i] = part{}
	}
	if t.pad != nil {
		one := [1]*Encoding{e}
		padEncodings(one[:], t.pad)
	}
	return e, nil
}

// encodeSeq encodes one text into s (tokens and original byte offsets).
// With limit > 0 it may stop once s has limit tokens, and capped reports
// whether it did; long texts go chunk by chunk when the tokenizer allows.
func (t *Tokenizer) encodeSeq(w *workspace, text string, s *seq, limit int) (capped bool, err error) {
	if len(text) > maxTextLen {
		return false, errorf("text of %d bytes is longer than %d bytes", len(text), maxTextLen)
	}
	s.text = text
	if t.chunks != nil && !t.whole && len(text) > 2*t.firstChunk(limit) {
		return t.encodeChunked(w, text, s, limit)
	}
	return false, t.encodeWhole(w, text, s)
}

// encodeWhole runs the pipeline on the whole text at once.
func (t *Tokenizer) encodeWhole(w *workspace, text string, s *seq) error {
	n := w.input(text)
	pieces := w.newPieces()
	if len(t.added.raw.pats) > 0 {
		pieces = t.added.split(t.added.raw, &n, pieces)
	} else if len(n.s) > 0 {
		pieces = append(pieces, n)
	}
	if t.norm != nil || len(t.added.norm.pats) > 0 {
		normed := w.newPieces()
		for i := range pieces {
			p := &pieces[i]
			if p.tok >= 0 {
				normed = append(normed, *p)
				continue
			}
			if t.norm != nil {
				t.norm.normalize(w, p)
			}
			normed = t.added.split(t.added.norm, p, normed)
		}
		pieces = normed
	}
	if t.pre != nil {
		pieces = t.pre.preTokenize(w, pieces, w.newPieces())
	}
	return t.modelPieces(w, pieces, s)
}

// modelPieces runs the model on each pre-tokenized piece, appending the
// tokens and their original offsets to s.
func (t *Tokenizer) modelPieces(w *workspace, pieces []nstr, s *seq) error {
	for i := range pieces {
		p := &pieces[i]
		if p.tok >= 0 {
			s.ids = append(s.ids, p.tok)
			s.toks = append(s.toks, p.tv)
			s.offs = append(s.offs, convertOffsets(p, 0, len(p.s)))
			continue
		}
		toks, err := t.model.tokenize(w, p.s, w.toks[:0])
		w.toks = toks
		if err != nil {
			return err
		}
		for _, tk := range toks {
			s.ids = append(s.ids, tk.id)
			s.toks = append(s.toks, tk.val)
			s.offs = append(s.offs, convertOffsets(p, tk.a, tk.b))
		}
	}
	return nil
}

// maxTextLen bounds the input: alignments are stored as 32-bit offsets.
const maxTextLen = 1<<31 - 1

// convertOffsets maps a normalized byte range of piece p to the original
// input, as PreTokenizedString::into_encoding does.
func convertOffsets(p *nstr, a, b int) [2]int {
	if a == b {
		return [2]int{p.o0 + a, p.o0 + b}
	}
	if a > b || b > len(p.al) {
		return [2]int{a, b}
	}
	return [2]int{int(p.al[a].s), int(p.al[b-1].e)}
}

// Decode turns ids back into text with the tokenizer's decoder. Unknown ids
// are skipped; skipSpecialTokens also drops special added tokens.
func (t *Tokenizer) Decode(ids []int, skipSpecialTokens bool) (string, error) {
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		tok, ok := t.IDToToken(id)
		if !ok {
			continue
		}
		if skipSpecialTokens && t.added.special[tok] {
			continue
		}
		toks = append(toks, tok)
	}
	if t.dec == nil {
		return strings.Join(toks, " "), nil
	}
	return strings.Join(t.dec.decode(toks), ""), nil
}
