"""Documentation decorators (identity), logging, availability checks (no
flash attention), ModelOutput and the kwargs TypedDict."""
import logging as _logging
from collections import OrderedDict
from typing import TypedDict


class TransformersKwargs(TypedDict, total=False):
    pass


class ModelOutput(OrderedDict):
    """Attribute access plus integer indexing over the fields that are set,
    as transformers' ModelOutput."""

    def __post_init__(self):
        for k in self.__dataclass_fields__:
            v = getattr(self, k)
            if v is not None:
                OrderedDict.__setitem__(self, k, v)

    def __getitem__(self, k):
        if isinstance(k, str):
            return OrderedDict.__getitem__(self, k)
        return tuple(self.values())[k]


def _identity_decorator_factory(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]

    def deco(obj):
        return obj

    return deco


auto_docstring = _identity_decorator_factory
add_start_docstrings = _identity_decorator_factory
add_start_docstrings_to_model_forward = _identity_decorator_factory
add_code_sample_docstrings = _identity_decorator_factory
replace_return_docstrings = _identity_decorator_factory


def can_return_tuple(fn):
    return fn


def is_flash_attn_2_available():
    return False


def is_flash_attn_greater_or_equal_2_10():
    return False


class _Logger(_logging.Logger):
    def warning_once(self, *args, **kwargs):
        pass


class logging:  # noqa: N801 (transformers.utils.logging is a module)
    @staticmethod
    def get_logger(name):
        _logging.setLoggerClass(_Logger)
        return _logging.getLogger(name)
