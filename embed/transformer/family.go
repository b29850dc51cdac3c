// family.go describes each supported architecture (model_type) as data:
// how its config.json names the sizes, how it embeds tokens and positions,
// its attention, MLP and norm placement, and the names of its tensors.
// The loader (weights.go) and the forward pass (encoder.go, runner.go)
// read these descriptions instead of switching on model_type, so a new
// encoder family is one more value here plus, when it brings a mechanism
// none of the others has, that mechanism.

package transformer

import (
	"sort"
	"strings"
)

// positionKind is how a family tells the encoder where each token is.
type positionKind int

const (
	// posAbsolute: a learned position table indexed 0..n-1 (BERT,
	// DistilBERT).
	posAbsolute positionKind = iota
	// posAfterPad: a learned table indexed from padding_idx+1 for
	// non-padding tokens, as transformers' create_position_ids_from_input_ids
	// (RoBERTa, XLM-RoBERTa, MPNet).
	posAfterPad
	// posRotary: no table; rotary embeddings (rotate_half layout) on the
	// queries and keys of every layer (ModernBERT).
	posRotary
)

// attnBiasKind is what a family adds to the scaled attention scores
// besides the padding mask.
type attnBiasKind int

const (
	biasNone attnBiasKind = iota
	// biasRelBuckets: a learned bias per head and T5-style relative
	// position bucket, shared by all layers (MPNet).
	biasRelBuckets
)

// family describes one architecture. Every tensor name is relative to the
// checkpoint's prefix (one of prefixes, found by the word embeddings);
// names with %d are per layer.
type family struct {
	name       string   // the first model_type, for messages
	modelTypes []string // the config.json model_type values it runs
	prefixes   []string // prefixes of task-model checkpoints (BertForX's "bert.")

	// keys maps config.json keys of this family to the BERT names the
	// config struct reads (DistilBERT's "dim" is hidden_size, ...).
	keys map[string]string
	// defaults are config values the family fixes when config.json has
	// none: layer_norm_eps, pad_token_id.
	eps float64
	pad int

	positions  positionKind
	tokenTypes bool // a token type table is added to the embeddings
	attnBias   attnBiasKind
	gatedMLP   bool // the first MLP product is [input; gate]: act(input)·gate
	preNorm    bool // x + f(LN(x)) with a final LayerNorm, instead of LN(x + f(x))
	biases     bool // Linear layers and LayerNorms have biases
	// localAttention: layers whose index is not a multiple of
	// global_attn_every_n_layers attend within a sliding window
	// (ModernBERT).
	localAttention bool

	// Decoder LLMs used as embedders (Qwen3): decoder reads head_dim,
	// num_key_value_heads (grouped-query attention) and rope_theta
	// (default theta); rmsNorm normalises with RMSNorm (weight only,
	// computed in float32) instead of LayerNorm; causal attends to earlier
	// tokens only.
	decoder bool
	theta   float64
	rmsNorm bool
	causal  bool

	// decoderWindow is how config.json's sliding_window applies to a
	// decoder family (see windowKind).
	decoderWindow windowKind
	// Gemma3 text (EmbeddingGemma): normPlusOne scales every RMSNorm by
	// (1 + w) instead of w; embedScale multiplies the word embeddings by
	// √hidden_size; queryScalar scales the attention scores by
	// query_pre_attn_scalar^-½ instead of head_dim^-½; layerTypes reads
	// which layers attend within a sliding window from layer_types (or
	// sliding_window_pattern).
	normPlusOne bool
	embedScale  bool
	queryScalar bool
	layerTypes  bool

	names tensorNames
}

// windowKind is what a decoder family does with config.json's
// sliding_window.
type windowKind int

const (
	// windowNone: the family has no sliding window; a config asking for
	// one (Qwen2's use_sliding_window) is refused.
	windowNone windowKind = iota
	// windowCausal: every layer attends to the sliding_window most recent
	// keys, itself included (Mistral: keys i-W+1..i), when set.
	windowCausal
	// windowBidirectional: the layers layer_types marks
	// "sliding_attention" attend to keys within sliding_window/2 on either
	// side (Gemma3 with use_bidirectional_attention, whose config turns
	// sliding_window W into an exclusive bound W/2+1).
	windowBidirectional
)

