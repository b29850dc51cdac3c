"""AttentionMaskConverter: used by the SDPA path only; the generator runs eager."""


class AttentionMaskConverter:
    @staticmethod
    def _ignore_causal_mask_sdpa(*args, **kwargs):
        raise NotImplementedError("shim: eager attention only")

    @staticmethod
    def _unmask_unattended(*args, **kwargs):
        raise NotImplementedError("shim: eager attention only")
