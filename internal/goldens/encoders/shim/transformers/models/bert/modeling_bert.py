"""The output classes modeling files import from transformers' BERT."""
from ...modeling_outputs import *  # noqa: F401,F403