// tensorNames are a family's tensor names without ".weight" / ".bias".
// An empty name means the family has no such tensor.
type tensorNames struct {
	word, pos, typ, embNorm string
	q, k, v                 string // separate query, key and value
	qkv                     string // or fused [q; k; v]
	attnOut, attnNorm       string
	mlpIn, mlpOut, mlpNorm  string
	// mlpUp: a gated MLP whose halves are separate tensors: mlpIn is the
	// activated one (gate_proj), mlpUp the other (up_proj).
	mlpUp string
	// qNorm, kNorm: per-head RMSNorms over head_dim of the queries and
	// keys, before the rotary positions (Qwen3).
	qNorm, kNorm string
	relBias      string // biasRelBuckets' table [buckets, heads]
	finalNorm    string // preNorm's last LayerNorm
	// firstAttnNorm reports whether layer 0 has attnNorm (ModernBERT's
	// layer 0 has none: its embeddings are already normalised).
	noFirstAttnNorm bool
	// attnPostNorm, mlpPostNorm: norms of the attention's and the MLP's
	// outputs before they join the residual stream (Gemma3's
	// post_attention_layernorm and post_feedforward_layernorm).
	attnPostNorm, mlpPostNorm string
}

var bertNames = tensorNames{
	word:     "embeddings.word_embeddings",
	pos:      "embeddings.position_embeddings",
	typ:      "embeddings.token_type_embeddings",
	embNorm:  "embeddings.LayerNorm",
	q:        "encoder.layer.%d.attention.self.query",
	k:        "encoder.layer.%d.attention.self.key",
	v:        "encoder.layer.%d.attention.self.value",
	attnOut:  "encoder.layer.%d.attention.output.dense",
	attnNorm: "encoder.layer.%d.attention.output.LayerNorm",
	mlpIn:    "encoder.layer.%d.intermediate.dense",
	mlpOut:   "encoder.layer.%d.output.dense",
	mlpNorm:  "encoder.layer.%d.output.LayerNorm",
}

