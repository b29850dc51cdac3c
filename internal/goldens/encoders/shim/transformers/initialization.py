"""transformers.initialization: in-place tensor initialisers used by the
models' _init_weights (no gradient tracking). gen.py redraws the weights
afterwards (perturb), so these only have to run."""

import torch


def zeros_(t):
    with torch.no_grad():
        return t.zero_()


def ones_(t):
    with torch.no_grad():
        return t.fill_(1.0)


def normal_(t, mean=0.0, std=1.0):
    with torch.no_grad():
        return t.normal_(mean=mean, std=std)


def copy_(t, src):
    with torch.no_grad():
        return t.copy_(src)
