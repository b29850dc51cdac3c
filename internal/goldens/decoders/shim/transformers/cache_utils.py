"""Cache class names. The generator runs with use_cache=False: none is built."""


class Cache:
    pass


class DynamicCache(Cache):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("shim: no KV cache (use_cache=False)")


class DynamicSlidingWindowCache(DynamicCache):
    pass


class SlidingWindowCache(Cache):
    pass


class StaticCache(Cache):
    pass
