#!/usr/bin/python3
"""Makes the fixtures of embed/pytorch's tests with PyTorch itself.

Run from embed/pytorch/testdata with Debian 12's python3-torch (1.13.1):

    /usr/bin/python3 gen.py

It writes small torch.save checkpoints (*.pt), hostile files that must be
refused (hostile/*.pt), and expected.json: for each tensor of each
checkpoint, its dtype, shape and elements as PyTorch reads them back with
torch.load (row-major, as float64 or int), the reference the Go tests
compare with. Nothing here executes a payload: pickle.dumps only records
what a __reduce__ method names.
"""

import collections
import io
import json
import os
import pickle
import tarfile
import zipfile

import torch

torch.manual_seed(1301)
os.makedirs("hostile", exist_ok=True)

STORAGE_DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
    torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}


def flatten(obj, prefix=""):
    """The tensors of a (nested) dict, with dotted names, as the Go reader
    names them."""
    out = {}
    for k, v in obj.items():
        name = f"{prefix}.{k}" if prefix else k
        if isinstance(v, torch.Tensor):
            out[name] = v
        elif isinstance(v, dict):
            out.update(flatten(v, name))
    return out


expected = {}


def save(name, obj, **kw):
    torch.save(obj, name, **kw)
    back = torch.load(name)  # the reference: PyTorch's own reader
    ts = {}
    for k, t in flatten(back).items():
        t = t.detach()
        if t.dtype.is_floating_point:
            vals = t.double().flatten().tolist()
        else:
            vals = t.long().flatten().tolist()
        ts[k] = {"dtype": STORAGE_DTYPES[t.dtype], "shape": list(t.shape),
                 "contiguous": t.is_contiguous(), "values": vals}
    expected[name] = ts


# 1. A module's state dict (an OrderedDict with _metadata), nested names,
# float dtypes.
class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.query = torch.nn.Linear(4, 3)
        self.norm = torch.nn.LayerNorm(3)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = torch.nn.Embedding(5, 4)
        self.layer = torch.nn.ModuleList([Block(), Block()])


m = Model()
sd = m.state_dict()
assert hasattr(sd, "_metadata")
save("module.pt", sd)
save("module_f16.pt", Model().half().state_dict())
save("module_bf16.pt", Model().to(torch.bfloat16).state_dict())

# 2. Every storage dtype, scalars and empty tensors.
save("dtypes.pt", collections.OrderedDict([
    ("f32", torch.randn(2, 3)),
    ("f64", torch.randn(3, dtype=torch.float64)),
    ("f16", torch.tensor([1.0, -2.5, 65504.0, 6e-8, 0.0, -0.0], dtype=torch.float16)),
    ("bf16", torch.tensor([1.0, -2.5, 3.0e38, 1e-40, 0.0], dtype=torch.bfloat16)),
    ("i64", torch.tensor([-(2**40), 0, 2**40])),
    ("i32", torch.tensor([-7, 7], dtype=torch.int32)),
    ("i16", torch.tensor([-300, 300], dtype=torch.int16)),
    ("i8", torch.tensor([-128, 127], dtype=torch.int8)),
    ("u8", torch.tensor([0, 255], dtype=torch.uint8)),
    ("bool", torch.tensor([True, False, True])),
    ("scalar", torch.tensor(3.5)),
    ("empty", torch.zeros(0, 4)),
]))

# 3. Views: tensors sharing one storage at offsets, tied weights, and
# non-contiguous views (transposed, stepped, permuted).
base = torch.arange(40, dtype=torch.float32)
grid = torch.randn(3, 4, 5)
tied = torch.randn(6, 2)
save("views.pt", {
    "head": base[:8],
    "middle": base[10:16].view(2, 3),
    "tail": base[30:],
    "transposed": base[:12].view(3, 4).t(),
    "stepped": base[1::7],
    "permuted": grid.permute(2, 0, 1),
    "sliced": grid[:, 1:3, ::2],
    "tied.a": tied,
    "tied.b": tied,
    "halfview": torch.randn(4, 4).half()[:, 1],
})

