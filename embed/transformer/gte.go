// gte.go holds what the "new" family (NewModel of Alibaba-NLP/new-impl's
// remote code: gte-base-en-v1.5, gte-large-en-v1.5, gte-multilingual-base)
// reads from its config.json beyond the BERT keys.

package transformer

import (
	"encoding/json"
	"math"

	"github.com/ganada/ganada/errs"
)

// gteKeys are NewConfig's keys; pointers tell absent keys, which take
// NewConfig's defaults.
type gteKeys struct {
	LayerNormType *string `json:"layer_norm_type"`
	PackQKV       *bool   `json:"pack_qkv"`
	LognScale     bool    `json:"logn_attention_scale"`
}

// gteRopeScaling is NewConfig's rope_scaling (read from the config's raw
// rope_scaling, which the decoder families read too).
type gteRopeScaling struct {
	Type   string   `json:"type"`
	Factor *float64 `json:"factor"`
	MixedB *float64 `json:"mixed_b"`
}

// fixGTE reads a "new" config.json: rotary positions (position_embedding_type
// "rope", NewConfig's default) with rope_theta and the fixed NTK scaling of
// rope_scaling {"type": "ntk", "factor": f} (every frequency of base·f,
// divided by f^(2/dh), at every length, as NTKScalingRotaryEmbedding
// builds its table at load), type_vocab_size 0 as no token types. The
// variants the published models do not use (absolute positions, RMSNorm,
// unpacked q/k/v, log-n attention scaling, mixed NTK) are errors wrapping
// errs.ErrUnsupported.
func fixGTE(c *config) error {
	k := &c.gteKeys
	switch {
	case c.PositionEmbeddingType != "" && c.PositionEmbeddingType != "rope":
		return badConfig(errs.ErrUnsupported, "position_embedding_type %q (only rope)", c.PositionEmbeddingType)
	case k.LayerNormType != nil && *k.LayerNormType != "layer_norm":
		return badConfig(errs.ErrUnsupported, "layer_norm_type %q (only layer_norm)", *k.LayerNormType)
	case k.PackQKV != nil && !*k.PackQKV:
		return badConfig(errs.ErrUnsupported, "pack_qkv false (only the fused qkv_proj)")
	case k.LognScale:
		return badConfig(errs.ErrUnsupported, "logn_attention_scale true")
	}
	c.PositionEmbeddingType = "" // rope: read, not an absolute table
	if c.TypeVocab == nil {
		one := 1 // NewConfig's default
		c.TypeVocab = &one
	} else if *c.TypeVocab == 0 {
		c.TypeVocab, c.noTypes = nil, true
	}
	if c.IntermediateSize == 0 {
		c.IntermediateSize = 3072 // NewConfig's default
	}
	c.globalTheta = 10000 // NewConfig's rope_theta
	if c.RopeTheta != nil {
		c.globalTheta = *c.RopeTheta
	}
	if !(c.globalTheta > 1) || math.IsInf(c.globalTheta, 0) {
		return badConfig(errs.ErrCorrupt, "rope_theta %g: must be finite and above 1", c.globalTheta)
	}
	if len(c.RopeScaling) > 0 && string(c.RopeScaling) != "null" {
		s := &gteRopeScaling{}
		if err := json.Unmarshal(c.RopeScaling, s); err != nil {
			return badConfig(errs.ErrCorrupt, "rope_scaling %s: %v", c.RopeScaling, err)
		}
		switch {
		case s.Type != "ntk":
			return badConfig(errs.ErrUnsupported, "rope_scaling type %q (only ntk)", s.Type)
		case s.MixedB != nil:
			return badConfig(errs.ErrUnsupported, "rope_scaling mixed_b %g (only plain NTK)", *s.MixedB)
		case s.Factor == nil || !(*s.Factor > 0) || *s.Factor > 1e6:
			return badConfig(errs.ErrCorrupt, "rope_scaling factor %v: must be positive", deref(s.Factor))
		}
		// NTKScalingRotaryEmbedding builds its table for
		// max_position_embeddings·factor positions at load, which is more
		// than max_position_embeddings: the scaled frequencies, always.
		c.globalTheta *= *s.Factor
		c.ropeDiv = math.Pow(*s.Factor, 2/float64(c.HiddenSize/max(c.NumHeads, 1)))
	}
	c.localTheta = c.globalTheta
	return nil
}

// newRopeDiv is newRope with every frequency divided by div after it is
// computed, as GTE's NTK scaling divides its float32 inv_freq by the
// float32 of factor^(2/dh).
func newRopeDiv(base, div float64, dh, n int) *rope {
	half := dh / 2
	r := &rope{half: half, cos: make([]float32, n*half), sin: make([]float32, n*half)}
	inv := make([]float32, half)
	for i := range inv {
		e := float32(2*i) / float32(dh)
		inv[i] = 1 / float32(math.Pow(base, float64(e))) / float32(div)
	}
	for p := 0; p < n; p++ {
		for i, f := range inv {
			a := float64(float32(p) * f)
			r.cos[p*half+i] = float32(math.Cos(a))
			r.sin[p*half+i] = float32(math.Sin(a))
		}
	}
	return r
}
