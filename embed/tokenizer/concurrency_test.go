// This file checks that one Tokenizer is safe for concurrent use: many
// goroutines encoding at once get the same results as a single goroutine.

package tokenizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func TestConcurrentEncode(t *testing.T) {
	var texts []string
	eachLine(t, filepath.Join("testdata", "minilm", "golden.jsonl.gz"), func(line []byte) {
		var r goldenRec
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.AddSpecialTokens && r.Truncation == nil {
			texts = append(texts, r.Text)
		}
	})
	if n := 120 / (1 + 3*btoi(raceEnabled)); len(texts) > n {
		texts = texts[:n]
	}
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding())
		want := make([][]int, len(texts))
		for i, s := range texts {
			e, err := tok.Encode(s, true)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = e.IDs
		}
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for k := range texts {
					i := (k*7 + g*13) % len(texts)
					e, err := tok.Encode(texts[i], true)
					if err != nil {
						t.Error(err)
						return
					}
					if !equalInts(e.IDs, want[i]) {
						t.Errorf("%s: goroutine %d text %d: ids differ", name, g, i)
						return
					}
				}
			}(g)
		}
		wg.Wait()
	}
}

func TestEncodeBatchContextCancelled(t *testing.T) {
	tok := loadTestTokenizer(t, "minilm")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	texts := make([]string, 100)
	for i := range texts {
		texts[i] = "a sentence to encode"
	}
	if _, err := tok.EncodeBatch(ctx, texts, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	encs, err := tok.EncodeBatch(context.Background(), texts, true)
	if err != nil || len(encs) != len(texts) || encs[99].Len() != 128 {
		t.Fatalf("uncancelled batch: %v, %d encodings", err, len(encs))
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEncodeInto checks that reusing one Encoding gives the same results as
// Encode and allocates nothing once grown.
func TestEncodeInto(t *testing.T) {
	texts := []string{"Hello, world!", "", "한국어 텍스트와 English words 😀", "a much longer sentence with many words in it to grow the buffers", "x"}
	for _, name := range tokenizerNames {
		for _, tok := range []*Tokenizer{loadTestTokenizer(t, name), loadTestTokenizer(t, name, WithoutPadding(), WithoutTruncation())} {
			var enc Encoding
			for _, s := range texts {
				want, err := tok.Encode(s, true)
				if err != nil {
					t.Fatal(err)
				}
				if err := tok.EncodeInto(&enc, s, true); err != nil {
					t.Fatal(err)
				}
				if !equalInts(enc.IDs, want.IDs) || !equalInts(enc.TypeIDs, want.TypeIDs) || !equalInts(enc.AttentionMask, want.AttentionMask) ||
					!equalInts(enc.SpecialTokensMask, want.SpecialTokensMask) || !equalInts(enc.SequenceIDs(), want.SequenceIDs()) ||
					fmt.Sprint(enc.Tokens, enc.Offsets) != fmt.Sprint(want.Tokens, want.Offsets) {
					t.Errorf("%s %q: EncodeInto differs from Encode", name, s)
				}
			}
			if raceEnabled || testing.Short() {
				continue
			}
			allocs := testing.AllocsPerRun(50, func() {
				for _, s := range texts {
					_ = tok.EncodeInto(&enc, s, true)
				}
			})
			// Only a Unigram unknown piece (here the emoji) needs a new
			// string: its token is the text itself.
			if allocs > 1 {
				t.Errorf("%s: EncodeInto allocates %.1f times per 5 texts", name, allocs)
			}
		}
	}
	if err := loadTestTokenizer(t, "minilm").EncodeInto(nil, "x", true); err == nil {
		t.Error("EncodeInto(nil) gave no error")
	}
}
