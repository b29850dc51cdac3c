"""The output classes modeling files import from transformers' BERT."""
from ...modeling_outputs import *  # noqa: F401,F403


class BertForPreTrainingOutput(ModelOutput):  # noqa: F405
    pass
