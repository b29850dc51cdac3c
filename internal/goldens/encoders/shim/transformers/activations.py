"""ACT2FN: transformers' activation names mapped to the torch functions
transformers maps them to (gelu: exact erf GELU; gelu_new and
gelu_pytorch_tanh: tanh approximation; silu/swish; relu; tanh; sigmoid),
and the module-level gelu (transformers' get_activation("gelu"), exact erf
GELU; MPNet's masked-LM head uses it, gen.py does not run that head)."""

from torch import nn


class _ClassInstantier(dict):
    def __getitem__(self, key):
        return super().__getitem__(key)()


ACT2FN = _ClassInstantier({
    "gelu": nn.GELU,
    "gelu_new": lambda: nn.GELU(approximate="tanh"),
    "gelu_pytorch_tanh": lambda: nn.GELU(approximate="tanh"),
    "relu": nn.ReLU,
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
})


gelu = nn.GELU()
