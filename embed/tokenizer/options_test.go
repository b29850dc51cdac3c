// This file checks that invalid options are rejected (at load time by
// FromBytes, through Err and every Encode method after With) and that
// truncation strides follow the Rust library: rejected by with_truncation
// when larger than the effective max length, and an encode error where the
// Rust Encoding::truncate panics.

package tokenizer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
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
	bad["stride after a valid option"] = func(c *config) error {
		if err := WithPadding(Padding{})(c); err != nil {
			return err
		}
		return WithTruncationParams(Truncation{MaxLength: 3, Stride: 2})(c)
	}
	for name, opt := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := FromBytes([]byte(tinyWordPiece), opt); !errors.Is(err, errs.ErrInvalidOption) {
				t.Errorf("FromBytes: %v, want errs.ErrInvalidOption", err)
			}
			base, err := FromBytes([]byte(tinyWordPiece))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := base.With(WithPadding(Padding{Strategy: Fixed, Length: 3}), opt, WithoutTruncation())
			if tok != nil || !errors.Is(err, errs.ErrInvalidOption) || !strings.HasPrefix(err.Error(), "tokenizer: With") || !strings.HasSuffix(err.Error(), ": invalid option") {
				t.Errorf("With = %v, %v; want errs.ErrInvalidOption naming the option", tok, err)
			}
			// The receiver keeps its settings: neither the options before
			// the bad one nor the bad one's half-applied ones reach it.
			if base.pad != nil || base.trunc != nil {
				t.Errorf("With changed the original: padding %+v, truncation %+v", base.pad, base.trunc)
			}
			if _, err := base.EncodeBatch(context.Background(), []string{"hello"}, true); err != nil {
				t.Errorf("the original after a failed With: %v", err)
			}
		})
	}
}

// TestTruncationStride checks strides against the Rust library (through
// @anush008/tokenizers 0.6.0 on minilm, whose BertProcessing adds two
// tokens): setTruncation(max, {stride}) accepts or rejects as recorded,
// and encoding the text below gives the recorded length or, where the Rust
// Encoding::truncate panics ("stride must be strictly less than max_len"),
// fails with errs.ErrInvalidInput.
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
		tok, err := base.With(WithTruncationParams(Truncation{MaxLength: c.max, Stride: c.stride}))
		if got := err == nil; got != c.accepted {
			t.Errorf("max %d stride %d: accepted %v, want %v (%v)", c.max, c.stride, got, c.accepted, err)
			continue
		}
		if !c.accepted {
			continue
		}
		enc, err := tok.Encode(text, true)
		if c.n == 0 {
			if !errors.Is(err, errs.ErrInvalidInput) {
				t.Errorf("max %d stride %d: Encode = %v, want errs.ErrInvalidInput", c.max, c.stride, err)
			}
			continue
		}
		if err != nil || enc.Len() != c.n {
			t.Errorf("max %d stride %d: Encode = %v, %v; want %d tokens", c.max, c.stride, enc, err, c.n)
		}
	}
}
