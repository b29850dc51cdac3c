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

	// MPNet.
	RelBuckets *int `json:"relative_attention_num_buckets"`
	// ModernBERT.
	GlobalEvery    *int     `json:"global_attn_every_n_layers"`
	LocalAttention *int     `json:"local_attention"`
	GlobalTheta    *float64 `json:"global_rope_theta"`
	LocalTheta     *float64 `json:"local_rope_theta"`
	AttentionBias  bool     `json:"attention_bias"`
	MLPBias        bool     `json:"mlp_bias"`
	NormBias       bool     `json:"norm_bias"`
	// Decoders (Qwen3, Qwen2, Mistral).
	HeadDim    *int     `json:"head_dim"`
	NumKVHeads *int     `json:"num_key_value_heads"`
	RopeTheta  *float64 `json:"rope_theta"`
	// Sliding windows and the other decoder settings (Qwen2, Mistral,
	// Gemma3 text).
	SlidingWindow        *int            `json:"sliding_window"`
	UseSlidingWindow     bool            `json:"use_sliding_window"`
	LayerTypes           []string        `json:"layer_types"`
	SlidingWindowPattern *int            `json:"sliding_window_pattern"`
	RopeLocalBaseFreq    *float64        `json:"rope_local_base_freq"`
	RopeScaling          json.RawMessage `json:"rope_scaling"`
	RopeParameters       json.RawMessage `json:"rope_parameters"`
	QueryPreAttnScalar   *float64        `json:"query_pre_attn_scalar"`
	UseBidirectional     *bool           `json:"use_bidirectional_attention"`
	AttnSoftcap          *float64        `json:"attn_logit_softcapping"`
	IsCausal             *bool           `json:"is_causal"`

	fam     *family
	gemmAct gemm.Activation // hidden_act, fused into the FFN's first product
	postAct activation      // hidden_act when the epilogue cannot fuse it (none of the supported ones now), else nil
	// headDim, kvHeads: the size of each attention head and the number of
	// key/value heads (grouped-query attention: each serves
	// NumHeads/kvHeads query heads); HiddenSize/NumHeads and NumHeads
	// unless the family reads head_dim and num_key_value_heads.
	headDim, kvHeads int
	eps              float32
	pad              int
	// relBuckets is the number of relative position buckets (biasRelBuckets).
	relBuckets int
	// globalEvery, window, globalTheta and localTheta are the rotary and
	// sliding-window settings of localAttention families: layer i attends
	// globally when i%globalEvery == 0, otherwise to keys within window
	// positions on either side.
	globalEvery, window     int
	globalTheta, localTheta float64
	// localLayers, when set, marks the layers that attend within the
	// sliding window (Gemma3's layer_types); causalWindow is a causal
	// family's window (keys i-causalWindow+1..i; 0: none); attnScale
	// multiplies the attention scores (head_dim^-½ unless the family
	// reads query_pre_attn_scalar).
	localLayers  []bool
	causalWindow int
	attnScale    float32
	// ropeLocal is rope_parameters' sliding_attention theta (0: none).
	ropeLocal float64
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
	if f := familyOf(c.ModelType); f != nil && f.keys != nil {
		// Read the family's own key names as the BERT ones.
		if b, err = renameKeys(b, f.keys); err != nil {
			return nil, fmt.Errorf("transformer: %s: %v: %w", path, err, errs.ErrCorrupt)
		}
		c = config{}
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("transformer: %s: %v: %w", path, err, errs.ErrCorrupt)
		}
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

// renameKeys returns the JSON object b with each key from of keys also
// set under its name to (unless b has that already).
func renameKeys(b []byte, keys map[string]string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for from, to := range keys {
		if v, ok := m[from]; ok {
			if _, has := m[to]; !has {
				m[to] = v
			}
		}
	}
	return json.Marshal(m)
}

