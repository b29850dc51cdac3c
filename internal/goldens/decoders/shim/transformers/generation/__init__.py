"""GenerationMixin: only a base class name here (no generation is run)."""


class GenerationMixin:
    pass
