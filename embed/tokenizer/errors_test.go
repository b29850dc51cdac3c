// This file checks that malformed, truncated and unsupported tokenizer.json
// files fail with errors naming the field, and that invalid UTF-8 input is
// handled as documented.

package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ganada/ganada/errs"
)

const tinyWordPiece = `{
  "version": "1.0",
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

func TestConfigErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(tinyWordPiece, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(tinyWordPiece, old, new, 1)
	}
	cases := []struct {
		name, json, field string
		target            error
	}{
		{"not json", "{nope", "tokenizer.json", errs.ErrCorrupt},
		{"truncated", tinyWordPiece[:len(tinyWordPiece)/2], "normalizer", errs.ErrCorrupt},
		{"not an object", "[1,2]", "tokenizer.json", errs.ErrCorrupt},
		{"no model", `{"version": "1.0"}`, "model", errs.ErrCorrupt},
		{"bad version", replace(`"version": "1.0"`, `"version": "2.0"`), "version", errs.ErrCorrupt},
		{"unknown normalizer", replace(`"type": "BertNormalizer"`, `"type": "Fancy"`), "normalizer.type", errs.ErrUnsupported},
		{"unknown pre-tokenizer", replace(`"type": "BertPreTokenizer"`, `"type": "UnicodeScripts"`), "pre_tokenizer.type", errs.ErrUnsupported},
		{"unknown post-processor", replace(`"type": "BertProcessing"`, `"type": "Magic"`), "post_processor.type", errs.ErrUnsupported},
		{"unknown decoder", replace(`"type": "WordPiece", "prefix"`, `"type": "Telepathy", "prefix"`), "decoder.type", errs.ErrUnsupported},
		{"unknown model", replace(`"type": "WordPiece", "unk_token"`, `"type": "Neural", "unk_token"`), "model.type", errs.ErrUnsupported},
		{"vocab not a map", replace(`"vocab": {"[PAD]": 0,`, `"vocab": 12, "x": {"[PAD]": 0,`), "model.vocab", errs.ErrCorrupt},
		{"bad sep", replace(`"sep": ["[SEP]", 3]`, `"sep": "[SEP]"`), "post_processor.sep", errs.ErrCorrupt},
		{"bad bool", replace(`"lowercase": true`, `"lowercase": "yes"`), "normalizer.lowercase", errs.ErrCorrupt},
		{"bad added token", replace(`{"id": 0, "content": "[PAD]"`, `{"id": "zero", "content": "[PAD]"`), "added_tokens[0].id", errs.ErrCorrupt},
		{"lookahead regex", replace(`{"type": "BertPreTokenizer"}`, `{"type": "Split", "pattern": {"Regex": "a(?=b)"}, "behavior": "Isolated", "invert": false}`), "pre_tokenizer.pattern", errs.ErrUnsupported},
		{"bad behavior", replace(`{"type": "BertPreTokenizer"}`, `{"type": "Punctuation", "behavior": "Sideways"}`), "pre_tokenizer.behavior", errs.ErrUnsupported},
		{"bad truncation", replace(`"version": "1.0",`, `"version": "1.0", "truncation": {"max_length": -3, "strategy": "LongestFirst", "stride": 0},`), "truncation.max_length", errs.ErrCorrupt},
		{"bad padding", replace(`"version": "1.0",`, `"version": "1.0", "padding": {"strategy": {"Fixed": "x"}, "direction": "Right", "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},`), "padding.strategy", errs.ErrCorrupt},
		{"null unk token", replace(`"unk_token": "[UNK]"`, `"unk_token": null`), "model.unk_token", errs.ErrCorrupt},
		{"no unk token", replace(`"unk_token": "[UNK]", `, ``), "model.unk_token", errs.ErrCorrupt},
		{"null subword prefix", replace(`"continuing_subword_prefix": "##"`, `"continuing_subword_prefix": null`), "model.continuing_subword_prefix", errs.ErrCorrupt},
		{"numeric model type", replace(`"type": "WordPiece", "unk_token"`, `"type": 5, "unk_token"`), "model.type", errs.ErrCorrupt},
		{"numeric normalizer type", replace(`"type": "BertNormalizer"`, `"type": 5`), "normalizer.type", errs.ErrCorrupt},
		{"truncation without stride", replace(`"version": "1.0",`, `"version": "1.0", "truncation": {"max_length": 3, "strategy": "LongestFirst"},`), "truncation.stride", errs.ErrCorrupt},
		{"null truncation direction", replace(`"version": "1.0",`, `"version": "1.0", "truncation": {"max_length": 3, "strategy": "LongestFirst", "stride": 0, "direction": null},`), "truncation.direction", errs.ErrCorrupt},
		{"null pad token", replace(`"version": "1.0",`, `"version": "1.0", "padding": {"strategy": "BatchLongest", "direction": "Right", "pad_id": 0, "pad_type_id": 0, "pad_token": null},`), "padding.pad_token", errs.ErrCorrupt},
		{"template without special", replace(`{"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}`,
			`{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}}`),
			"post_processor.single[0]", errs.ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := FromBytes([]byte(c.json))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.target) {
				t.Errorf("error %v does not wrap %v", err, c.target)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			if fe.Field != c.field {
				t.Errorf("field %q, want %q (%v)", fe.Field, c.field, err)
			}
		})
	}
}

func TestUnsupportedNamesType(t *testing.T) {
	_, err := FromBytes([]byte(strings.Replace(tinyWordPiece, `"type": "BertNormalizer"`, `"type": "Fancy"`, 1)))
	if err == nil || !strings.Contains(err.Error(), `"Fancy"`) {
		t.Fatalf("error %v does not name the type", err)
	}
	_, err = FromBytes([]byte(strings.Replace(tinyWordPiece, `"type": "BertNormalizer"`, `"type": [57]`, 1)))
	if err == nil || !strings.Contains(err.Error(), `[57]`) || strings.Contains(err.Error(), "missing") {
		t.Fatalf("error %v does not name the bad type value", err)
	}
}

func TestFixturesLoadFromFile(t *testing.T) {
	names := tokenizerNames
	if raceEnabled {
		names = names[:1] // loading is slow under the race detector
	}
	for _, name := range names {
		path := filepath.Join("..", "..", "..", "shared", "fixtures", "tokenizers", name, "tokenizer.json")
		tok, err := FromFile(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				t.Skipf("shared fixture %s absent", path)
			}
			t.Fatalf("%s: %v", name, err)
		}
		if tok.VocabSize() < 8000 {
			t.Errorf("%s: vocab size %d", name, tok.VocabSize())
		}
	}
	if _, err := FromFile(filepath.Join("testdata", "does-not-exist.json")); err == nil {
		t.Error("FromFile of a missing file: no error")
	}
}

// TestInvalidUTF8 checks the documented behaviour: invalid bytes read as
// U+FFFD, offsets still index the original bytes.
func TestInvalidUTF8(t *testing.T) {
	inputs := []string{"caf\xe9 au lait", "\xff\xfe", "ok \xe2\x82 broken", "a\x80b\xc0\xafc", "\xf0\x9f\x98"}
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding())
		for _, in := range inputs {
			enc, err := tok.Encode(in, true)
			if err != nil {
				t.Fatalf("%s %q: %v", name, in, err)
			}
			checkOffsets(t, name, in, enc)
			// Same ids as the text with each invalid byte replaced by U+FFFD.
			var b strings.Builder
			for i := 0; i < len(in); {
				r, sz := utf8.DecodeRuneInString(in[i:])
				if r == utf8.RuneError && sz == 1 {
					b.WriteString("\uFFFD")
				} else {
					b.WriteString(in[i : i+sz])
				}
				i += sz
			}
			ref, err := tok.Encode(b.String(), true)
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(enc.IDs, ref.IDs) {
				t.Errorf("%s %q: ids %v, want those of %q: %v", name, in, enc.IDs, b.String(), ref.IDs)
			}
			again, _ := tok.Encode(in, true)
			if !equalInts(enc.IDs, again.IDs) {
				t.Errorf("%s %q: not deterministic", name, in)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkOffsets asserts offsets are within the text and lie on the byte
// boundaries the encoding promises.
func checkOffsets(t *testing.T, name, text string, enc *Encoding) {
	t.Helper()
	for k, o := range enc.Offsets {
		if o[0] < 0 || o[1] > len(text) || o[0] > o[1] {
			t.Errorf("%s %q: token %d offsets %v out of bounds", name, text, k, o)
		}
	}
}

// TestVocabSize checks VocabSize against the Rust getVocabSize(true) values
// recorded in the fixtures' meta.json.
func TestVocabSize(t *testing.T) {
	want := map[string]int{"minilm": 30522, "bert-base-uncased": 30522, "bert-cased-variant": 30522, "unigram-ko": 8002, "bpe-bytelevel": 8000}
	for name, n := range want {
		tok := loadTestTokenizer(t, name)
		if got := tok.VocabSize(); got != n {
			t.Errorf("%s: VocabSize %d, want %d", name, got, n)
		}
		if got := tok.MaxID() + 1; got != n {
			t.Errorf("%s: MaxID+1 = %d, want %d", name, got, n)
		}
		id, tokStr, ok := tok.Pad()
		if !ok {
			t.Errorf("%s: no pad token", name)
		}
		if back, _ := tok.TokenToID(tokStr); back != id {
			t.Errorf("%s: pad %q id %d, TokenToID gives %d", name, tokStr, id, back)
		}
		if s, ok := tok.IDToToken(id); !ok || s != tokStr {
			t.Errorf("%s: IDToToken(%d) = %q, %v", name, id, s, ok)
		}
	}
}

// TestUntaggedModels checks the model type inference for files whose model
// has no "type", as the Rust crate infers it.
func TestUntaggedModels(t *testing.T) {
	cases := []struct{ model, want string }{
		{`{"vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}`, "*tokenizer.bpe"},
		{`{"vocab": {"[UNK]": 0, "ab": 1}, "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100}`, "*tokenizer.wordPiece"},
		{`{"vocab": {"[UNK]": 0, "ab": 1}, "unk_token": "[UNK]", "continuing_subword_prefix": "##"}`, "*tokenizer.wordLevel"},
		{`{"vocab": [["<unk>", 0], ["ab", -1]], "unk_id": 0}`, "*tokenizer.unigram"},
	}
	for _, c := range cases {
		tok, err := FromBytes([]byte(`{"model": ` + c.model + `}`))
		if err != nil {
			t.Fatalf("%s: %v", c.model, err)
		}
		if got := fmt.Sprintf("%T", tok.model); got != c.want {
			t.Errorf("%s: model %s, want %s", c.model, got, c.want)
		}
		enc, err := tok.Encode("ab", false)
		if err != nil || len(enc.IDs) == 0 {
			t.Errorf("%s: Encode(ab) = %v, %v", c.model, enc, err)
		}
	}
	if _, err := FromBytes([]byte(`{"model": {"vocab": 3}}`)); !errors.Is(err, errs.ErrCorrupt) {
		t.Errorf("uninferable model: %v", err)
	}
}

// TestConfigJSONPosition checks that broken JSON is located by line and
// column, as serde_json does for the Rust crate, and by the field being
// decoded; and that trailing data after the object is rejected.
func TestConfigJSONPosition(t *testing.T) {
	// Pretty-printed, so that the file has many lines.
	var v any
	if err := json.Unmarshal([]byte(tinyWordPiece), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	doc := string(b)
	// lineCol is where the byte at index i (0-based) sits, from 1.
	lineCol := func(s string, i int) (int, int) {
		lines := strings.Split(s[:i+1], "\n")
		return len(lines), len(lines[len(lines)-1])
	}
	at := func(sub string) int {
		i := strings.Index(doc, sub)
		if i < 0 {
			t.Fatalf("document lacks %q", sub)
		}
		return i
	}
	type tc struct {
		name, json, field string
		line, col         int
	}
	var cases []tc
	// Truncated inside the vocabulary: the end of the data.
	cut := doc[:at(`"play"`)+3]
	l, c := lineCol(cut, len(cut)-1)
	cases = append(cases, tc{"truncated in vocab", cut, "model.vocab", l, c})
	// Truncated inside an added token.
	cut = doc[:at(`"[CLS]"`)]
	l, c = lineCol(cut, len(cut)-1)
	cases = append(cases, tc{"truncated in added token", cut, "added_tokens[2].content", l, c})
	// A bad literal: the column of the offending byte.
	i := at(`"lowercase": true`) + len(`"lowercase": t`)
	bad := doc[:i] + "x" + doc[i+1:]
	l, c = lineCol(bad, i)
	cases = append(cases, tc{"bad literal", bad, "normalizer.lowercase", l, c})
	// A stray character after a vocabulary entry.
	i = at(`"world": 5`) + len(`"world": 5`)
	bad = doc[:i] + "#" + doc[i:]
	l, c = lineCol(bad, i)
	cases = append(cases, tc{"stray character", bad, "model.vocab", l, c})
	// Trailing data after the object.
	trail := doc + "\n\n  }x"
	l, c = lineCol(trail, len(doc)+4)
	cases = append(cases, tc{"trailing brace", trail, "tokenizer.json", l, c})
	trail = doc + "{}"
	l, c = lineCol(trail, len(doc))
	cases = append(cases, tc{"second object", trail, "tokenizer.json", l, c})
	cases = append(cases, tc{"empty", "", "tokenizer.json", 1, 0})
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			_, err := FromBytes([]byte(k.json))
			if !errors.Is(err, errs.ErrCorrupt) {
				t.Fatalf("error %v does not wrap errs.ErrCorrupt", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			if fe.Field != k.field || fe.Line != k.line || fe.Column != k.col {
				t.Errorf("field %q line %d column %d, want %q line %d column %d (%v)", fe.Field, fe.Line, fe.Column, k.field, k.line, k.col, err)
			}
			if want := fmt.Sprintf("line %d column %d", k.line, k.col); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		})
	}
	// Whitespace after the object is fine.
	if _, err := FromBytes([]byte(doc + " \n\t\r\n")); err != nil {
		t.Errorf("trailing whitespace: %v", err)
	}
}
