// This file checks chunked encoding (chunked.go): on random texts, with
// random truncation, across the fixture tokenizers and the variants, it
// gives exactly the encoding of the whole text; and a 10 MB text truncated
// to 128 tokens reads little of it.

package tokenizer

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wholeText encodes every text whole (the reference for chunking).
func wholeText() Option { return func(c *config) error { c.whole = true; return nil } }

// smallChunks sets tiny chunk sizes, so that short texts are cut
// everywhere.
func smallChunks(lo, hi int) Option {
	return func(c *config) error { c.chunkSize = [2]int{lo, hi}; return nil }
}

// anySpace tries cuts at every space, not only between ordinary
// characters, so that the checks refuse many.
func anySpace() Option { return func(c *config) error { c.anyCut = true; return nil } }

// mustWith is t.With for tests: an invalid option fails the test.
func mustWith(tb testing.TB, t *Tokenizer, opts ...Option) *Tokenizer {
	tb.Helper()
	c, err := t.With(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// chunkTestTokenizers returns the fixture tokenizers and the variants,
// without their own truncation and padding.
func chunkTestTokenizers(t *testing.T) (names []string, toks []*Tokenizer) {
	for _, name := range tokenizerNames {
		names = append(names, name)
		toks = append(toks, loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding()))
	}
	data, err := os.ReadFile(filepath.Join("testdata", "variants", "variants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var specs []variantSpec
	if err := json.Unmarshal(data, &specs); err != nil {
		t.Fatal(err)
	}
	specs = append(specs, chunkVariants...)
	for _, v := range specs {
		tok, err := FromBytes(buildVariant(t, v), WithoutTruncation(), WithoutPadding())
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, v.Name)
		toks = append(toks, tok)
	}
	return names, toks
}

// chunkVariants are more tokenizers for the property, with components the
// fixtures and variants lack or that are admitted only under conditions:
// added tokens with every option next to cuts, Replace and NFKC before
// WhitespaceSplit, a T5-style Sequence, general Split regexes and literals.
var chunkVariants = []variantSpec{
	{Name: "chunk-added-options", Base: "minilm", ExtraAdded: []json.RawMessage{
		json.RawMessage(`{"id": 0, "content": "<x>", "single_word": true, "lstrip": true, "rstrip": true, "normalized": true, "special": false}`),
		json.RawMessage(`{"id": 0, "content": "ab", "single_word": false, "lstrip": false, "rstrip": true, "normalized": false, "special": false}`),
		json.RawMessage(`{"id": 0, "content": " zz", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}`),
		json.RawMessage(`{"id": 0, "content": "fox", "single_word": true, "lstrip": true, "rstrip": false, "normalized": true, "special": false}`),
		json.RawMessage(`{"id": 0, "content": "don", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": false}`),
	}},
	{Name: "chunk-replace-nfkc", Base: "minilm", Patch: map[string]json.RawMessage{
		"normalizer": json.RawMessage(`{"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
			{"type": "Replace", "pattern": {"String": "x"}, "content": " "}, {"type": "Replace", "pattern": {"String": "fox"}, "content": "f o x"}, {"type": "Lowercase"}]}`),
		"pre_tokenizer": json.RawMessage(`{"type": "WhitespaceSplit"}`)}},
	{Name: "chunk-t5", Base: "unigram-ko", Patch: map[string]json.RawMessage{
		"pre_tokenizer": json.RawMessage(`{"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}]}`)}},
	{Name: "chunk-split-regex", Base: "bpe-bytelevel", Patch: map[string]json.RawMessage{
		"normalizer":    json.RawMessage(`{"type": "NFC"}`),
		"pre_tokenizer": json.RawMessage(`{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]+|\\s+"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}`)}},
	{Name: "chunk-split-literal", Base: "bpe-bytelevel", Patch: map[string]json.RawMessage{
		"pre_tokenizer": json.RawMessage(`{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false}, {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": false}]}`)}},
	{Name: "chunk-gpt2-split", Base: "bpe-bytelevel", Patch: map[string]json.RawMessage{
		"pre_tokenizer": json.RawMessage(`{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": true}, {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}`)}},
}

// chunkAtoms are the pieces random texts are made of: words, spaces of
// all kinds, punctuation, digits, scripts, combining marks, Prepend and
// SpacingMark characters, controls, invalid UTF-8, the added tokens of the
// fixtures, and contractions.
var chunkAtoms = []string{
	"the", "Quick", "brown", "fox", "don't", "it's", "we'll", "x", "A", "ab", "zzzz", "123", "4",
	" ", " ", " ", " ", "  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028",
	".", ",", "!", "?", "-", "(", ")", "'", "\"", "'s", "'ll",
	"한국어", "텍스트", "를", "中文", "字", "café", "naïve", "İstanbul", "ΣΑΣ", "ﾊﾟ", "ﬁ", "①", "Ⅻ",
	"e\u0301", "\u0301", "\u0323", "\u0600", "\u0e33", "\u0e01", "\u200d", "\u200b", "👨\u200d👩", "🇰🇷",
	"\x01", "\x7f", "\xff", "\uFFFD", "▁", "Ġ", "\u1100\u1161", "\u11ab",
	"[CLS]", "[SEP]", "[MASK]", "<mask>", "<s>", "</s>", "<unk>", "<pad>", "<x>", "hello world", " zz", "fox", "don",
}

func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		a := chunkAtoms[rng.Intn(len(chunkAtoms))]
		if rng.Intn(3) > 0 { // mostly words between single spaces
			a = chunkAtoms[rng.Intn(13)] + " "
		}
		b.WriteString(a)
	}
	return b.String()
}

