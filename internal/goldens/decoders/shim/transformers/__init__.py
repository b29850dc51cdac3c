"""Minimal import shim standing in for the rest of Hugging Face transformers.

Only the names that the reference modeling files import are defined here, and
none of them computes any part of a model's layers. See ../../gen.py for the
list and for what each name does.
"""
