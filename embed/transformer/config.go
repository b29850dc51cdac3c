// config.go reads a Hugging Face config.json and checks that it describes an
// architecture this package runs.

package transformer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
)

// family is the architecture family of a supported model_type.
type family int

const (
	familyBERT family = iota
	familyRoBERTa
)

// config holds the fields of config.json the forward pass needs.
type config struct {
	ModelType             string   `json:"model_type"`
	HiddenSize            int      `json:"hidden_size"`
	NumLayers             int      `json:"num_hidden_layers"`
	NumHeads              int      `json:"num_attention_heads"`
	IntermediateSize      int      `json:"intermediate_size"`
	HiddenAct             string   `json:"hidden_act"`
	MaxPositionEmbeddings int      `json:"max_position_embeddings"`
	TypeVocab             *int     `json:"type_vocab_size"`
	VocabSize             int      `json:"vocab_size"`
	LayerNormEps          *float64 `json:"layer_norm_eps"`
	PadTokenID            *int     `json:"pad_token_id"`
	PositionEmbeddingType string   `json:"position_embedding_type"`

	family  family
	gemmAct gemm.Activation // hidden_act, fused into the FFN's first product
	eps     float32
	pad     int
	// TypeVocabSize is type_vocab_size, or when config.json has none, the
	// rows of the token type embeddings (set by loadEmbeddings).
	TypeVocabSize int
}

func readConfig(path string) (*config, error) {
	b, err := readFile(path, maxConfigBytes)
	if err != nil {
		return nil, err
	}
	var c config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("transformer: %s: %v: %w", path, err, errs.ErrCorrupt)
	}
	if err := c.check(); err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("transformer: %s: %s: %w", path, ce.msg, ce.kind)
		}
		return nil, fmt.Errorf("transformer: %s: %v: %w", path, err, errs.ErrCorrupt)
	}
	return &c, nil
}

// configError is a problem with a field of config.json: kind is
// errs.ErrUnsupported or errs.ErrCorrupt. readConfig puts the file's path between
// the two.
type configError struct {
	kind error
	msg  string
}

func (e *configError) Error() string { return e.kind.Error() + ": " + e.msg }
func (e *configError) Unwrap() error { return e.kind }

func badConfig(kind error, format string, args ...any) error {
	return &configError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

func (c *config) check() error {
	switch c.ModelType {
	case "bert":
		c.family = familyBERT
	case "roberta", "xlm-roberta":
		c.family = familyRoBERTa
	case "":
		return badConfig(errs.ErrUnsupported, "no model_type")
	default:
		return badConfig(errs.ErrUnsupported, "model_type %q (supported: bert, roberta, xlm-roberta)", c.ModelType)
	}
	if c.PositionEmbeddingType != "" && c.PositionEmbeddingType != "absolute" {
		return badConfig(errs.ErrUnsupported, "position_embedding_type %q (only absolute)", c.PositionEmbeddingType)
	}
	act := c.HiddenAct
	if act == "" {
		act = "gelu"
	}
	var ok bool
	_, ok = activationByName(act)
	c.gemmAct = gemmActivation(act)
	if !ok {
		return badConfig(errs.ErrUnsupported, "hidden_act %q (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)", c.HiddenAct)
	}
	// Each size must be positive; readWeights then checks every tensor's
	// shape against them, so that none exceeds what the weights hold.
	for _, f := range []struct {
		name string
		v    int
	}{
		{"hidden_size", c.HiddenSize}, {"num_hidden_layers", c.NumLayers}, {"num_attention_heads", c.NumHeads},
		{"intermediate_size", c.IntermediateSize}, {"max_position_embeddings", c.MaxPositionEmbeddings}, {"vocab_size", c.VocabSize},
	} {
		if f.v <= 0 {
			return badConfig(errs.ErrCorrupt, "%s %d: must be positive", f.name, f.v)
		}
	}
	if c.HiddenSize%c.NumHeads != 0 {
		return badConfig(errs.ErrCorrupt, "hidden_size %d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumHeads)
	}
	if c.TypeVocab != nil {
		if *c.TypeVocab <= 0 {
			return badConfig(errs.ErrCorrupt, "type_vocab_size %d: must be positive", *c.TypeVocab)
		}
		c.TypeVocabSize = *c.TypeVocab
	}
	c.eps = 1e-12
	if c.LayerNormEps != nil {
		// LayerNorm divides by sqrt(variance + eps): a zero, negative or
		// non-finite eps (also one that float32 rounds to 0 or ∞) gives
		// NaN or infinite vectors.
		c.eps = float32(*c.LayerNormEps)
		if !(c.eps > 0) || math.IsInf(float64(c.eps), 0) {
			return badConfig(errs.ErrCorrupt, "layer_norm_eps %g: must be positive and finite as a float32", *c.LayerNormEps)
		}
	}
	if c.PadTokenID != nil {
		c.pad = *c.PadTokenID
	} else if c.family == familyRoBERTa {
		c.pad = 1
	}
	// RoBERTa numbers positions from pad_token_id+1, so a pad id outside
	// the vocabulary (negative, say) would index outside the position
	// table; BERT does not use it, but a real one is a token.
	if c.pad < 0 || c.pad >= c.VocabSize {
		return badConfig(errs.ErrCorrupt, "pad_token_id %d outside the vocabulary (vocab_size %d)", c.pad, c.VocabSize)
	}
	if c.family == familyRoBERTa && c.MaxPositionEmbeddings <= c.pad+1 {
		return badConfig(errs.ErrCorrupt, "max_position_embeddings %d leaves no positions after padding_idx (pad_token_id) %d", c.MaxPositionEmbeddings, c.pad)
	}
	return nil
}

// maxTokens is the longest sequence the position embeddings allow.
func (c *config) maxTokens() int {
	if c.family == familyRoBERTa {
		return c.MaxPositionEmbeddings - c.pad - 1
	}
	return c.MaxPositionEmbeddings
}
