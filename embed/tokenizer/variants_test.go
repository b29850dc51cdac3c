// This file checks parity on tokenizer.json variants (testdata/variants)
// that exercise components the five fixture tokenizers do not use, against
// goldens from the same Rust library, and checks Decode.

package tokenizer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type variantSpec struct {
	Name       string                     `json:"name"`
	Base       string                     `json:"base"`
	Patch      map[string]json.RawMessage `json:"patch"`
	ExtraAdded []json.RawMessage          `json:"extra_added"`
	ModelMerge map[string]json.RawMessage `json:"model_merge"`
	ModelDrop  []string                   `json:"model_drop"`
	AddBytes   bool                       `json:"vocab_add_bytes"`
	MergePairs bool                       `json:"merges_as_pairs"`
}

type variantRec struct {
	Kind       string  `json:"kind"`
	Text       string  `json:"text"`
	TextPair   *string `json:"text_pair"`
	Truncation *struct {
		MaxLength int    `json:"max_length"`
		Strategy  string `json:"strategy"`
		Direction string `json:"direction"`
	} `json:"truncation"`
	Error       string `json:"error"`
	Decoded     string `json:"decoded"`
	DecodedSkip string `json:"decoded_skip"`
	Texts       []string
	Padding     *struct {
		Direction       string `json:"direction"`
		PadID           int    `json:"padId"`
		PadTypeID       int    `json:"padTypeId"`
		PadToken        string `json:"padToken"`
		PadToMultipleOf int    `json:"padToMultipleOf"`
		MaxLength       int    `json:"maxLength"`
	} `json:"padding"`
	Encodings []goldenEnc `json:"encodings"`
	goldenEnc
}

// buildVariant rebuilds a variant's tokenizer.json from its base.
func buildVariant(t *testing.T, v variantSpec) []byte {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(readGz(t, filepath.Join("testdata", v.Base, "tokenizer.json.gz")), &top); err != nil {
		t.Fatal(err)
	}
	for k, r := range v.Patch {
		top[k] = r
	}
	if len(v.ExtraAdded) > 0 {
		var added []json.RawMessage
		if err := json.Unmarshal(top["added_tokens"], &added); err != nil {
			t.Fatal(err)
		}
		added = append(added, v.ExtraAdded...)
		b, _ := json.Marshal(added)
		top["added_tokens"] = b
	}
	if len(v.ModelMerge) > 0 || len(v.ModelDrop) > 0 || v.AddBytes || v.MergePairs {
		var model map[string]json.RawMessage
		if err := json.Unmarshal(top["model"], &model); err != nil {
			t.Fatal(err)
		}
		for k, r := range v.ModelMerge {
			model[k] = r
		}
		for _, k := range v.ModelDrop {
			delete(model, k)
		}
		if v.MergePairs {
			var merges []string
			if err := json.Unmarshal(model["merges"], &merges); err != nil {
				t.Fatal(err)
			}
			pairs := make([][]string, len(merges))
			for i, m := range merges {
				pairs[i] = strings.Split(m, " ")
			}
			model["merges"], _ = json.Marshal(pairs)
		}
		if v.AddBytes {
			var list [][2]json.RawMessage
			if json.Unmarshal(model["vocab"], &list) == nil {
				for b := 0; b < 256; b++ {
					tok, _ := json.Marshal(fmt.Sprintf("<0x%02X>", b))
					list = append(list, [2]json.RawMessage{tok, json.RawMessage("-30.0")})
				}
				model["vocab"], _ = json.Marshal(list)
			} else {
				var m map[string]int
				if err := json.Unmarshal(model["vocab"], &m); err != nil {
					t.Fatal(err)
				}
				for b := 0; b < 256; b++ {
					m[fmt.Sprintf("<0x%02X>", b)] = len(m)
				}
				model["vocab"], _ = json.Marshal(m)
			}
		}
		top["model"], _ = json.Marshal(model)
	}
	b, err := json.Marshal(top)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParityVariants(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "variants", "variants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var specs []variantSpec
	if err := json.Unmarshal(data, &specs); err != nil {
		t.Fatal(err)
	}
	for _, v := range specs {
		t.Run(v.Name, func(t *testing.T) {
			tok, err := FromBytes(buildVariant(t, v), WithoutTruncation(), WithoutPadding())
			if err != nil {
				t.Fatal(err)
			}
			n, bad := 0, 0
			eachLine(t, filepath.Join("testdata", "variants", v.Name+".jsonl.gz"), func(line []byte) {
				var r variantRec
				if err := json.Unmarshal(line, &r); err != nil {
					t.Fatal(err)
				}
				if bad >= 8 {
					return
				}
				n++
				switch r.Kind {
				case "single":
					enc, err := tok.Encode(r.Text, true)
					if err != nil {
						t.Errorf("%q: %v", r.Text, err)
						bad++
						return
					}
					if !compareEnc(t, fmt.Sprintf("%q", r.Text), enc, &r.goldenEnc, r.Text, "") {
						bad++
						return
					}
					for _, skip := range []bool{false, true} {
						want := r.Decoded
						if skip {
							want = r.DecodedSkip
						}
						got, err := tok.Decode(enc.IDs, skip)
						if err != nil || got != want {
							t.Errorf("%q: Decode(skip=%v) = %q, %v; want %q", r.Text, skip, got, err, want)
							bad++
						}
					}
				case "pair":
					tr := Truncation{MaxLength: r.Truncation.MaxLength}
					switch r.Truncation.Strategy {
					case "OnlyFirst":
						tr.Strategy = OnlyFirst
					case "OnlySecond":
						tr.Strategy = OnlySecond
					}
					if r.Truncation.Direction == "Left" {
						tr.Direction = Left
					}
					tt, err := tok.With(WithTruncationParams(tr))
					var enc *Encoding
					if err == nil {
						enc, err = tt.EncodePair(r.Text, *r.TextPair, true)
					}
					if r.Error != "" {
						if err == nil {
							t.Errorf("%q/%q: no error, want %s", r.Text, *r.TextPair, r.Error)
							bad++
						}
						return
					}
					if err != nil {
						t.Errorf("%q/%q: %v", r.Text, *r.TextPair, err)
						bad++
						return
					}
					if !compareEnc(t, fmt.Sprintf("%q/%q %+v", r.Text, *r.TextPair, tr), enc, &r.goldenEnc, r.Text, *r.TextPair) {
						bad++
					}
				case "batch":
					p := Padding{PadID: r.Padding.PadID, PadTypeID: r.Padding.PadTypeID, PadToken: r.Padding.PadToken, PadToMultipleOf: r.Padding.PadToMultipleOf}
					if r.Padding.MaxLength > 0 {
						p.Strategy, p.Length = Fixed, r.Padding.MaxLength
					}
					if r.Padding.Direction == "left" {
						p.Direction = Left
					}
					encs, err := mustWith(t, tok, WithPadding(p)).EncodeBatch(context.Background(), r.Texts, true)
					if err != nil {
						t.Fatal(err)
					}
					for i := range encs {
						if !compareEnc(t, fmt.Sprintf("batch[%d]", i), encs[i], &r.Encodings[i], r.Texts[i], "") {
							bad++
						}
					}
				}
			})
			t.Logf("%s: %d records, %d mismatches", v.Name, n, bad)
		})
	}
}
