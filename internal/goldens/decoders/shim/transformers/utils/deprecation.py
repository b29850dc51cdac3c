"""deprecate_kwarg: renames deprecated keyword arguments in transformers;
the generator passes none of them, so the function is returned unchanged."""


def deprecate_kwarg(*args, **kwargs):
    def deco(fn):
        return fn

    return deco
