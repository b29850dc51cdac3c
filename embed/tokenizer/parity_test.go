// This file checks exact parity with Hugging Face tokenizers 0.22.2 on the
// golden encodings in testdata (ids, tokens, type ids, masks and offsets).

package tokenizer

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// goldenRec is one line of golden.jsonl or pairs.jsonl.
type goldenRec struct {
	ID               string  `json:"id"`
	Text             string  `json:"text"`
	TextPair         *string `json:"text_pair"`
	AddSpecialTokens bool    `json:"add_special_tokens"`
	Truncation       *struct {
		MaxLength int `json:"max_length"`
	} `json:"truncation"`
	goldenEnc
}

type goldenEnc struct {
	IDs               []int    `json:"ids"`
	Tokens            []string `json:"tokens"`
	TypeIDs           []int    `json:"type_ids"`
	AttentionMask     []int    `json:"attention_mask"`
	SpecialTokensMask []int    `json:"special_tokens_mask"`
	Offsets           [][2]int `json:"offsets"`
}

type batchRec struct {
	ID               string          `json:"id"`
	AddSpecialTokens bool            `json:"add_special_tokens"`
	Truncation       json.RawMessage `json:"truncation"`
	Padding          json.RawMessage `json:"padding"`
	Texts            []string        `json:"texts"`
	Encodings        []goldenEnc     `json:"encodings"`
}

var tokenizerNames = []string{"minilm", "bert-base-uncased", "bert-cased-variant", "unigram-ko", "bpe-bytelevel"}

func readGz(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	buf := make([]byte, 1<<16)
	for {
		n, err := zr.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
	}
	return out
}

var (
	testToksMu sync.Mutex
	testToks   = map[string]*Tokenizer{}
)

