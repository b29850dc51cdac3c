// This file checks that invalid options are rejected (at load time by
// FromBytes, through Err and every Encode method after With) and that
// truncation strides follow the Rust library: rejected by with_truncation
// when larger than the effective max length, and an encode error where the
// Rust Encoding::truncate panics.

package tokenizer

import (
	"context"
	"errors"
	"testing"
)

func TestInvalidOptions(t *testing.T) {
	bad := map[string]Option{
		"negative max length":         WithTruncation(-1),
		"negative params max length":  WithTruncationParams(Truncation{MaxLength: -5}),
		"negative stride":             WithTruncationParams(Truncation{MaxLength: 10, Stride: -1}),
		"unknown strategy":            WithTruncationParams(Truncation{MaxLength: 10, Strategy: 7}),
		"negative strategy":           WithTruncationParams(Truncation{MaxLength: 10, Strategy: -1}),
		"unknown truncation side":     WithTruncationParams(Truncation{MaxLength: 10, Direction: 2}),
		"unknown padding strategy":    WithPadding(Padding{Strategy: 5}),
		"unknown padding side":        WithPadding(Padding{Direction: -1}),
		"negative padding length":     WithPadding(Padding{Strategy: Fixed, Length: -1}),
		"negative pad multiple":       WithPadding(Padding{PadToMultipleOf: -8}),
		"negative pad id":             WithPadding(Padding{PadID: -1}),
		"negative pad type id":        WithPadding(Padding{PadTypeID: -2}),
		"stride above effective max":  WithTruncationParams(Truncation{MaxLength: 10, Stride: 9}),
		"stride above 0 effective":    WithTruncationParams(Truncation{MaxLength: 2, Stride: 1}),
		"stride after a valid option": nil, // filled below
	}
	bad["stride after a valid option"] = func(t *Tokenizer) {
		WithPadding(Padding{})(t)
		WithTruncationParams(Truncation{MaxLength: 3, Stride: 2})(t)
	}
	for name, opt := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := FromBytes([]byte(tinyWordPiece), opt); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("FromBytes: %v, want ErrInvalidOption", err)
			}
			base, err := FromBytes([]byte(tinyWordPiece))
			if err != nil {
				t.Fatal(err)
			}
			tok := base.With(WithoutPadding(), opt, WithoutTruncation())
			if !errors.Is(tok.Err(), ErrInvalidOption) {
				t.Errorf("Err() = %v, want ErrInvalidOption", tok.Err())
			}
			if _, err := tok.Encode("hello", true); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("Encode: %v", err)
			}
			if _, err := tok.EncodePair("hello", "world", true); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("EncodePair: %v", err)
			}
			if err := tok.EncodeInto(&Encoding{}, "hello", true); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("EncodeInto: %v", err)
			}
			if _, err := tok.EncodeBatchContext(context.Background(), []string{"hello"}, true); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("EncodeBatch: %v", err)
			}
			if base.Err() != nil {
				t.Errorf("With changed the original: %v", base.Err())
			}
		})
	}
}

// TestTruncationStride checks strides against the Rust library (through
// @anush008/tokenizers 0.6.0 on minilm, whose BertProcessing adds two
// tokens): setTruncation(max, {stride}) accepts or rejects as recorded,
// and encoding the text below gives the recorded length or, where the Rust
// Encoding::truncate panics ("stride must be strictly less than max_len"),
// fails with ErrEncode.
func TestTruncationStride(t *testing.T) {
	const text = "hello world this is a long text with many words in it"
	cases := []struct {
		max, stride int
		accepted    bool
		n           int // encoding length; 0 for the Rust panic
	}{
		{10, 7, true, 10},
		{10, 8, true, 0},
		{10, 9, false, 0},
		{1, 5, true, 14}, // max below the special tokens: untruncated
		{2, 0, true, 2},
		{2, 1, false, 0},
		{3, 1, true, 0},
		{3, 2, false, 0},
		{0, 0, true, 14},
		{0, 3, true, 14},
	}
	base := loadTestTokenizer(t, "minilm", WithoutPadding())
	for _, c := range cases {
		tok := base.With(WithTruncationParams(Truncation{MaxLength: c.max, Stride: c.stride}))
		if got := tok.Err() == nil; got != c.accepted {
			t.Errorf("max %d stride %d: accepted %v, want %v (%v)", c.max, c.stride, got, c.accepted, tok.Err())
			continue
		}
		if !c.accepted {
			continue
		}
		enc, err := tok.Encode(text, true)
		if c.n == 0 {
			if !errors.Is(err, ErrEncode) {
				t.Errorf("max %d stride %d: Encode = %v, want ErrEncode", c.max, c.stride, err)
			}
			continue
		}
		if err != nil || enc.Len() != c.n {
			t.Errorf("max %d stride %d: Encode = %v, %v; want %d tokens", c.max, c.stride, enc, err, c.n)
		}
	}
}
