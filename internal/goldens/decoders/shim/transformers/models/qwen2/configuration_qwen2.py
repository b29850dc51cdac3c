"""Qwen2Config: the values gen.py sets (see gen.py)."""
from ...configuration_utils import PreTrainedConfig


class Qwen2Config(PreTrainedConfig):
    model_type = "qwen2"
