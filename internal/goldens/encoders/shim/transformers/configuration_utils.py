"""PretrainedConfig as transformers defines its behaviour for plain
attribute access: keyword arguments become attributes, attribute_map
aliases names (GPT2Config's hidden_size -> n_embd), and the common fields
have transformers' defaults. No file reading: gen.py builds configs from
the dicts it writes as config.json."""


class PretrainedConfig:
    model_type = ""
    attribute_map = {}

    def __setattr__(self, key, value):
        key = type(self).attribute_map.get(key, key)
        object.__setattr__(self, key, value)

    def __getattribute__(self, key):
        if key != "attribute_map" and key in type(self).attribute_map:
            key = type(self).attribute_map[key]
        return object.__getattribute__(self, key)

    def __init__(self, **kwargs):
        # transformers' PretrainedConfig defaults for the fields modeling
        # code reads.
        self.return_dict = kwargs.pop("return_dict", True)
        self.output_hidden_states = kwargs.pop("output_hidden_states", False)
        self.output_attentions = kwargs.pop("output_attentions", False)
        self.torch_dtype = kwargs.pop("torch_dtype", None)
        self.use_bfloat16 = kwargs.pop("use_bfloat16", False)
        self.tie_word_embeddings = kwargs.pop("tie_word_embeddings", True)
        self.is_decoder = kwargs.pop("is_decoder", False)
        self.is_encoder_decoder = kwargs.pop("is_encoder_decoder", False)
        self.add_cross_attention = kwargs.pop("add_cross_attention", False)
        self.chunk_size_feed_forward = kwargs.pop("chunk_size_feed_forward", 0)
        self.pruned_heads = kwargs.pop("pruned_heads", {})
        self.architectures = kwargs.pop("architectures", None)
        self.problem_type = kwargs.pop("problem_type", None)
        self.num_labels = kwargs.pop("num_labels", 2)
        self._name_or_path = kwargs.pop("name_or_path", "")
        self.pad_token_id = kwargs.pop("pad_token_id", None)
        self.bos_token_id = kwargs.pop("bos_token_id", None)
        self.eos_token_id = kwargs.pop("eos_token_id", None)
        self._attn_implementation = kwargs.pop("attn_implementation", "eager")
        for k, v in kwargs.items():
            setattr(self, k, v)

    @property
    def use_return_dict(self):
        return self.return_dict

    def update(self, d):
        for k, v in d.items():
            setattr(self, k, v)

    def to_dict(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


# transformers v5 spells the base class PreTrainedConfig (MPNet's
# configuration file imports that name).
PreTrainedConfig = PretrainedConfig


class GPT2Config(PretrainedConfig):
    """transformers' GPT2Config: its defaults and attribute_map."""

    model_type = "gpt2"
    attribute_map = {
        "hidden_size": "n_embd",
        "max_position_embeddings": "n_positions",
        "num_attention_heads": "n_head",
        "num_hidden_layers": "n_layer",
    }

    def __init__(self, vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12, n_inner=None,
                 activation_function="gelu_new", resid_pdrop=0.1, embd_pdrop=0.1, attn_pdrop=0.1,
                 layer_norm_epsilon=1e-5, initializer_range=0.02, summary_type="cls_index",
                 summary_use_proj=True, summary_activation=None, summary_proj_to_labels=True,
                 summary_first_dropout=0.1, scale_attn_weights=True, use_cache=True, bos_token_id=50256,
                 eos_token_id=50256, scale_attn_by_inverse_layer_idx=False, reorder_and_upcast_attn=False,
                 **kwargs):
        self.vocab_size = vocab_size
        self.n_positions = n_positions
        self.n_embd = n_embd
        self.n_layer = n_layer
        self.n_head = n_head
        self.n_inner = n_inner
        self.activation_function = activation_function
        self.resid_pdrop = resid_pdrop
        self.embd_pdrop = embd_pdrop
        self.attn_pdrop = attn_pdrop
        self.layer_norm_epsilon = layer_norm_epsilon
        self.initializer_range = initializer_range
        self.summary_type = summary_type
        self.summary_use_proj = summary_use_proj
        self.summary_activation = summary_activation
        self.summary_first_dropout = summary_first_dropout
        self.summary_proj_to_labels = summary_proj_to_labels
        self.scale_attn_weights = scale_attn_weights
        self.use_cache = use_cache
        self.scale_attn_by_inverse_layer_idx = scale_attn_by_inverse_layer_idx
        self.reorder_and_upcast_attn = reorder_and_upcast_attn
        super().__init__(bos_token_id=bos_token_id, eos_token_id=eos_token_id, **kwargs)


class ViTConfig(PretrainedConfig):
    """Named by NomicBERT's file for its vision tower; never used here."""

    model_type = "vit"
