"""use_kernel_forward_from_hub: transformers swaps in hub kernels only when
the `kernels` package is installed; without it the class is returned as is,
which is what this shim does."""


def use_kernel_forward_from_hub(name):
    def deco(cls):
        return cls

    return deco
