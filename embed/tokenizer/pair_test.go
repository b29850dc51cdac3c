// pair_test.go checks EncodePairInto against the pair goldens of every
// test tokenizer, encoding all pairs into one reused Encoding.

package tokenizer

import (
	"encoding/json"
	"testing"
)

func TestEncodePairIntoGolden(t *testing.T) {
	for _, name := range tokenizerNames {
		t.Run(name, func(t *testing.T) {
			base := loadTestTokenizer(t, name, WithoutTruncation(), WithoutPadding())
			var enc Encoding // reused by every pair
			n, bad := 0, 0
			eachLine(t, goldenFile(name, "pairs"), func(line []byte) {
				var r goldenRec
				if err := json.Unmarshal(line, &r); err != nil {
					t.Fatal(err)
				}
				if r.TextPair == nil {
					return
				}
				tok := base
				if r.Truncation != nil {
					tok = mustWith(t, base, WithTruncation(r.Truncation.MaxLength))
				}
				n++
				if err := tok.EncodePairInto(&enc, r.Text, *r.TextPair, r.AddSpecialTokens); err != nil {
					t.Errorf("%s: %v", r.ID, err)
					bad++
					return
				}
				if bad < 10 && !compareEnc(t, r.ID, &enc, &r.goldenEnc, r.Text, *r.TextPair) {
					bad++
				}
			})
			if n == 0 {
				t.Fatal("no pairs in the goldens")
			}
			t.Logf("%s: %d pairs, %d mismatches", name, n, bad)
		})
	}
	if err := loadTestTokenizer(t, tokenizerNames[0]).EncodePairInto(nil, "a", "b", true); err == nil {
		t.Error("EncodePairInto(nil, ...): no error")
	}
}
