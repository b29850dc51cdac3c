"""Attention mask builders of transformers' masking_utils, in plain tensor ops.

create_causal_mask and create_sliding_window_causal_mask build the 4-D float
mask the eager attention adds to its scores: 0 where query q may attend to key
kv, torch.finfo(dtype).min elsewhere. As in masking_utils:
  - causal:          kv <= q
  - sliding window:  kv <= q and kv > q - config.sliding_window
  - or_mask_function (when given) is OR-ed onto that (Gemma3TextModel passes
    its own functions for bidirectional attention and they run unmodified);
  - padding (attention_mask == 0 at kv) is AND-ed last.
The index functions are evaluated on broadcast index tensors (batch, head,
q, kv), as masking_utils' non-vmap path does on torch < 2.6.
"""
import torch


def _mask(base, config, input_embeds, attention_mask, cache_position, or_mask_function=None, **kwargs):
    b, n = input_embeds.shape[0], input_embeds.shape[1]
    kv_len = attention_mask.shape[-1] if attention_mask is not None else n
    bi = torch.arange(b).view(b, 1, 1, 1)
    hi = torch.zeros(1, 1, 1, 1, dtype=torch.long)
    qi = cache_position.view(1, 1, -1, 1)
    ki = torch.arange(kv_len).view(1, 1, 1, -1)
    allowed = base(bi, hi, qi, ki)
    if or_mask_function is not None:
        allowed = allowed | or_mask_function(bi, hi, qi, ki)
    allowed = allowed.expand(b, 1, n, kv_len)
    if attention_mask is not None:
        allowed = allowed & attention_mask.bool()[:, None, None, :]
    zero = torch.zeros((), dtype=input_embeds.dtype)
    low = torch.tensor(torch.finfo(input_embeds.dtype).min, dtype=input_embeds.dtype)
    return torch.where(allowed, zero, low)


def create_causal_mask(config, input_embeds, attention_mask, cache_position, past_key_values=None, position_ids=None, **kwargs):
    return _mask(lambda b, h, q, kv: kv <= q, config, input_embeds, attention_mask, cache_position, **kwargs)


def create_sliding_window_causal_mask(config, input_embeds, attention_mask, cache_position, past_key_values=None, position_ids=None, **kwargs):
    w = config.sliding_window
    return _mask(lambda b, h, q, kv: (kv <= q) & (kv > q - w), config, input_embeds, attention_mask, cache_position, **kwargs)


def create_masks_for_generate(**kwargs):
    raise NotImplementedError("shim: generation masks are not needed")
