// This file holds the fuzz targets: Encode, EncodePair and EncodeBatch never
// panic and keep their invariants on any input, with and without truncation
// and padding, chunk by chunk as whole, and FromBytes never panics on any
// file.

package tokenizer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ganada/ganada/errs"
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

// checkEncoding asserts the invariants of an encoding of a (and b for a
// pair): equal slice lengths, ids in the vocabulary, offsets within the
// text on character boundaries with starts and ends that never go back,
// and [0, 0] offsets, sequence id -1 and special mask 1 on added tokens.
func checkEncoding(t *testing.T, tok *Tokenizer, enc *Encoding, a, b string) {
	t.Helper()
	n := len(enc.IDs)
	if len(enc.Tokens) != n || len(enc.Offsets) != n || len(enc.TypeIDs) != n ||
		len(enc.AttentionMask) != n || len(enc.SpecialTokensMask) != n || len(enc.SequenceIDs()) != n {
		t.Fatalf("%q: slices of different lengths", a)
	}
	maxID := tok.MaxID()
	last := [2][2]int{{-1, -1}, {-1, -1}}
	for i, id := range enc.IDs {
		if id < 0 || id > maxID {
			t.Fatalf("%q: id %d outside the vocabulary (max %d)", a, id, maxID)
		}
		o := enc.Offsets[i]
		sq := enc.SequenceIDs()[i]
		if sq < 0 { // added by the post-processor, or padding
			if o != [2]int{} || enc.SpecialTokensMask[i] != 1 {
				t.Fatalf("%q: added token %d %q has offsets %v, special mask %d", a, i, enc.Tokens[i], o, enc.SpecialTokensMask[i])
			}
			continue
		}
		if sq > 1 || enc.AttentionMask[i] != 1 {
			t.Fatalf("%q: token %d has sequence id %d, attention %d", a, i, sq, enc.AttentionMask[i])
		}
		text := a
		if sq == 1 {
			text = b
		}
		if o[0] < 0 || o[0] > o[1] || o[1] > len(text) {
			t.Fatalf("%q: token %d %q offsets %v outside [0, %d]", text, i, enc.Tokens[i], o, len(text))
		}
		if !charBoundary(text, o[0]) || !charBoundary(text, o[1]) {
			t.Fatalf("%q: token %d %q offsets %v split a character", text, i, enc.Tokens[i], o)
		}
		if p := last[sq]; p[0] > o[0] || p[1] > o[1] {
			t.Fatalf("%q: token %d %q has offsets %v, before the previous token's %v", text, i, enc.Tokens[i], o, p)
		}
		last[sq] = o
	}
}

// charBoundary reports whether i starts a character of s as Encode reads
// it (each invalid byte on its own), or is len(s).
func charBoundary(s string, i int) bool {
	if i == len(s) {
		return true
	}
	for k := range s {
		if k >= i {
			return k == i
		}
	}
	return false
}

// pieceIDs returns the ids of the tokens of sequence sq.
func pieceIDs(enc *Encoding, sq int) []int {
	var ids []int
	for i, s := range enc.SequenceIDs() {
		if s == sq {
			ids = append(ids, enc.IDs[i])
		}
	}
	return ids
}

