"""PreTrainedModel: an nn.Module holding its config, with transformers'
ModuleUtilsMixin.get_extended_attention_mask for a 2-D padding mask
((1 - mask[:, None, None, :]) * finfo(dtype).min) and dtype/device."""

import torch
from torch import nn


class PreTrainedModel(nn.Module):
    config_class = None
    base_model_prefix = ""
    _keys_to_ignore_on_load_missing = None
    supports_gradient_checkpointing = False

    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config

    @property
    def name_or_path(self):
        return getattr(self.config, "_name_or_path", "")

    @property
    def dtype(self):
        for p in self.parameters():
            return p.dtype
        return torch.get_default_dtype()

    @property
    def device(self):
        for p in self.parameters():
            return p.device
        return torch.device("cpu")

    def _init_weights(self, module):
        """transformers' PreTrainedModel._init_weights, which model classes
        of transformers v5 call through super(): Linear and Embedding
        weights N(0, initializer_range), biases and the padding row zero,
        LayerNorm 1 / 0. gen.py redraws every weight afterwards."""
        std = getattr(self.config, "initializer_range", 0.02)
        with torch.no_grad():
            if isinstance(module, nn.Linear):
                module.weight.normal_(mean=0.0, std=std)
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.Embedding):
                module.weight.normal_(mean=0.0, std=std)
                if module.padding_idx is not None:
                    module.weight[module.padding_idx].zero_()
            elif isinstance(module, nn.LayerNorm):
                if module.weight is not None:
                    module.weight.fill_(1.0)
                if module.bias is not None:
                    module.bias.zero_()

    def post_init(self):
        # Only a model class's own _init_weights runs here (as before the
        # base one above existed), so the remote-code families' seeded
        # weights are unchanged; v5 classes reach the base through super().
        init = getattr(type(self), "_init_weights", None)
        if init is not None and init is not PreTrainedModel._init_weights:
            self.apply(self._init_weights)

    def get_extended_attention_mask(self, attention_mask, input_shape, device=None, dtype=None):
        if dtype is None:
            dtype = self.dtype
        if attention_mask.dim() == 3:
            extended = attention_mask[:, None, :, :]
        elif attention_mask.dim() == 2:
            extended = attention_mask[:, None, None, :]
        else:
            raise ValueError(f"wrong shape for attention_mask {tuple(attention_mask.shape)}")
        extended = extended.to(dtype=dtype)
        return (1.0 - extended) * torch.finfo(dtype).min

    def warn_if_padding_and_no_attention_mask(self, input_ids, attention_mask):
        pass

    def get_head_mask(self, head_mask, num_hidden_layers, is_attention_chunked=False):
        if head_mask is not None:
            raise NotImplementedError("head_mask: not used by gen.py")
        return [None] * num_hidden_layers


class ViTModel(PreTrainedModel):
    """Named by NomicBERT's file for its vision tower; never used here."""
