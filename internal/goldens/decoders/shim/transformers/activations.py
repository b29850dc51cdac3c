"""ACT2FN for the two activations the tiny decoders use.

transformers' activations.py maps "silu" to nn.SiLU and "gelu_pytorch_tanh" to
a module calling nn.functional.gelu(x, approximate="tanh"); both are torch's
own functions, used here the same way.
"""
import torch.nn as nn


class _GELUTanh(nn.Module):
    def forward(self, x):
        return nn.functional.gelu(x, approximate="tanh")


ACT2FN = {"silu": nn.SiLU(), "gelu_pytorch_tanh": _GELUTanh()}