# 4. Parameters, a plain dict, nested dicts and values that are not tensors
# (a training checkpoint's layout).
save("nested.pt", {
    "model": {"w": torch.nn.Parameter(torch.randn(2, 2)),
              "inner": {"b": torch.nn.Parameter(torch.randn(3), requires_grad=False)}},
    "epoch": 3,
    "note": "text",
    "lr": 0.5,
    "steps": [1, 2, 3],
    "none": None,
})

# 5. Pickle protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL?).
save("proto4.pt", {"x": torch.randn(3, 2), "y": torch.randn(2).half()}, pickle_protocol=4)

# 6. A sharded checkpoint as transformers writes it (save_pretrained with
# max_shard_size): shards and pytorch_model.bin.index.json.
os.makedirs("sharded", exist_ok=True)
sd = Model().state_dict()
parts = [collections.OrderedDict(), collections.OrderedDict()]
for k, v in sd.items():
    parts[0 if not k.startswith("layer.1.") else 1][k] = v
weight_map, total = {}, 0
for i, part in enumerate(parts):
    shard = f"pytorch_model-{i + 1:05d}-of-00002.bin"
    torch.save(part, os.path.join("sharded", shard))
    for k, v in part.items():
        weight_map[k] = shard
        total += v.numel() * v.element_size()
with open("sharded/pytorch_model.bin.index.json", "w") as fh:
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, fh, indent=2, sort_keys=True)
back = {}
for shard in sorted(set(weight_map.values())):
    back.update(torch.load(os.path.join("sharded", shard)))
expected["sharded/pytorch_model.bin.index.json"] = {
    k: {"dtype": "F32", "shape": list(t.shape), "contiguous": t.is_contiguous(),
        "values": t.double().flatten().tolist()} for k, t in back.items()}

# 7. A broadcast view larger than its storage: refused by the Go reader.
torch.save({"expanded": torch.randn(1, 3).expand(4, 3)}, "hostile/expanded.pt")


# Hostile files: what a malicious pytorch_model.bin could hold.
class Payload:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def zip_with_pickle(path, pkl, extra=None):
    """A torch.save-shaped zip archive with the given data.pkl."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        records = {"archive/data.pkl": pkl, "archive/version": "3\n"}
        records.update(extra or {})
        for k, v in records.items():
            z.writestr(zipfile.ZipInfo(k, date_time=(2026, 1, 1, 0, 0, 0)), v)


zip_with_pickle("hostile/os_system.pt", pickle.dumps(
    {"w": Payload(os.system, ("echo pwned > /tmp/pwned",))}, protocol=2))
zip_with_pickle("hostile/builtins_eval.pt", pickle.dumps(
    {"w": Payload(eval, ("__import__('os').system('echo pwned')",))}, protocol=2))
zip_with_pickle("hostile/builtins_exec_proto4.pt", pickle.dumps(
    Payload(exec, ("import os",)), protocol=4))
zip_with_pickle("hostile/getattr.pt", pickle.dumps(
    {"w": Payload(getattr, (Payload(__import__, ("os",)), "system"))}, protocol=2))
# A class instance (a pickled object that is not a state dict).
zip_with_pickle("hostile/instance.pt", pickle.dumps(
    {"w": collections.Counter("ab")}, protocol=2))
# A torch function that is not a rebuild function.
zip_with_pickle("hostile/torch_load.pt", pickle.dumps(
    {"w": Payload(torch.load, ("x",))}, protocol=2))

# The legacy formats.
torch.save({"w": torch.ones(2)}, "hostile/legacy.pt", _use_new_zipfile_serialization=False)
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
    for name, data in [("sys_info", b"{}"), ("pickle", b"\x80\x02}."), ("storages", b""), ("tensors", b"")]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
with open("hostile/legacy_tar.pt", "wb") as fh:
    fh.write(buf.getvalue())

with open("expected.json", "w") as fh:
    json.dump(expected, fh, indent=None, sort_keys=True)
    fh.write("\n")
print("torch", torch.__version__, "files:", sorted(expected))
