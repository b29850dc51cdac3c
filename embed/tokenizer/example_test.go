// This file holds runnable examples of the tokenizer API.

package tokenizer_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// A minimal BERT-style tokenizer.json; real files come from a Hugging Face
// model folder and are loaded with tokenizer.FromFile.
const bertJSON = `{
  "version": "1.0",
  "truncation": {"max_length": 8, "strategy": "LongestFirst", "direction": "Right", "stride": 0},
  "padding": {"strategy": {"Fixed": 8}, "direction": "Right", "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
  "added_tokens": [
    {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
  ],
  "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
    "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4, "world": 5, "!": 6, "play": 7, "##ing": 8, "cafe": 9}}
}`

func Example() {
	tok, err := tokenizer.FromBytes([]byte(bertJSON))
	if err != nil {
		panic(err)
	}
	enc, err := tok.Encode("Hello, Café world!", true)
	if err != nil {
		panic(err)
	}
	fmt.Println(enc.Tokens)
	fmt.Println(enc.IDs)
	fmt.Println(enc.AttentionMask)
	fmt.Println(enc.Offsets[1:5])
	// Output:
	// [[CLS] hello [UNK] cafe world ! [SEP] [PAD]]
	// [2 4 1 9 5 6 3 0]
	// [1 1 1 1 1 1 1 0]
	// [[0 5] [5 6] [7 12] [13 18]]
}

// Sentence-transformers models override the file's truncation and padding
// with their own maximum sequence length and no padding.
func ExampleTokenizer_With() {
	tok, err := tokenizer.FromBytes([]byte(bertJSON))
	if err != nil {
		panic(err)
	}
	st, err := tok.With(tokenizer.WithTruncation(4), tokenizer.WithoutPadding())
	if err != nil {
		panic(err)
	}
	enc, _ := st.Encode("hello playing world", true)
	fmt.Println(enc.Tokens)
	// Output:
	// [[CLS] hello play [SEP]]
}

func ExampleTokenizer_EncodeBatch() {
	tok, err := tokenizer.FromBytes([]byte(bertJSON), tokenizer.WithoutTruncation(),
		tokenizer.WithPadding(tokenizer.Padding{Strategy: tokenizer.BatchLongest, PadToken: "[PAD]"}))
	if err != nil {
		panic(err)
	}
	encs, _ := tok.EncodeBatch(context.Background(), []string{"hello", "hello playing world"}, true)
	for _, e := range encs {
		fmt.Println(e.Tokens, e.AttentionMask)
	}
	// Output:
	// [[CLS] hello [SEP] [PAD] [PAD] [PAD]] [1 1 1 0 0 0]
	// [[CLS] hello play ##ing world [SEP]] [1 1 1 1 1 1]
}

func ExampleTokenizer_Decode() {
	tok, _ := tokenizer.FromBytes([]byte(bertJSON))
	s, _ := tok.Decode([]int{2, 4, 7, 8, 5, 6, 3}, true)
	fmt.Println(s)
	// Output:
	// hello playing world!
}

// An invalid option is an error of With (or of FromBytes), naming the
// option and its value.
func ExampleTokenizer_With_invalid() {
	tok, err := tokenizer.FromBytes([]byte(bertJSON))
	if err != nil {
		panic(err)
	}
	// BertProcessing adds 2 tokens: a stride above 8-2 is rejected, as the
	// Rust library's with_truncation does.
	bad, err := tok.With(tokenizer.WithTruncationParams(tokenizer.Truncation{MaxLength: 8, Stride: 7}))
	fmt.Println(bad == nil, errors.Is(err, errs.ErrInvalidOption))
	fmt.Println(err)
	// Output:
	// true true
	// tokenizer: WithTruncationParams({MaxLength:8 Strategy:0 Direction:0 Stride:7}): truncation stride 7 is greater than the effective max length 6 (max length 8 - 2 special tokens): invalid option
}
