"""FlashAttentionKwargs: a type name only (no flash attention here)."""
from typing import TypedDict


class FlashAttentionKwargs(TypedDict, total=False):
    pass