func (c *config) check() error {
	c.fam = familyOf(c.ModelType)
	switch {
	case c.ModelType == "":
		return badConfig(errs.ErrUnsupported, "no model_type")
	case c.fam == nil:
		return badConfig(errs.ErrUnsupported, "model_type %q (supported: %s)", c.ModelType, supportedModelTypes())
	}
	if c.PositionEmbeddingType != "" && c.PositionEmbeddingType != "absolute" {
		return badConfig(errs.ErrUnsupported, "position_embedding_type %q (only absolute)", c.PositionEmbeddingType)
	}
	act := c.HiddenAct
	if act == "" {
		act = "gelu"
	}
	fn, ok := activationByName(act)
	c.gemmAct = gemmActivation(act)
	if !ok {
		return badConfig(errs.ErrUnsupported, "hidden_act %q (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu)", c.HiddenAct)
	}
	if c.gemmAct == gemm.None {
		c.postAct = fn
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
	c.headDim, c.kvHeads = c.HiddenSize/c.NumHeads, c.NumHeads
	if c.HeadDim != nil || c.NumKVHeads != nil {
		if !c.fam.decoder {
			return badConfig(errs.ErrUnsupported, "head_dim or num_key_value_heads in a %s config", c.fam.name)
		}
		if c.HeadDim != nil {
			c.headDim = *c.HeadDim
		}
		if c.NumKVHeads != nil {
			c.kvHeads = *c.NumKVHeads
		}
		if c.headDim <= 0 || c.headDim > 1<<16 || c.kvHeads <= 0 || c.NumHeads%c.kvHeads != 0 {
			return badConfig(errs.ErrCorrupt, "head_dim %d, num_key_value_heads %d: must be positive, the heads (%d) a multiple of the key/value heads", c.headDim, c.kvHeads, c.NumHeads)
		}
	} else if c.HiddenSize%c.NumHeads != 0 {
		return badConfig(errs.ErrCorrupt, "hidden_size %d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumHeads)
	}
	if c.TypeVocab != nil {
		if *c.TypeVocab <= 0 {
			return badConfig(errs.ErrCorrupt, "type_vocab_size %d: must be positive", *c.TypeVocab)
		}
		c.TypeVocabSize = *c.TypeVocab
	}
	if err := c.checkFamily(); err != nil {
		return err
	}
	c.eps = float32(c.fam.eps)
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
	} else {
		c.pad = c.fam.pad
	}
	// RoBERTa numbers positions from pad_token_id+1, so a pad id outside
	// the vocabulary (negative, say) would index outside the position
	// table; BERT does not use it, but a real one is a token.
	if c.pad < 0 || c.pad >= c.VocabSize {
		return badConfig(errs.ErrCorrupt, "pad_token_id %d outside the vocabulary (vocab_size %d)", c.pad, c.VocabSize)
	}
	if c.fam.positions == posAfterPad && c.MaxPositionEmbeddings <= c.pad+1 {
		return badConfig(errs.ErrCorrupt, "max_position_embeddings %d leaves no positions after padding_idx (pad_token_id) %d", c.MaxPositionEmbeddings, c.pad)
	}
	return nil
}

// maxTokens is the longest sequence the position embeddings allow.
func (c *config) maxTokens() int { return c.fam.maxTokens(c) }

// qkvWidth is the width of the fused query, key and value rows.
func (c *config) qkvWidth() int { return (c.NumHeads + 2*c.kvHeads) * c.headDim }

// attnWidth is the width of the attention context rows (all query heads).
func (c *config) attnWidth() int { return c.NumHeads * c.headDim }

// ctxWidth is the width of the runner's ctx rows: attention context, and
// normalised or scratch hidden rows.
func (c *config) ctxWidth() int { return max(c.HiddenSize, c.attnWidth()) }

// innerWidth is the width of the first MLP product: intermediate_size, or
// twice that for a gated MLP ([input; gate]).
func (c *config) innerWidth() int {
	if c.fam.gatedMLP {
		return 2 * c.IntermediateSize
	}
	return c.IntermediateSize
}

// checkFamily checks and sets the settings of the family's own
// mechanisms.
func (c *config) checkFamily() error {
	f := c.fam
	if f.attnBias == biasRelBuckets {
		c.relBuckets = 32 // MPNet's default
		if c.RelBuckets != nil {
			c.relBuckets = *c.RelBuckets
		}
		// transformers' MPNetEncoder buckets into 32 whatever the config
		// says (compute_position_bias's default): the table needs 32 rows.
		if c.relBuckets < relBucketsUsed || c.relBuckets > 1<<16 {
			return badConfig(errs.ErrCorrupt, "relative_attention_num_buckets %d: must be %d..65536", c.relBuckets, relBucketsUsed)
		}
	}
	if f.localAttention {
		if c.AttentionBias || c.MLPBias || c.NormBias {
			return badConfig(errs.ErrUnsupported, "attention_bias, mlp_bias or norm_bias true (only bias-free ModernBERT models)")
		}
		c.globalEvery, c.window = 3, 64 // ModernBertConfig's defaults (local_attention 128)
		if c.GlobalEvery != nil {
			c.globalEvery = *c.GlobalEvery
		}
		if c.LocalAttention != nil {
			if *c.LocalAttention < 0 {
				return badConfig(errs.ErrCorrupt, "local_attention %d: negative", *c.LocalAttention)
			}
			c.window = *c.LocalAttention / 2
		}
		if c.globalEvery <= 0 {
			return badConfig(errs.ErrCorrupt, "global_attn_every_n_layers %d: must be positive", c.globalEvery)
		}
		c.globalTheta = 160000
		if c.GlobalTheta != nil {
			c.globalTheta = *c.GlobalTheta
		}
		c.localTheta = c.globalTheta
		if c.LocalTheta != nil {
			c.localTheta = *c.LocalTheta
		}
		for _, th := range []struct {
			name string
			v    float64
		}{{"global_rope_theta", c.globalTheta}, {"local_rope_theta", c.localTheta}} {
			if !(th.v > 1) || math.IsInf(th.v, 0) {
				return badConfig(errs.ErrCorrupt, "%s %g: must be finite and above 1", th.name, th.v)
			}
		}
	}
	if f.decoder {
		c.globalTheta = f.theta
		if c.RopeTheta != nil {
			c.globalTheta = *c.RopeTheta
		}
		if !(c.globalTheta > 1) || math.IsInf(c.globalTheta, 0) {
			return badConfig(errs.ErrCorrupt, "rope_theta %g: must be finite and above 1", c.globalTheta)
		}
		c.localTheta = c.globalTheta
		if c.AttentionBias && !f.biases {
			return badConfig(errs.ErrUnsupported, "attention_bias true (%s models have none)", f.name)
		}
		if err := c.checkDecoder(); err != nil {
			return err
		}
	}
	c.attnScale = float32(1 / math.Sqrt(float64(c.headDim)))
	if f.queryScalar {
		q := float64(256) // Gemma3TextConfig's default
		if c.QueryPreAttnScalar != nil {
			q = *c.QueryPreAttnScalar
		}
		if !(q > 0) || math.IsInf(q, 0) {
			return badConfig(errs.ErrCorrupt, "query_pre_attn_scalar %g: must be positive and finite", q)
		}
		c.attnScale = float32(math.Pow(q, -0.5))
	}
	if f.positions == posRotary && c.headDim%2 != 0 {
		return badConfig(errs.ErrCorrupt, "head size %d is odd: rotary positions need it even", c.headDim)
	}
	return nil
}

// maxWindow bounds sliding_window: larger windows are as good as none for
// any text a model allows, and the bound keeps window arithmetic far from
// overflow.
const maxWindow = 1 << 24

// checkDecoder checks and sets the sliding-window, rotary and layer-type
// settings of the decoder families (Qwen3's configs say use_sliding_window
// false and rope_scaling null, as Qwen2's).
func (c *config) checkDecoder() error {
	f := c.fam
	if f.decoderWindow == windowNone && c.UseSlidingWindow {
		return badConfig(errs.ErrUnsupported, "use_sliding_window true (%s models are run with full attention)", f.name)
	}
	if len(c.RopeScaling) > 0 && string(c.RopeScaling) != "null" {
		return badConfig(errs.ErrUnsupported, "rope_scaling %s (only the default rotary embedding)", c.RopeScaling)
	}
	if c.IsCausal != nil && *c.IsCausal != f.causal {
		// transformers' is_causal switch (bidirectional decoders): not
		// checked against a reference here.
		return badConfig(errs.ErrUnsupported, "is_causal %v (%s models run with is_causal %v only)", *c.IsCausal, f.name, f.causal)
	}
	if c.AttnSoftcap != nil {
		return badConfig(errs.ErrUnsupported, "attn_logit_softcapping %g (no soft-capping of attention scores)", *c.AttnSoftcap)
	}
	if err := c.readRopeParameters(); err != nil {
		return err
	}
	w := 0
	if c.SlidingWindow != nil {
		w = *c.SlidingWindow
		if w <= 0 || w > maxWindow {
			return badConfig(errs.ErrCorrupt, "sliding_window %d: must be 1..%d", w, maxWindow)
		}
	}
	switch f.decoderWindow {
	case windowCausal:
		c.causalWindow = w
	case windowBidirectional:
		if c.UseBidirectional == nil || !*c.UseBidirectional {
			return badConfig(errs.ErrUnsupported, "use_bidirectional_attention false (only bidirectional %s models, as EmbeddingGemma)", f.name)
		}
		if c.SlidingWindow == nil {
			w = 4096 // Gemma3TextConfig's default
		}
		// Gemma3TextConfig makes W an exclusive bound W/2+1 when
		// bidirectional: keys within W/2 on either side.
		c.window = w / 2
	}
	if !f.layerTypes {
		return nil
	}
	switch {
	case c.RopeLocalBaseFreq != nil:
		c.localTheta = *c.RopeLocalBaseFreq
	case c.ropeLocal > 0:
		c.localTheta = c.ropeLocal
	default:
		c.localTheta = 1e4 // Gemma3TextConfig's default
	}
	if !(c.localTheta > 1) || math.IsInf(c.localTheta, 0) {
		return badConfig(errs.ErrCorrupt, "rope_local_base_freq %g: must be finite and above 1", c.localTheta)
	}
	c.localLayers = make([]bool, c.NumLayers)
	if c.LayerTypes != nil {
		if len(c.LayerTypes) != c.NumLayers {
			return badConfig(errs.ErrCorrupt, "layer_types has %d entries for %d layers", len(c.LayerTypes), c.NumLayers)
		}
		for i, t := range c.LayerTypes {
			switch t {
			case "sliding_attention":
				c.localLayers[i] = true
			case "full_attention":
			default:
				return badConfig(errs.ErrUnsupported, "layer_types[%d] %q (supported: sliding_attention, full_attention)", i, t)
			}
		}
		return nil
	}
	// No layer_types: every pattern-th layer is global (Gemma3TextConfig).
	p := 6
	if c.SlidingWindowPattern != nil {
		p = *c.SlidingWindowPattern
	}
	if p <= 0 {
		return badConfig(errs.ErrCorrupt, "sliding_window_pattern %d: must be positive", p)
	}
	for i := range c.localLayers {
		c.localLayers[i] = (i+1)%p != 0
	}
	return nil
}

// ropeParams is one entry of rope_parameters, the form transformers v5
// saves the rotary settings in (instead of rope_theta, rope_scaling and
// rope_local_base_freq).
type ropeParams struct {
	Type  string   `json:"rope_type"`
	Theta *float64 `json:"rope_theta"`
}

// readRopeParameters reads rope_parameters when config.json has it: one
// entry for every layer ({"rope_type": ..., "rope_theta": ...}) or one per
// layer type ({"full_attention": {...}, "sliding_attention": {...}}, as
// Gemma3 saves it). Its thetas apply where rope_theta and
// rope_local_base_freq are absent; a rope_type other than "default" is
// refused, as rope_scaling is.
func (c *config) readRopeParameters() error {
	if len(c.RopeParameters) == 0 || string(c.RopeParameters) == "null" {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(c.RopeParameters, &keys); err != nil {
		return badConfig(errs.ErrCorrupt, "rope_parameters: %v", err)
	}
	var global, local *ropeParams
	if _, perType := keys["full_attention"]; perType {
		var byType map[string]*ropeParams
		if err := json.Unmarshal(c.RopeParameters, &byType); err != nil {
			return badConfig(errs.ErrCorrupt, "rope_parameters: %v", err)
		}
		global, local = byType["full_attention"], byType["sliding_attention"]
	} else {
		global = new(ropeParams)
		if err := json.Unmarshal(c.RopeParameters, global); err != nil {
			return badConfig(errs.ErrCorrupt, "rope_parameters: %v", err)
		}
	}
	for _, p := range []*ropeParams{global, local} {
		if p == nil {
			continue
		}
		if p.Type != "" && p.Type != "default" {
			return badConfig(errs.ErrUnsupported, "rope_parameters rope_type %q (only the default rotary embedding)", p.Type)
		}
		if p.Theta != nil && (!(*p.Theta > 1) || math.IsInf(*p.Theta, 0)) {
			return badConfig(errs.ErrCorrupt, "rope_parameters rope_theta %g: must be finite and above 1", *p.Theta)
		}
	}
	if global != nil && global.Theta != nil && c.RopeTheta == nil {
		c.globalTheta = *global.Theta
		c.localTheta = c.globalTheta
	}
	if local != nil && local.Theta != nil {
		c.ropeLocal = *local.Theta
	}
	return nil
}
