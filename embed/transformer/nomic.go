// nomic.go holds what the nomic_bert family (NomicBertModel of
// nomic-ai/nomic-bert-2048's remote code: nomic-embed-text-v1 and v1.5,
// snowflake-arctic-embed-m-long) reads from its config.json beyond the
// BERT keys, and the dynamic NTK rotary scaling it applies past its
// trained length.

package transformer

import (
	"math"

	"github.com/ganada/ganada/errs"
)

// nomicKeys are NomicBertConfig's keys (a GPT2Config; the GPT-2 size names
// are renamed by the family's keys). Pointers tell absent keys, which
// take NomicBertConfig's defaults, from false or null ones.
type nomicKeys struct {
	RotaryFraction    *float64 `json:"rotary_emb_fraction"`
	RotaryBase        *float64 `json:"rotary_emb_base"`
	RotaryInterleaved bool     `json:"rotary_emb_interleaved"`
	RotaryScaleBase   *float64 `json:"rotary_emb_scale_base"`
	RotaryScaling     *float64 `json:"rotary_scaling_factor"`
	MaxTrained        *int     `json:"max_trained_positions"`
	PadVocabMultiple  *int     `json:"pad_vocab_size_multiple"`
	Prenorm           bool     `json:"prenorm"`
	ParallelBlock     bool     `json:"parallel_block"`
	Causal            bool     `json:"causal"`
	QKVBias           *bool    `json:"qkv_proj_bias"`
	FC1Bias           *bool    `json:"mlp_fc1_bias"`
	FC2Bias           *bool    `json:"mlp_fc2_bias"`
}

// nomicMultipleOf is the rounding of NomicBERT's gated MLP width
// (NomciBertGatedMLP's multiple_of).
const nomicMultipleOf = 256

// fixNomic reads a nomic_bert config.json: the activation (swiglu or
// geglu, run as the gated MLP with SiLU or GELU), the vocabulary rounded
// up to pad_vocab_size_multiple and the MLP width (n_inner, default
// 8·n_embd/3) rounded up to 256 as the model's constructor does, the
// rotary settings; the variants the published models do not use
// (pre-norm, parallel blocks, partial or interleaved rotary, xPos, biases,
// a plain GELU MLP) are errors wrapping errs.ErrUnsupported.
func fixNomic(c *config) error {
	switch c.HiddenAct {
	case "swiglu":
		c.HiddenAct = "silu"
	case "geglu":
		c.HiddenAct = "gelu"
	default:
		return badConfig(errs.ErrUnsupported, "activation_function %q (supported: swiglu, geglu)", c.HiddenAct)
	}
	k := &c.nomicKeys
	isTrue := func(b *bool) bool { return b == nil || *b } // NomicBertConfig's defaults are true
	switch {
	case k.Prenorm, k.ParallelBlock, k.Causal:
		return badConfig(errs.ErrUnsupported, "prenorm, parallel_block or causal true (only post-norm bidirectional NomicBERT)")
	case isTrue(k.QKVBias), isTrue(k.FC1Bias), isTrue(k.FC2Bias):
		return badConfig(errs.ErrUnsupported, "qkv_proj_bias, mlp_fc1_bias or mlp_fc2_bias true or absent (only bias-free NomicBERT)")
	case k.RotaryFraction == nil || *k.RotaryFraction != 1:
		return badConfig(errs.ErrUnsupported, "rotary_emb_fraction %v (only 1: rotary positions on whole heads)", deref(k.RotaryFraction))
	case k.RotaryInterleaved:
		return badConfig(errs.ErrUnsupported, "rotary_emb_interleaved true (only the rotate_half layout)")
	case k.RotaryScaleBase != nil:
		return badConfig(errs.ErrUnsupported, "rotary_emb_scale_base %g (xPos scaling)", *k.RotaryScaleBase)
	}
	if m := k.PadVocabMultiple; m != nil && *m > 1 {
		if *m > 1<<16 || c.VocabSize <= 0 || c.VocabSize > 1<<30 {
			return badConfig(errs.ErrCorrupt, "pad_vocab_size_multiple %d with vocab_size %d", *m, c.VocabSize)
		}
		c.VocabSize = (c.VocabSize + *m - 1) / *m * *m
	}
	if c.IntermediateSize == 0 {
		c.IntermediateSize = 8 * c.HiddenSize / 3
	}
	if c.IntermediateSize > 0 && c.IntermediateSize <= 1<<24 {
		c.IntermediateSize = (c.IntermediateSize + nomicMultipleOf - 1) / nomicMultipleOf * nomicMultipleOf
	}
	c.globalTheta = 10000 // NomicBertConfig's rotary_emb_base
	if k.RotaryBase != nil {
		c.globalTheta = *k.RotaryBase
	}
	if !(c.globalTheta > 1) || math.IsInf(c.globalTheta, 0) {
		return badConfig(errs.ErrCorrupt, "rotary_emb_base %g: must be finite and above 1", c.globalTheta)
	}
	c.localTheta = c.globalTheta
	if s := k.RotaryScaling; s != nil && *s != 0 {
		c.ropeScale, c.ropeTrained = *s, 2048
		if k.MaxTrained != nil {
			c.ropeTrained = *k.MaxTrained
		}
		if !(c.ropeScale >= 1) || math.IsInf(c.ropeScale, 0) || c.ropeTrained <= 0 {
			return badConfig(errs.ErrCorrupt, "rotary_scaling_factor %g, max_trained_positions %d: the factor must be finite and at least 1, the length positive", c.ropeScale, c.ropeTrained)
		}
	}
	return nil
}

func deref(p *float64) any {
	if p == nil {
		return "absent"
	}
	return *p
}

// ntkBase is the rotary base NomicBERT's dynamic NTK embedding uses for a
// text of n tokens (NomicBertDynamicNTKRotaryEmbedding, for a call whose
// longest text is n: ganada computes each text as if encoded alone).
func (c *config) ntkBase(n int) float64 {
	if c.ropeScale == 0 || n <= c.ropeTrained {
		return c.globalTheta
	}
	dh := float64(c.headDim)
	return c.globalTheta * math.Pow(c.ropeScale*float64(n)/float64(c.ropeTrained)-(c.ropeScale-1), dh/(dh-2))
}

// maxScaledRopes bounds the scaled rotary tables an encoder keeps (one per
// text length past the trained length).
const maxScaledRopes = 8

// scaledRope returns the rotary table of a text of n tokens longer than
// the trained length, computing it on first use.
func (e *encoder) scaledRope(n int) *rope {
	e.ropeMu.Lock()
	defer e.ropeMu.Unlock()
	if rp, ok := e.scaled[n]; ok {
		return rp
	}
	if e.scaled == nil || len(e.scaled) >= maxScaledRopes {
		e.scaled = map[int]*rope{}
	}
	rp := newRope(e.cfg.ntkBase(n), e.cfg.headDim, n)
	e.scaled[n] = rp
	return rp
}
