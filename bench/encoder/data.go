// This file reads the inputs: the STS-B test sentences, tokenized with
// ganada's tokenizer (embed/tokenizer) exactly as sentence-transformers
// does (strip, special tokens, truncation at max_seq_length, no padding),
// and the model's config.json.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/eval"
)

// readSTSB returns both sentences of every row of an STS-B csv
// (sentence1, sentence2, score), in file order.
func readSTSB(path string) ([]string, error) {
	pairs, err := eval.LoadSTS(context.Background(), path)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		out = append(out, p.Sentence1, p.Sentence2)
	}
	return out, nil
}

// tokenize encodes texts (already stripped) with the model folder's
// tokenizer.json, truncated at maxLen tokens including the special tokens.
func tokenize(modelDir string, texts []string, maxLen int) ([][]int64, error) {
	tok, err := tokenizer.FromFile(filepath.Join(modelDir, "tokenizer.json"),
		tokenizer.WithTruncation(maxLen), tokenizer.WithoutPadding())
	if err != nil {
		return nil, err
	}
	out := make([][]int64, len(texts))
	for i, t := range texts {
		enc, err := tok.Encode(t, true)
		if err != nil {
			return nil, fmt.Errorf("text %d: %w", i, err)
		}
		ids := make([]int64, len(enc.IDs))
		for j, id := range enc.IDs {
			ids[j] = int64(id)
		}
		out[i] = ids
	}
	return out, nil
}

// modelConfig is the part of config.json the FLOP count needs.
type modelConfig struct {
	Hidden       int `json:"hidden_size"`
	Layers       int `json:"num_hidden_layers"`
	Heads        int `json:"num_attention_heads"`
	Intermediate int `json:"intermediate_size"`
	PadTokenID   int `json:"pad_token_id"`
	maxSeqLen    int
	// gated: the FFN's first product is two h×f matrices (SwiGLU,
	// NomicBERT's activation_function "swiglu").
	gated bool
}

func readConfig(modelDir string) (modelConfig, error) {
	var c modelConfig
	data, err := os.ReadFile(filepath.Join(modelDir, "config.json"))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("config.json: %w", err)
	}
	// NomicBERT's config.json names the sizes as GPT-2 does.
	var g struct {
		Hidden       int    `json:"n_embd"`
		Layers       int    `json:"n_layer"`
		Heads        int    `json:"n_head"`
		Intermediate int    `json:"n_inner"`
		Activation   string `json:"activation_function"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		return c, fmt.Errorf("config.json: %w", err)
	}
	if c.Hidden == 0 {
		c.Hidden, c.Layers, c.Heads, c.Intermediate = g.Hidden, g.Layers, g.Heads, g.Intermediate
	}
	c.gated = g.Activation == "swiglu" || g.Activation == "geglu"
	var st struct {
		MaxSeqLength int `json:"max_seq_length"`
	}
	data, err = os.ReadFile(filepath.Join(modelDir, "sentence_bert_config.json"))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return c, fmt.Errorf("sentence_bert_config.json: %w", err)
	}
	c.maxSeqLen = st.MaxSeqLength
	return c, nil
}

// batchFLOPs counts the floating-point operations of the encoder layers
// on a padded batch (engines compute the padding too), per layer:
//
//	dense:     2·T·(4h² + 2h·f)   T = Size·SeqLen tokens: Q, K, V, output
//	                              projections (4h²) and the FFN (2h·f;
//	                              3h·f for a gated FFN such as SwiGLU)
//	attention: 4·T·s·h            Q·Kᵀ and P·V: 2·s·s·h each per sequence
//
// with h = hidden, f = intermediate, s = SeqLen. Embeddings, LayerNorm,
// softmax, GELU and biases are not counted (they are O(T·h)).
func batchFLOPs(c modelConfig, b *Batch) float64 {
	t := float64(b.Size * b.SeqLen)
	h, f, s := float64(c.Hidden), float64(c.Intermediate), float64(b.SeqLen)
	ffn := 2 * h * f
	if c.gated {
		ffn = 3 * h * f
	}
	return float64(c.Layers) * (2*t*(4*h*h+ffn) + 4*t*s*h)
}
