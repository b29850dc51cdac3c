"""Gemma3TextConfig: the values gen.py sets (see gen.py)."""
from ...configuration_utils import PreTrainedConfig


class Gemma3TextConfig(PreTrainedConfig):
    model_type = "gemma3_text"


class Gemma3Config(PreTrainedConfig):
    model_type = "gemma3"
