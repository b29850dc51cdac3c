// This file holds the package benchmarks: encoding the fixture sentences
// with each fixture tokenizer, one text at a time and in batches. The peer
// comparison with Hugging Face tokenizers lives in bench/tokenizer.

package tokenizer

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

// benchTexts returns the natural-language sentences of the fixture texts.
func benchTexts(b *testing.B) []string {
	var texts []string
	eachLine(b, filepath.Join("testdata", "minilm", "golden.jsonl.gz"), func(line []byte) {
		var r struct {
			Category         string `json:"category"`
			Text             string `json:"text"`
			AddSpecialTokens bool   `json:"add_special_tokens"`
			Truncation       any    `json:"truncation"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			b.Fatal(err)
		}
		if r.AddSpecialTokens && r.Truncation == nil && (r.Category == "sentence" || r.Category == "mixed-ko-en") {
			texts = append(texts, r.Text)
		}
	})
	return texts
}

func BenchmarkEncode(b *testing.B) {
	texts := benchTexts(b)
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(b, name, WithoutTruncation(), WithoutPadding())
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			tokens := 0
			for i := 0; i < b.N; i++ {
				e, err := tok.Encode(texts[i%len(texts)], true)
				if err != nil {
					b.Fatal(err)
				}
				tokens += len(e.IDs)
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkEncodeBatch(b *testing.B) {
	texts := benchTexts(b)
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(b, name, WithoutTruncation(), WithoutPadding())
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			tokens := 0
			for i := 0; i < b.N; i++ {
				encs, err := tok.EncodeBatch(context.Background(), texts, true)
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range encs {
					tokens += len(e.IDs)
				}
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"minilm", "unigram-ko", "bpe-bytelevel"} {
		data := readGz(b, filepath.Join("testdata", name, "tokenizer.json.gz"))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := FromBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeInto(b *testing.B) {
	texts := benchTexts(b)
	for _, name := range tokenizerNames {
		tok := loadTestTokenizer(b, name, WithoutTruncation(), WithoutPadding())
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var enc Encoding
			tokens := 0
			for i := 0; i < b.N; i++ {
				if err := tok.EncodeInto(&enc, texts[i%len(texts)], true); err != nil {
					b.Fatal(err)
				}
				tokens += len(enc.IDs)
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
