"""PreTrainedModel: nn.Module holding the config (weights are set by gen.py
from its seeded tensors, so no initialisation runs); ALL_ATTENTION_FUNCTIONS
is empty: the config says eager, and each file's own eager attention runs."""
import torch.nn as nn

ALL_ATTENTION_FUNCTIONS = {}


class PreTrainedModel(nn.Module):
    def __init__(self, config, *args, **kwargs):
        super().__init__()
        self.config = config

    def post_init(self):
        pass

    def get_input_embeddings(self):
        return self.embed_tokens
