"""Rotary plumbing: only the "default" rotary type is used, whose inverse
frequencies each modeling file computes itself.

extract_rope_scaling_dict_from_config returns {"rope_type": "default",
"rope_theta": config.rope_theta}: the theta the config holds (Qwen2).
dynamic_rope_update is the identity for the default type (transformers'
decorator only acts for "dynamic" and "longrope").
"""
ROPE_INIT_FUNCTIONS = {}


def dynamic_rope_update(fn):
    return fn


def extract_rope_scaling_dict_from_config(config, layer_type=None):
    return {"rope_type": "default", "rope_theta": config.rope_theta}
