"""transformers.utils.logging.get_logger: a standard library logger."""
import logging as _logging


def get_logger(name=None):
    return _logging.getLogger(name)