// families lists every supported architecture.
var families = []*family{
	{
		name: "bert", modelTypes: []string{"bert"}, prefixes: []string{"", "bert.", "model."},
		eps: 1e-12, pad: 0, positions: posAbsolute, tokenTypes: true, biases: true,
		names: bertNames,
	},
	{
		name: "roberta", modelTypes: []string{"roberta", "xlm-roberta"}, prefixes: []string{"", "roberta.", "bert.", "model."},
		eps: 1e-12, pad: 1, positions: posAfterPad, tokenTypes: true, biases: true,
		names: bertNames,
	},
	{
		// MPNet: RoBERTa's embeddings without token types, BERT's layers
		// under other names, and one relative position bias table.
		name: "mpnet", modelTypes: []string{"mpnet"}, prefixes: []string{"", "mpnet.", "model."},
		eps: 1e-12, pad: 1, positions: posAfterPad, attnBias: biasRelBuckets, biases: true,
		names: tensorNames{
			word:     "embeddings.word_embeddings",
			pos:      "embeddings.position_embeddings",
			embNorm:  "embeddings.LayerNorm",
			q:        "encoder.layer.%d.attention.attn.q",
			k:        "encoder.layer.%d.attention.attn.k",
			v:        "encoder.layer.%d.attention.attn.v",
			attnOut:  "encoder.layer.%d.attention.attn.o",
			attnNorm: "encoder.layer.%d.attention.LayerNorm",
			mlpIn:    "encoder.layer.%d.intermediate.dense",
			mlpOut:   "encoder.layer.%d.output.dense",
			mlpNorm:  "encoder.layer.%d.output.LayerNorm",
			relBias:  "encoder.relative_attention_bias",
		},
	},
	{
		// DistilBERT: BERT without token types, under its own names and
		// config keys; LayerNorm eps is fixed at 1e-12 in its code. A
		// sinusoidal_pos_embds model stores its (fixed) table like a
		// learned one.
		name: "distilbert", modelTypes: []string{"distilbert"}, prefixes: []string{"", "distilbert.", "model."},
		keys: map[string]string{
			"dim": "hidden_size", "n_layers": "num_hidden_layers", "n_heads": "num_attention_heads",
			"hidden_dim": "intermediate_size", "activation": "hidden_act",
		},
		eps: 1e-12, pad: 0, positions: posAbsolute, biases: true,
		names: tensorNames{
			word:     "embeddings.word_embeddings",
			pos:      "embeddings.position_embeddings",
			embNorm:  "embeddings.LayerNorm",
			q:        "transformer.layer.%d.attention.q_lin",
			k:        "transformer.layer.%d.attention.k_lin",
			v:        "transformer.layer.%d.attention.v_lin",
			attnOut:  "transformer.layer.%d.attention.out_lin",
			attnNorm: "transformer.layer.%d.sa_layer_norm",
			mlpIn:    "transformer.layer.%d.ffn.lin1",
			mlpOut:   "transformer.layer.%d.ffn.lin2",
			mlpNorm:  "transformer.layer.%d.output_layer_norm",
		},
	},
	{
		// ModernBERT: pre-norm, rotary positions, alternating global and
		// sliding-window attention, GeGLU, no biases.
		name: "modernbert", modelTypes: []string{"modernbert"}, prefixes: []string{"", "model."},
		keys: map[string]string{"norm_eps": "layer_norm_eps", "hidden_activation": "hidden_act"},
		eps:  1e-5, pad: 0, positions: posRotary, gatedMLP: true, preNorm: true, localAttention: true,
		names: tensorNames{
			word:            "embeddings.tok_embeddings",
			embNorm:         "embeddings.norm",
			qkv:             "layers.%d.attn.Wqkv",
			attnOut:         "layers.%d.attn.Wo",
			attnNorm:        "layers.%d.attn_norm",
			noFirstAttnNorm: true,
			mlpIn:           "layers.%d.mlp.Wi",
			mlpOut:          "layers.%d.mlp.Wo",
			mlpNorm:         "layers.%d.mlp_norm",
			finalNorm:       "final_norm",
		},
	},
	{
		// Qwen3 (Qwen3-Embedding): pre-RMSNorm, rotary positions,
		// grouped-query causal attention with per-head q/k RMSNorm,
		// SwiGLU, no biases. The embedding is the last token's.
		name: "qwen3", modelTypes: []string{"qwen3"}, prefixes: []string{"", "model."},
		keys: map[string]string{"rms_norm_eps": "layer_norm_eps"},
		eps:  1e-6, pad: 0, positions: posRotary, gatedMLP: true, preNorm: true,
		decoder: true, theta: 1e6, rmsNorm: true, causal: true,
		names: tensorNames{
			word:      "embed_tokens",
			q:         "layers.%d.self_attn.q_proj",
			k:         "layers.%d.self_attn.k_proj",
			v:         "layers.%d.self_attn.v_proj",
			qNorm:     "layers.%d.self_attn.q_norm",
			kNorm:     "layers.%d.self_attn.k_norm",
			attnOut:   "layers.%d.self_attn.o_proj",
			attnNorm:  "layers.%d.input_layernorm",
			mlpIn:     "layers.%d.mlp.gate_proj",
			mlpUp:     "layers.%d.mlp.up_proj",
			mlpOut:    "layers.%d.mlp.down_proj",
			mlpNorm:   "layers.%d.post_attention_layernorm",
			finalNorm: "norm",
		},
	},
	{
		// Qwen2 (gte-Qwen2): Qwen3 without q/k norms, with biases on the
		// query, key and value projections (only those).
		name: "qwen2", modelTypes: []string{"qwen2"}, prefixes: []string{"", "model."},
		keys: map[string]string{"rms_norm_eps": "layer_norm_eps"},
		eps:  1e-6, pad: 0, positions: posRotary, gatedMLP: true, preNorm: true, biases: true,
		decoder: true, theta: 1e4, rmsNorm: true, causal: true,
		names: decoderNames,
	},
	{
		// Mistral (e5-mistral): Qwen2's blocks without biases; a causal
		// sliding window when config.json sets sliding_window.
		name: "mistral", modelTypes: []string{"mistral"}, prefixes: []string{"", "model."},
		keys: map[string]string{"rms_norm_eps": "layer_norm_eps"},
		eps:  1e-6, pad: 0, positions: posRotary, gatedMLP: true, preNorm: true,
		decoder: true, theta: 1e4, rmsNorm: true, causal: true, decoderWindow: windowCausal,
		names: decoderNames,
	},
	{
		// Gemma3 text as EmbeddingGemma uses it: bidirectional attention,
		// sliding-window layers with their own rotary theta, (1+w)
		// RMSNorms also after attention and MLP, q/k norms, GeGLU, scaled
		// embeddings and attention scores.
		name: "gemma3_text", modelTypes: []string{"gemma3_text"}, prefixes: []string{"", "model.", "model.language_model."},
		keys: map[string]string{"rms_norm_eps": "layer_norm_eps", "hidden_activation": "hidden_act"},
		eps:  1e-6, pad: 0, positions: posRotary, gatedMLP: true, preNorm: true,
		decoder: true, theta: 1e6, rmsNorm: true, decoderWindow: windowBidirectional,
		normPlusOne: true, embedScale: true, queryScalar: true, layerTypes: true,
		names: gemma3Names,
	},
}

