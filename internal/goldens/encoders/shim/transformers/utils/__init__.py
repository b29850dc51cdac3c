"""transformers.utils names the reference files import: logging, the
weights file names, and availability probes answering False."""

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
