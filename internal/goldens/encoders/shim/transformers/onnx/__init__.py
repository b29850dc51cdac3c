"""OnnxConfig: the base class JinaBERT's configuration file subclasses for
ONNX export; never instantiated by gen.py."""


class OnnxConfig:
    pass
