"""MistralConfig: the values gen.py sets (see gen.py)."""
from ...configuration_utils import PreTrainedConfig


class MistralConfig(PreTrainedConfig):
    model_type = "mistral"