func sameEncoding(a, b *Encoding) bool {
	return fmt.Sprint(a.IDs, a.Tokens, a.Offsets, a.TypeIDs, a.AttentionMask, a.SpecialTokensMask, a.SequenceIDs()) ==
		fmt.Sprint(b.IDs, b.Tokens, b.Offsets, b.TypeIDs, b.AttentionMask, b.SpecialTokensMask, b.SequenceIDs())
}

// TestChunkedEqualsWhole is the property: chunked (and truncated early)
// encoding equals whole encoding, on random texts, truncations and pairs.
func TestChunkedEqualsWhole(t *testing.T) {
	names, toks := chunkTestTokenizers(t)
	for i, tok := range toks {
		if (i < len(tokenizerNames) || strings.HasPrefix(names[i], "chunk-")) && tok.chunks == nil {
			t.Errorf("%s: the fixture tokenizer is not encoded chunk by chunk", names[i])
		}
		if tok.chunks == nil {
			t.Logf("%s: encoded whole", names[i])
		}
	}
	seed, rounds := int64(1), 200
	if s := os.Getenv("TOKENIZER_CHUNK_SEED"); s != "" {
		// A longer run: TOKENIZER_CHUNK_SEED=n TOKENIZER_CHUNK_ROUNDS=m.
		fmt.Sscan(s, &seed)
		fmt.Sscan(os.Getenv("TOKENIZER_CHUNK_ROUNDS"), &rounds)
	}
	rng := rand.New(rand.NewSource(seed))
	if (testing.Short() || raceEnabled) && os.Getenv("TOKENIZER_CHUNK_SEED") == "" {
		rounds = 40
	}
	for r := 0; r < rounds; r++ {
		a := randomText(rng, rng.Intn(600))
		b := randomText(rng, rng.Intn(300))
		tr := Truncation{MaxLength: rng.Intn(50), Strategy: TruncationStrategy(rng.Intn(3)), Direction: Direction(rng.Intn(4) / 3)}
		pair, special := rng.Intn(3) == 0, rng.Intn(2) == 0
		lo := 1 + rng.Intn(16)
		for i, tok := range toks {
			opts := []Option{smallChunks(lo, lo+rng.Intn(64))}
			if r%2 == 1 {
				opts = append(opts, anySpace())
			}
			if rng.Intn(5) > 0 {
				opts = append(opts, WithTruncationParams(tr))
			}
			chunked, err := tok.With(opts...)
			if err != nil {
				continue // a stride the options reject
			}
			whole := mustWith(t, chunked, wholeText())
			var e1, e2 *Encoding
			var err1, err2 error
			if pair {
				e1, err1 = chunked.EncodePair(a, b, special)
				e2, err2 = whole.EncodePair(a, b, special)
			} else {
				e1, err1 = chunked.Encode(a, special)
				e2, err2 = whole.Encode(a, special)
			}
			if fmt.Sprint(err1) != fmt.Sprint(err2) {
				t.Fatalf("%s %q %q %+v: error %v, whole %v", names[i], a, b, chunked.trunc, err1, err2)
			}
			if err1 == nil && !sameEncoding(e1, e2) {
				k := 0
				for k < min(e1.Len(), e2.Len()) && e1.IDs[k] == e2.IDs[k] && e1.Offsets[k] == e2.Offsets[k] && e1.TypeIDs[k] == e2.TypeIDs[k] {
					k++
				}
				lo, hi1, hi2 := max(k-3, 0), min(k+3, e1.Len()), min(k+3, e2.Len())
				t.Fatalf("%s %q %q pair=%v special=%v %+v chunks %v any=%v: token %d of %d/%d:\nchunked %v %q %v\nwhole   %v %q %v",
					names[i], a, b, pair, special, chunked.trunc, chunked.chunkSize, chunked.anyCut, k, e1.Len(), e2.Len(),
					e1.IDs[lo:hi1], e1.Tokens[lo:hi1], e1.Offsets[lo:hi1], e2.IDs[lo:hi2], e2.Tokens[lo:hi2], e2.Offsets[lo:hi2])
			}
		}
	}
}