func FuzzEncode(f *testing.F) {
	for i, s := range []string{"", " ", "Hello, world!", "한국어 텍스트", "e\u0301\u0323", "\xff\xfe\x00",
		"[CLS] <mask> <s>", "ﾊﾟ \u1112\u1161\u11ab", "👨\u200d👩\u200d👧 1️⃣", "\r\n\t\u3000", "İstanbul ΣΑΣ",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		f.Add(s, "pair of words", true, uint8(3+2*i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, a, b string, special bool, maxLen, mode uint8) {
		// mode picks the truncation strategy and direction, the padding
		// strategy and direction, and a pad multiple.
		tr := Truncation{
			MaxLength: int(maxLen % 40),
			Strategy:  TruncationStrategy(mode % 3),
			Direction: Direction(mode >> 2 & 1),
		}
		pad := Padding{Direction: Direction(mode >> 3 & 1), PadID: 1, PadTypeID: 2, PadToken: "<fuzz-pad>"}
		if mode&16 != 0 {
			pad.Strategy, pad.Length = Fixed, int(maxLen%50)
		}
		if mode&32 != 0 {
			pad.PadToMultipleOf = 4
		}
		for _, tok := range fuzzTokenizers(t) {
			// Without truncation or padding.
			plain := [2]*Encoding{}
			for k, pair := range []bool{false, true} {
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
				checkEncoding(t, tok, enc, a, b)
				plain[k] = enc
			}
			// Chunk by chunk (tiny chunks, cuts tried at every space or
			// only between ordinary characters), with and without the
			// truncation: the same as whole.
			chunks := []Option{smallChunks(1+int(mode%7), 1+int(mode%7)+int(maxLen%32))}
			if mode&64 != 0 {
				chunks = append(chunks, anySpace())
			}
			truncated, err := tok.With(WithTruncationParams(tr))
			for _, base := range []*Tokenizer{tok, truncated} {
				if base == nil {
					if !errors.Is(err, errs.ErrInvalidOption) {
						t.Fatalf("With: %v", err)
					}
					continue
				}
				tc, tw := mustWith(t, base, chunks...), mustWith(t, base, wholeText())
				for _, pair := range []bool{false, true} {
					var e1, e2 *Encoding
					var err1, err2 error
					if pair {
						e1, err1 = tc.EncodePair(a, b, special)
						e2, err2 = tw.EncodePair(a, b, special)
					} else {
						e1, err1 = tc.Encode(a, special)
						e2, err2 = tw.Encode(a, special)
					}
					if fmt.Sprint(err1) != fmt.Sprint(err2) || (err1 == nil && !sameEncoding(e1, e2)) {
						t.Fatalf("%q %q pair=%v %+v: chunked %v %v, whole %v %v", a, b, pair, base.trunc, e1, err1, e2, err2)
					}
				}
			}
			// Truncated: at most MaxLength tokens (unless the special
			// tokens alone are more), each text keeping a prefix (right
			// truncation) or suffix (left) of its tokens.
			tt := mustWith(t, tok, WithTruncationParams(tr))
			for k, pair := range []bool{false, true} {
				var enc *Encoding
				var err error
				if pair {
					enc, err = tt.EncodePair(a, b, special)
				} else {
					enc, err = tt.Encode(a, special)
				}
				if err != nil {
					if tr.Strategy != LongestFirst && errors.Is(err, errs.ErrInvalidInput) {
						continue // a text too short or missing for OnlyFirst/OnlySecond
					}
					t.Fatalf("%q %q %+v: %v", a, b, tr, err)
				}
				checkEncoding(t, tt, enc, a, b)
				added := len(plain[k].IDs) - len(pieceIDs(plain[k], 0)) - len(pieceIDs(plain[k], 1))
				if enc.Len() > tr.MaxLength && (added <= tr.MaxLength || !special) {
					t.Fatalf("%q %q %+v: %d tokens", a, b, tr, enc.Len())
				}
				for sq := 0; sq < 2; sq++ {
					full, cut := pieceIDs(plain[k], sq), pieceIDs(enc, sq)
					if len(cut) > len(full) {
						t.Fatalf("%q %q %+v: truncation added tokens", a, b, tr)
					}
					keep := full[:len(cut)]
					if tr.Direction == Left {
						keep = full[len(full)-len(cut):]
					}
					if !equalInts(cut, keep) {
						t.Fatalf("%q %q %+v: text %d keeps %v of %v", a, b, tr, sq, cut, full)
					}
				}
			}
			// A padded batch: each encoding is the plain one plus padding on
			// its side, up to the longest (BatchLongest) or the fixed length
			// (Fixed, which leaves longer encodings as they are), rounded up
			// to the multiple.
			tp := mustWith(t, tok, WithPadding(pad))
			texts := []string{a, b, a + " " + b}
			encs, err := tp.EncodeBatch(context.Background(), texts, special)
			if err != nil {
				t.Fatalf("%q %q: batch: %v", a, b, err)
			}
			ones := make([]*Encoding, len(texts))
			target := pad.Length
			for i, text := range texts {
				if ones[i], err = tok.Encode(text, special); err != nil {
					t.Fatal(err)
				}
				if pad.Strategy == BatchLongest {
					target = max(target, ones[i].Len())
				}
			}
			if m := pad.PadToMultipleOf; m > 0 && target%m != 0 {
				target += m - target%m
			}
			for i, text := range texts {
				one, e := ones[i], encs[i]
				if e.Len() != max(target, one.Len()) {
					t.Fatalf("%q %+v: padded to %d tokens from %d, want %d", text, pad, e.Len(), one.Len(), max(target, one.Len()))
				}
				checkEncoding(t, tok, e, text, "")
				body := 0
				if pad.Direction == Left {
					body = e.Len() - one.Len()
				}
				for j := 0; j < e.Len(); j++ {
					if j >= body && j < body+one.Len() {
						q := j - body
						if e.IDs[j] != one.IDs[q] || e.Offsets[j] != one.Offsets[q] || e.TypeIDs[j] != one.TypeIDs[q] ||
							e.AttentionMask[j] != 1 || e.SequenceIDs()[j] != one.SequenceIDs()[q] {
							t.Fatalf("%q: batch token %d differs from the unpadded encoding", text, j)
						}
						continue
					}
					if e.IDs[j] != pad.PadID || e.Tokens[j] != pad.PadToken || e.TypeIDs[j] != pad.PadTypeID ||
						e.AttentionMask[j] != 0 || e.SpecialTokensMask[j] != 1 || e.Offsets[j] != [2]int{} || e.SequenceIDs()[j] != -1 {
						t.Fatalf("%q: pad position %d is not padding", text, j)
					}
				}
			}
		}
	})
}

// hostileSeeds are tokenizer.json files from the "Reliability" trial and
// this package's own hostile inputs: huge and sparse ids, huge lengths,
// deep nesting, and components around chunk cuts.
var hostileSeeds = []string{
	`{"model":{"type":"WordLevel","vocab":{"a":268435456,"b":0},"unk_token":"b"},"pre_tokenizer":{"type":"Whitespace"}}`,
	`{"model":{"type":"BPE","vocab":{"a":7,"b":100000,"ab":5000000},"merges":["a b"]},"added_tokens":[{"id":0,"content":"<n>","special":true}]}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"padding":{"strategy":{"Fixed":4611686018427387904},"direction":"Right","pad_id":0,"pad_type_id":0,"pad_token":"a"}}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"padding":{"strategy":"BatchLongest","direction":"Left","pad_to_multiple_of":9223372036854775807,"pad_id":0,"pad_type_id":0,"pad_token":"a"}}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"truncation":{"max_length":1099511627776,"strategy":"LongestFirst","stride":0,"direction":"Right"}}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"normalizer":` + strings.Repeat(`{"type":"Sequence","normalizers":[`, 70) + `{"type":"Lowercase"}` + strings.Repeat(`]}`, 70) + `}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"pre_tokenizer":` + strings.Repeat(`{"type":"Sequence","pretokenizers":[`, 40) + `{"type":"Whitespace"}` + strings.Repeat(`]}`, 40) + `}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"post_processor":{"type":"BertProcessing","sep":["[SEP]",-3],"cls":["[CLS]",2]}}`,
	`{"model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",-1e308],["a",-1e308],["b",1e-400],["ab",-1e400]]},"pre_tokenizer":{"type":"Metaspace"}}`,
	`{"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":4611686018427387904,"vocab":{}},"pre_tokenizer":{"type":"BertPreTokenizer"}}`,
	`{"model":{"type":"WordLevel","vocab":{"a":0,"b":0,"c":0},"unk_token":"zz"},"pre_tokenizer":{"type":"WhitespaceSplit"},"decoder":{"type":"Strip","content":" ","start":9223372036854775807,"stop":9223372036854775807}}`,
	`{"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{"[UNK]":0,"a":1,"##b":2,"x":3}},
	  "normalizer":{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "},{"type":"Lowercase"}]},
	  "pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\w+|[^\\w\\s]+|\\s+"},"behavior":"Isolated","invert":false},{"type":"Digits","individual_digits":true}]},
	  "added_tokens":[{"id":9,"content":"<x>","single_word":true,"lstrip":true,"rstrip":true,"normalized":true,"special":false},{"id":10,"content":" ab","lstrip":false,"rstrip":true,"normalized":false,"special":true}]}`,
	`{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"\u0120":3},"merges":[["a","b"]],"byte_fallback":true},"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":true,"use_regex":true},"post_processor":{"type":"ByteLevel","trim_offsets":true}}`,
}

func FuzzFromBytes(f *testing.F) {
	f.Add([]byte(tinyWordPiece))
	f.Add([]byte(`{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}`))
	f.Add([]byte(`{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["a", -1.5]]}, "pre_tokenizer": {"type": "Metaspace"}}`))
	f.Add([]byte(`{"model": {"vocab": {"a": 0}, "unk_token": "a", "continuing_subword_prefix": "##"}, "normalizer": {"type": "Precompiled", "precompiled_charsmap": "AAAA"}}`))
	f.Add([]byte(`{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}, "post_processor": {"type": "TemplateProcessing", "single": "$A", "pair": "$A $B:1", "special_tokens": {}}}`))
	for _, s := range hostileSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := FromBytes(data)
		if err != nil {
			return
		}
		// A file that loads must encode without panicking.
		_, _ = tok.Encode("Hello world, 안녕 ab", true)
		_, _ = tok.EncodePair("a", "b", true)
		_, _ = tok.Decode([]int{0, 1, 2}, true)
		if _, err := tok.EncodeBatch(context.Background(), []string{"a b", "", "ab ab ab"}, true); err != nil && !errors.Is(err, errs.ErrInvalidInput) {
			t.Fatalf("EncodeBatch: %v", err)
		}
		// Chunk by chunk as whole, for any configuration that loads, on a
		// text made of the file's own bytes and spaces.
		text := "Hello world,  x ab <x> " + string(data[:min(len(data), 300)]) + " a b ab  a\tb " + string(data[len(data)-min(len(data), 100):])
		for _, base := range []*Tokenizer{mustWith(t, tok, WithoutTruncation(), WithoutPadding()), mustWith(t, tok, WithTruncation(6), WithoutPadding())} {
			whole := mustWith(t, base, wholeText())
			for _, c := range []*Tokenizer{mustWith(t, base, smallChunks(2, 16)), mustWith(t, base, smallChunks(1, 8), anySpace())} {
				e1, err1 := c.Encode(text, true)
				e2, err2 := whole.Encode(text, true)
				if fmt.Sprint(err1) != fmt.Sprint(err2) || (err1 == nil && !sameEncoding(e1, e2)) {
					t.Fatalf("%q: chunked %v %v, whole %v %v", text, e1, err1, e2, err2)
				}
			}
		}
	})
}
