// This file checks an engine against the goldens of the model folder
// (last_hidden_state and mean-pooled embeddings from Hugging Face
// transformers), and ganada's tokenizer against the goldens' token ids,
// so that no speed is reported for wrong numbers.

package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/ganada/ganada/embed/tokenizer"
)

type goldenRef struct {
	Offset int64 `json:"offset"`
	Shape  []int `json:"shape"`
}

type goldenItem struct {
	Index           int       `json:"index"`
	InputText       string    `json:"input_text"`
	Batch           int       `json:"batch"`
	NumTokens       int       `json:"num_tokens"`
	InputIDs        []int64   `json:"input_ids"`
	LastHiddenState goldenRef `json:"last_hidden_state"`
	Pooled          goldenRef `json:"pooled"`
}

type goldens struct {
	Hidden  int          `json:"hidden_size"`
	Pooling string       `json:"pooling"` // "lasttoken" for decoder embedders; mean otherwise
	Items   []goldenItem `json:"items"`
	bin     []byte
}

func readGoldens(modelDir string) (*goldens, error) {
	dir := filepath.Join(modelDir, "goldens")
	data, err := os.ReadFile(filepath.Join(dir, "public.json"))
	if err != nil {
		return nil, err
	}
	var g goldens
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("public.json: %w", err)
	}
	if g.bin, err = os.ReadFile(filepath.Join(dir, "public.bin")); err != nil {
		return nil, err
	}
	return &g, nil
}

func (g *goldens) floats(r goldenRef) []float32 {
	n := 1
	for _, d := range r.Shape {
		n *= d
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(g.bin[r.Offset+int64(4*i):]))
	}
	return out
}

// tokenizerParity counts golden items whose ids ganada's tokenizer
// reproduces from input_text.
func tokenizerParity(modelDir string, g *goldens, maxLen int) (same, total int, err error) {
	tok, err := tokenizer.FromFile(filepath.Join(modelDir, "tokenizer.json"),
		tokenizer.WithTruncation(maxLen), tokenizer.WithoutPadding())
	if err != nil {
		return 0, 0, err
	}
	for _, it := range g.Items {
		enc, err := tok.Encode(it.InputText, true)
		if err != nil {
			return same, len(g.Items), err
		}
		ok := len(enc.IDs) == len(it.InputIDs)
		for j := 0; ok && j < len(enc.IDs); j++ {
			ok = int64(enc.IDs[j]) == it.InputIDs[j]
		}
		if ok {
			same++
		}
	}
	return same, len(g.Items), nil
}

type parityResult struct {
	maxAbs      float64 // max |engine - golden| over real tokens' hidden states
	minCosToken float64 // min cosine of one token's hidden state to the golden
	minCosPool  float64 // min cosine of the mean-pooled embedding to the golden
}

func (p parityResult) String() string {
	return fmt.Sprintf("last_hidden_state max|Δ| %.2e, min token cosine %.8f; pooled (mean, or the goldens' last token) min cosine %.8f",
		p.maxAbs, p.minCosToken, p.minCosPool)
}

// checkParity runs the golden items through e in the goldens' own batches
// (the token ids stored in the goldens, padded to the longest of each
// batch) and compares with the golden outputs.
func checkParity(e Engine, g *goldens, pad int64) (parityResult, error) {
	res := parityResult{minCosToken: 1, minCosPool: 1}
	byBatch := map[int][]goldenItem{}
	var keys []int
	for _, it := range g.Items {
		if _, ok := byBatch[it.Batch]; !ok {
			keys = append(keys, it.Batch)
		}
		byBatch[it.Batch] = append(byBatch[it.Batch], it)
	}
	sort.Ints(keys)
	h := g.Hidden
	for _, k := range keys {
		items := byBatch[k]
		ids := make([][]int64, len(items))
		texts := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.InputIDs
			texts[i] = it.InputText
		}
		b := makeBatches(ids, texts, len(ids), pad)[0]
		out, err := e.Encode(b)
		if err != nil {
			return res, err
		}
		for r, idx := range b.Index {
			it := items[idx]
			want := g.floats(it.LastHiddenState)
			for t := 0; t < it.NumTokens; t++ {
				got := out[(r*b.SeqLen+t)*h : (r*b.SeqLen+t+1)*h]
				w := want[t*h : (t+1)*h]
				var gg, ww []float64
				for j := range got {
					res.maxAbs = math.Max(res.maxAbs, math.Abs(float64(got[j])-float64(w[j])))
					gg = append(gg, float64(got[j]))
					ww = append(ww, float64(w[j]))
				}
				res.minCosToken = math.Min(res.minCosToken, cosine(gg, ww))
			}
			pooled := meanPool(out, b, r, h)
			if g.Pooling == "lasttoken" { // the last real token's state (rows are right-padded)
				last := out[(r*b.SeqLen+b.Lengths[r]-1)*h : (r*b.SeqLen+b.Lengths[r])*h]
				for j, v := range last {
					pooled[j] = float64(v)
				}
			}
			wp := g.floats(it.Pooled)
			w64 := make([]float64, len(wp))
			for j, v := range wp {
				w64[j] = float64(v)
			}
			res.minCosPool = math.Min(res.minCosPool, cosine(pooled, w64))
		}
	}
	return res, nil
}

func cosine(a, b []float64) float64 {
	var d, na, nb float64
	for i := range a {
		d += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

// ok reports whether the parity is good enough to publish speed figures
// (the fixtures README: cosine > 0.99999, differences ≥ 1e-3 mean a bug).
func (p parityResult) ok() bool {
	return p.maxAbs < 1e-3 && p.minCosPool > 0.99999 && p.minCosToken > 0.9999
}

// okInt8 reports whether an int8-weight engine's sentence embeddings are
// close enough to the float32 goldens (issue 5's goal for the int8 path).
func (p parityResult) okInt8() bool { return p.minCosPool >= 0.995 }