// decoderNames are the tensor names of the Llama-style decoders (Qwen2,
// Mistral): Qwen3's without the q/k norms.
var decoderNames = tensorNames{
	word:      "embed_tokens",
	q:         "layers.%d.self_attn.q_proj",
	k:         "layers.%d.self_attn.k_proj",
	v:         "layers.%d.self_attn.v_proj",
	attnOut:   "layers.%d.self_attn.o_proj",
	attnNorm:  "layers.%d.input_layernorm",
	mlpIn:     "layers.%d.mlp.gate_proj",
	mlpUp:     "layers.%d.mlp.up_proj",
	mlpOut:    "layers.%d.mlp.down_proj",
	mlpNorm:   "layers.%d.post_attention_layernorm",
	finalNorm: "norm",
}

// gemma3Names are Gemma3TextModel's tensor names: its
// post_attention_layernorm normalises the attention's output, and
// pre_feedforward_layernorm is the norm before the MLP.
var gemma3Names = tensorNames{
	word:         "embed_tokens",
	q:            "layers.%d.self_attn.q_proj",
	k:            "layers.%d.self_attn.k_proj",
	v:            "layers.%d.self_attn.v_proj",
	qNorm:        "layers.%d.self_attn.q_norm",
	kNorm:        "layers.%d.self_attn.k_norm",
	attnOut:      "layers.%d.self_attn.o_proj",
	attnNorm:     "layers.%d.input_layernorm",
	attnPostNorm: "layers.%d.post_attention_layernorm",
	mlpIn:        "layers.%d.mlp.gate_proj",
	mlpUp:        "layers.%d.mlp.up_proj",
	mlpOut:       "layers.%d.mlp.down_proj",
	mlpNorm:      "layers.%d.pre_feedforward_layernorm",
	mlpPostNorm:  "layers.%d.post_feedforward_layernorm",
	finalNorm:    "norm",
}

// familyOf returns the family running model_type t, or nil.
func familyOf(t string) *family {
	for _, f := range families {
		for _, mt := range f.modelTypes {
			if mt == t {
				return f
			}
		}
	}
	return nil
}

// supportedModelTypes lists every model_type, sorted, for messages.
func supportedModelTypes() string {
	var all []string
	for _, f := range families {
		all = append(all, f.modelTypes...)
	}
	sort.Strings(all)
	return strings.Join(all, ", ")
}

// maxTokens is the longest sequence the family's positions allow.
func (f *family) maxTokens(c *config) int {
	if f.positions == posAfterPad {
		return c.MaxPositionEmbeddings - c.pad - 1
	}
	return c.MaxPositionEmbeddings
}