// TestChunkedModelFixtures runs the property on the tokenizers of the
// shared model fixtures (BERT, XLM-R, BGE-M3, MPNet, ModernBERT, Qwen3),
// when this checkout has them next to it (it is skipped on a bare clone).
func TestChunkedModelFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "fixtures", "models", "*", "tokenizer.json"))
	if len(paths) == 0 {
		t.Skip("no shared model fixtures")
	}
	rng := rand.New(rand.NewSource(4))
	for _, p := range paths {
		tok, err := FromFile(p, WithoutTruncation(), WithoutPadding())
		if err != nil {
			t.Fatal(err)
		}
		if tok.chunks == nil {
			t.Errorf("%s: encoded whole", p)
		}
		for r := 0; r < 60; r++ {
			a, b := randomText(rng, rng.Intn(500)), randomText(rng, rng.Intn(200))
			opts := []Option{smallChunks(1+rng.Intn(8), 8+rng.Intn(40))}
			if r%2 == 1 {
				opts = append(opts, anySpace())
			}
			if r%3 > 0 {
				opts = append(opts, WithTruncationParams(Truncation{MaxLength: rng.Intn(40), Strategy: TruncationStrategy(rng.Intn(3))}))
			}
			c, err := tok.With(opts...)
			if err != nil {
				continue
			}
			w := mustWith(t, c, wholeText())
			e1, err1 := c.EncodePair(a, b, r%4 > 0)
			e2, err2 := w.EncodePair(a, b, r%4 > 0)
			if fmt.Sprint(err1) != fmt.Sprint(err2) || (err1 == nil && !sameEncoding(e1, e2)) {
				t.Fatalf("%s %q %q: chunked %v %v, whole %v %v", p, a, b, e1, err1, e2, err2)
			}
			e1, err1 = c.Encode(a, true)
			e2, err2 = w.Encode(a, true)
			if fmt.Sprint(err1) != fmt.Sprint(err2) || (err1 == nil && !sameEncoding(e1, e2)) {
				t.Fatalf("%s %q: chunked %v %v, whole %v %v", p, a, e1, err1, e2, err2)
			}
		}
	}
}

// TestChunkedBigText: a 10 MB text truncated to 128 tokens cost 0.9-4 GB
// of allocations and seconds, reading all of it; it now stops after the
// first chunks. Without truncation, a 256 KB text encodes chunk by chunk
// with the default sizes to the same result as whole, in a fraction of the
// memory.
func TestChunkedBigText(t *testing.T) {
	var b strings.Builder
	rng := rand.New(rand.NewSource(2))
	for b.Len() < 10<<20 {
		b.WriteString(chunkAtoms[rng.Intn(13)])
		b.WriteString([]string{" ", " ", " ", ", ", ". ", "\n"}[rng.Intn(6)])
	}
	big := b.String()
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(t, name, WithTruncation(128), WithoutPadding())
		var enc *Encoding
		var err error
		start := time.Now()
		n := allocDuring(func() { enc, err = tok.Encode(big, true) })
		if err != nil {
			t.Fatal(err)
		}
		if n > 50<<20 {
			t.Errorf("%s: encoding 10 MB truncated to 128 tokens allocated %d MB", name, n>>20)
		}
		t.Logf("%s: 10 MB truncated to 128: %d KB allocated, %v", name, n>>10, time.Since(start))
		// The same as the whole encoding of a prefix far longer than what
		// 128 tokens need.
		cut := strings.LastIndexByte(big[:64<<10], ' ')
		want, err := mustWith(t, tok, wholeText()).Encode(big[:cut], true)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEncoding(enc, want) {
			t.Errorf("%s: truncated encoding differs from the whole one", name)
		}
		if testing.Short() {
			continue
		}
		// Full encoding of 256 KB: the default chunks give the whole
		// encoding.
		plain := loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding())
		text := big[:strings.LastIndexByte(big[:256<<10], ' ')+1+rng.Intn(10)]
		var e1, e2 *Encoding
		n1 := allocDuring(func() { e1, err = plain.Encode(text, true) })
		if err != nil {
			t.Fatal(err)
		}
		n2 := allocDuring(func() { e2, err = mustWith(t, plain, wholeText()).Encode(text, true) })
		if err != nil {
			t.Fatal(err)
		}
		if !sameEncoding(e1, e2) {
			t.Errorf("%s: chunked full encoding of 256 KB differs from the whole one", name)
		}
		t.Logf("%s: 256 KB, %d tokens: chunked %d KB, whole %d KB allocated", name, e1.Len(), n1>>10, n2>>10)
	}
}
