"""transformers.utils names the reference files import: logging, the
weights file names, availability probes answering False, and decorators
that only document or re-shape outputs (identity here: gen.py calls the
models with return_dict left at its default True and no output_* flags)."""

import logging as _logging

from . import logging  # noqa: F401
from ..modeling_outputs import ModelOutput  # noqa: F401

SAFE_WEIGHTS_NAME = "model.safetensors"
SAFE_WEIGHTS_INDEX_NAME = "model.safetensors.index.json"
WEIGHTS_NAME = "pytorch_model.bin"
WEIGHTS_INDEX_NAME = "pytorch_model.bin.index.json"


def is_flash_attn_available():
    return False


is_flash_attn_2_available = is_flash_attn_available


def add_start_docstrings(*_a, **_k):
    return lambda f: f


add_start_docstrings_to_model_forward = add_start_docstrings
add_code_sample_docstrings = add_start_docstrings
replace_return_docstrings = add_start_docstrings


def auto_docstring(obj=None, **_k):
    """transformers' docstring generator, used bare (@auto_docstring) or
    with arguments (@auto_docstring(custom_intro=...)): identity."""
    if obj is not None and callable(obj):
        return obj
    return lambda f: f


def can_return_tuple(f):
    """transformers converts a ModelOutput to a tuple when return_dict is
    False; gen.py never asks for that: identity."""
    return f
