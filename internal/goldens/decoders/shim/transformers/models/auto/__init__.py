"""AutoModel: used only by Gemma3's multimodal classes, which are not built."""


class AutoModel:
    @staticmethod
    def from_config(*args, **kwargs):
        raise NotImplementedError("shim: multimodal models are not built")
