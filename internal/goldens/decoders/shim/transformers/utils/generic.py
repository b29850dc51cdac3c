"""check_model_inputs: used bare (@check_model_inputs) and called
(@check_model_inputs()); the generator passes every input explicitly
(use_cache=False, no output capture), so it returns the function unchanged."""


def check_model_inputs(fn=None, **kwargs):
    if fn is not None and callable(fn):
        return fn

    def deco(f):
        return f

    return deco
