"""Hub downloads: never used by gen.py, which builds models directly."""


def cached_file(*_a, **_k):
    raise NotImplementedError("ganada shim: no hub access")


def get_checkpoint_shard_files(*_a, **_k):
    raise NotImplementedError("ganada shim: no hub access")
