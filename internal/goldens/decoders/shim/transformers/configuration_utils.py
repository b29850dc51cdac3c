"""PreTrainedConfig: a plain attribute holder (see gen.py for the values)."""


class PreTrainedConfig:
    def __init__(self, **kwargs):
        # The defaults transformers' PretrainedConfig gives the attributes
        # the modeling files read.
        self.output_attentions = False
        self.output_hidden_states = False
        self.use_return_dict = True
        self.use_cache = False
        self._attn_implementation = "eager"
        self.pad_token_id = None
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_text_config(self):
        return self


PretrainedConfig = PreTrainedConfig
