// This file splits a long text into overlapping windows of words or of
// model tokens, each window a byte range of the original text.

package main

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/ganada/ganada/embed/tokenizer"
)

// span is a half-open byte range [Start, End) of a text.
type span struct{ Start, End int }

// wordSpans returns the byte ranges of the whitespace-separated words of
// text.
func wordSpans(text string) []span {
	var out []span
	start := -1
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, span{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

// tokenSpans returns the byte ranges of the tokens tok splits text into,
// without special tokens and without truncation.
func tokenSpans(tok *tokenizer.Tokenizer, text string) ([]span, error) {
	plain, err := tok.With(tokenizer.WithoutTruncation(), tokenizer.WithoutPadding())
	if err != nil {
		return nil, err
	}
	enc, err := plain.Encode(text, false)
	if err != nil {
		return nil, err
	}
	out := make([]span, 0, enc.Len())
	for _, o := range enc.Offsets {
		if o[1] > o[0] {
			out = append(out, span{o[0], o[1]})
		}
	}
	return out, nil
}

// window is one chunk: the units [First, Last] of the split, and the text
// they cover.
type window struct {
	First, Last int // unit indexes, inclusive
	Text        string
}

// windows groups units into windows of size units that overlap by overlap
// units: each window starts size−overlap units after the previous one, and
// the last one ends at the last unit. Every unit is in at least one window.
func windows(text string, units []span, size, overlap int) ([]window, error) {
	if size <= 0 || overlap < 0 || overlap >= size {
		return nil, fmt.Errorf("window of %d units overlapping by %d: want 0 ≤ overlap < size", size, overlap)
	}
	var out []window
	for first := 0; first < len(units); first += size - overlap {
		last := min(first+size, len(units)) - 1
		t := text[units[first].Start:units[last].End]
		if !utf8.ValidString(t) {
			return nil, fmt.Errorf("window %d..%d does not fall on character boundaries", first, last)
		}
		out = append(out, window{First: first, Last: last, Text: t})
		if last == len(units)-1 {
			break
		}
	}
	return out, nil
}
