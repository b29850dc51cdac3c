"""Unpack, for the **kwargs annotations."""
from typing import Unpack  # noqa: F401 (Python 3.11)