// loadTestTokenizer loads a fixture tokenizer (once per test binary) and
// applies opts to a copy.
func loadTestTokenizer(t testing.TB, name string, opts ...Option) *Tokenizer {
	t.Helper()
	testToksMu.Lock()
	defer testToksMu.Unlock()
	tok, ok := testToks[name]
	if !ok {
		var err error
		tok, err = FromBytes(readGz(t, filepath.Join("testdata", name, "tokenizer.json.gz")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		testToks[name] = tok
	}
	return mustWith(t, tok, opts...)
}

func goldenFile(name, kind string) string {
	if name == "bert-base-uncased" && kind != "batch" {
		name = "minilm" // byte-identical goldens, stored once
	}
	return filepath.Join("testdata", name, kind+".jsonl.gz")
}

// eachLine calls f on every line of a gzipped JSONL file; under -race or
// -short it takes every 16th or 8th line only (the full files run in the plain
// test run).
func eachLine(t testing.TB, path string, f func(line []byte)) {
	data := readGz(t, path)
	sc := bufio.NewScanner(bytesReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	sample := raceEnabled || testing.Short()
	every := 8
	if raceEnabled {
		every = 16
	}
	for i := 0; sc.Scan(); i++ {
		if sample && i%every != 0 {
			continue
		}
		if len(sc.Bytes()) > 0 {
			f(sc.Bytes())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func compareEnc(t *testing.T, id string, got *Encoding, want *goldenEnc, text, pair string) bool {
	t.Helper()
	fail := func(what string, g, w any) bool {
		t.Errorf("%s: %s differ:\n got %v\nwant %v", id, what, g, w)
		return false
	}
	if !slices.Equal(got.IDs, want.IDs) {
		return fail("ids", got.IDs, want.IDs) && fail("tokens", got.Tokens, want.Tokens)
	}
	if !slices.Equal(got.Tokens, want.Tokens) {
		return fail("tokens", fmt.Sprintf("%q", got.Tokens), fmt.Sprintf("%q", want.Tokens))
	}
	if !slices.Equal(got.TypeIDs, want.TypeIDs) {
		return fail("type ids", got.TypeIDs, want.TypeIDs)
	}
	if !slices.Equal(got.AttentionMask, want.AttentionMask) {
		return fail("attention mask", got.AttentionMask, want.AttentionMask)
	}
	if !slices.Equal(got.SpecialTokensMask, want.SpecialTokensMask) {
		return fail("special tokens mask", got.SpecialTokensMask, want.SpecialTokensMask)
	}
	// Offsets of the second text of a pair index the second string.
	seqOf := sequenceOf(got, pair != "")
	var first, second []int
	conv := make([][2]int, len(got.Offsets))
	for k, o := range got.Offsets {
		src, idx := text, &first
		if seqOf[k] == 1 {
			src, idx = pair, &second
		}
		if *idx == nil {
			*idx = charIndex(src)
		}
		if o[0] < 0 || o[1] > len(src) || o[0] > o[1] || (*idx)[o[0]] < 0 || (*idx)[o[1]] < 0 {
			return fail("offsets", fmt.Sprintf("offset %v of token %d %q not on character boundaries of a %d-byte text", o, k, got.Tokens[k], len(src)), want.Offsets)
		}
		conv[k] = [2]int{(*idx)[o[0]], (*idx)[o[1]]}
	}
	if !slices.Equal(conv, want.Offsets) {
		return fail("offsets", conv, want.Offsets)
	}
	return true
}

// charIndex maps each byte offset of text that starts a character (and
// len(text)) to its code point index, and other offsets to -1.
func charIndex(text string) []int {
	idx := make([]int, len(text)+1)
	for i := range idx {
		idx[i] = -1
	}
	c := 0
	for i := range text {
		idx[i] = c
		c++
	}
	idx[len(text)] = c
	return idx
}

func bytesReader(b []byte) *byteReader { return &byteReader{b: b} }

type byteReader struct{ b []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// sequenceOf returns, per token, 0 or 1 for the text it comes from, -1 for
// added special tokens and padding.
func sequenceOf(e *Encoding, pair bool) []int8 {
	out := make([]int8, len(e.IDs))
	for i := range out {
		out[i] = -1
		if ids := e.SequenceIDs(); i < len(ids) {
			out[i] = int8(ids[i])
		}
	}
	return out
}

func TestParityGolden(t *testing.T) {
	for _, name := range tokenizerNames {
		t.Run(name, func(t *testing.T) {
			base := loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding())
			for _, kind := range []string{"golden", "pairs"} {
				n, bad := 0, 0
				eachLine(t, goldenFile(name, kind), func(line []byte) {
					var r goldenRec
					if err := json.Unmarshal(line, &r); err != nil {
						t.Fatal(err)
					}
					tok := base
					if r.Truncation != nil {
						tok = mustWith(t, base, WithTruncation(r.Truncation.MaxLength))
					}
					var enc *Encoding
					var err error
					pair := ""
					if r.TextPair != nil {
						pair = *r.TextPair
						enc, err = tok.EncodePair(r.Text, pair, r.AddSpecialTokens)
					} else {
						enc, err = tok.Encode(r.Text, r.AddSpecialTokens)
					}
					n++
					if err != nil {
						t.Errorf("%s: %v", r.ID, err)
						bad++
						return
					}
					if bad < 10 && !compareEnc(t, r.ID, enc, &r.goldenEnc, r.Text, pair) {
						bad++
					}
				})
				t.Logf("%s %s: %d records, %d mismatches", name, kind, n, bad)
			}
		})
	}
}

func TestParityBatch(t *testing.T) {
	for _, name := range tokenizerNames {
		t.Run(name, func(t *testing.T) {
			n := 0
			eachLine(t, goldenFile(name, "batch"), func(line []byte) {
				var r batchRec
				if err := json.Unmarshal(line, &r); err != nil {
					t.Fatal(err)
				}
				var tok *Tokenizer
				if string(r.Padding) == `"from tokenizer.json"` {
					tok = loadTestTokenizer(t, name)
				} else {
					var p struct {
						PadToMultipleOf *int   `json:"pad_to_multiple_of"`
						PadID           int    `json:"pad_id"`
						PadToken        string `json:"pad_token"`
						PadTypeID       int    `json:"pad_type_id"`
					}
					if err := json.Unmarshal(r.Padding, &p); err != nil {
						t.Fatal(err)
					}
					pad := Padding{Strategy: BatchLongest, PadID: p.PadID, PadToken: p.PadToken, PadTypeID: p.PadTypeID}
					if p.PadToMultipleOf != nil {
						pad.PadToMultipleOf = *p.PadToMultipleOf
					}
					opts := []Option{WithoutTruncation(), WithPadding(pad)}
					if string(r.Truncation) != "null" {
						var tr struct {
							MaxLength int `json:"max_length"`
						}
						if err := json.Unmarshal(r.Truncation, &tr); err != nil {
							t.Fatal(err)
						}
						opts = append(opts, WithTruncation(tr.MaxLength))
					}
					tok = loadTestTokenizer(t, name, opts...)
				}
				encs, err := tok.EncodeBatch(context.Background(), r.Texts, r.AddSpecialTokens)
				if err != nil {
					t.Fatalf("%s: %v", r.ID, err)
				}
				if len(encs) != len(r.Encodings) {
					t.Fatalf("%s: %d encodings, want %d", r.ID, len(encs), len(r.Encodings))
				}
				for i := range encs {
					n++
					compareEnc(t, fmt.Sprintf("%s[%d]", r.ID, i), encs[i], &r.Encodings[i], r.Texts[i], "")
				}
			})
			t.Logf("%s batch: %d encodings", name, n)
		})
	}
}
