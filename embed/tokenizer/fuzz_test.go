// This file holds the fuzz targets: Encode never panics and keeps its
// invariants on any input, and FromBytes never panics on any file.

package tokenizer

import (
	"sync"
	"testing"
)

var (
	fuzzOnce sync.Once
	fuzzToks []*Tokenizer
)

func fuzzTokenizers(t testing.TB) []*Tokenizer {
	fuzzOnce.Do(func() {
		for _, name := range tokenizerNames {
			fuzzToks = append(fuzzToks, loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding()))
		}
	})
	return fuzzToks
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", " ", "Hello, world!", "한국어 텍스트", "e\u0301\u0323", "\xff\xfe\x00",
		"[CLS] <mask> <s>", "ﾊﾟ \u1112\u1161\u11ab", "👨\u200d👩\u200d👧 1️⃣", "\r\n\t\u3000", "İstanbul ΣΑΣ",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		f.Add(s, "pair", true)
	}
	f.Fuzz(func(t *testing.T, a, b string, special bool) {
		for _, tok := range fuzzTokenizers(t) {
			for _, pair := range []bool{false, true} {
				var enc *Encoding
				var err error
				if pair {
					enc, err = tok.EncodePair(a, b, special)
				} else {
					enc, err = tok.Encode(a, special)
				}
				if err != nil {
					t.Fatalf("%q %q: %v", a, b, err)
				}
				n := len(enc.IDs)
				if len(enc.Tokens) != n || len(enc.Offsets) != n || len(enc.TypeIDs) != n ||
					len(enc.AttentionMask) != n || len(enc.SpecialTokensMask) != n || len(enc.SequenceIDs()) != n {
					t.Fatalf("%q: slices of different lengths", a)
				}
				maxID := tok.MaxID()
				last := [2]int{-1, -1}
				for i, id := range enc.IDs {
					if id < 0 || id > maxID {
						t.Fatalf("%q: id %d outside the vocabulary (max %d)", a, id, maxID)
					}
					sq := enc.SequenceIDs()[i]
					if sq < 0 {
						continue
					}
					text := a
					if sq == 1 {
						text = b
					}
					o := enc.Offsets[i]
					if o[0] < 0 || o[0] > o[1] || o[1] > len(text) {
						t.Fatalf("%q: token %d %q offsets %v outside [0, %d]", text, i, enc.Tokens[i], o, len(text))
					}
					if last[sq] > o[0] {
						t.Fatalf("%q: token %d %q starts at %d, before the previous token's start %d", text, i, enc.Tokens[i], o[0], last[sq])
					}
					last[sq] = o[0]
				}
			}
		}
	})
}

func FuzzFromBytes(f *testing.F) {
	f.Add([]byte(tinyWordPiece))
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}`))
	f.Add([]byte(`{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["a", -1.5]]}, "pre_tokenizer": {"type": "Metaspace"}}`))
	f.Add([]byte(`{"model": {"vocab": {"a": 0}, "unk_token": "a", "continuing_subword_prefix": "##"}, "normalizer": {"type": "Precompiled", "precompiled_charsmap": "AAAA"}}`))
	f.Add([]byte(`{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}, "post_processor": {"type": "TemplateProcessing", "single": "$A", "pair": "$A $B:1", "special_tokens": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := FromBytes(data)
		if err != nil {
			return
		}
		// A file that loads must encode without panicking.
		_, _ = tok.Encode("Hello world, 안녕 ab", true)
		_, _ = tok.EncodePair("a", "b", true)
		_, _ = tok.Decode([]int{0, 1, 2}, true)
	})
}
