"""transformers.pytorch_utils names BERT-style modeling files import.
apply_chunking_to_forward runs forward_fn over the inputs in chunks along
chunk_dim (all at once for chunk_size 0, transformers' default); the head
pruning helpers are not used by gen.py."""

import torch


def apply_chunking_to_forward(forward_fn, chunk_size, chunk_dim, *input_tensors):
    if chunk_size > 0:
        n = input_tensors[0].shape[chunk_dim] // chunk_size
        chunks = zip(*(t.chunk(n, dim=chunk_dim) for t in input_tensors))
        return torch.cat([forward_fn(*c) for c in chunks], dim=chunk_dim)
    return forward_fn(*input_tensors)


def find_pruneable_heads_and_indices(*_a, **_k):
    raise NotImplementedError("ganada shim: head pruning is not used")


def prune_linear_layer(*_a, **_k):
    raise NotImplementedError("ganada shim: head pruning is not used")
