#!/usr/bin/python3
"""Writes pytorch_model.bin beside model.safetensors in model folders, as
transformers' save_pretrained(safe_serialization=False) does (torch.save of
the model's state dict, an OrderedDict), for TestModelBin.

    /usr/bin/python3 gen_model_bin.py OUT_DIR MODEL_DIR...

For each MODEL_DIR it writes OUT_DIR/<basename>/pytorch_model.bin with the
tensors of MODEL_DIR/model.safetensors, read with torch (the safetensors
header is plain JSON), and OUT_DIR/<basename>-fp16/pytorch_model.bin with
them cast to float16 and the query weights transposed twice (a
non-contiguous view, as a model that tied or transposed weights may save).
"""

import collections
import json
import os
import struct
import sys

import torch

DT = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
      "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as fh:
        b = fh.read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    out = collections.OrderedDict()
    for name, e in hdr.items():
        if name == "__metadata__":
            continue
        s, t = e["data_offsets"]
        raw = bytearray(b[8 + n + s:8 + n + t])
        out[name] = torch.frombuffer(raw, dtype=DT[e["dtype"]]).reshape(e["shape"]).clone()
    return out


out_dir = sys.argv[1]
for d in sys.argv[2:]:
    base = os.path.basename(os.path.normpath(d))
    sd = read_safetensors(os.path.join(d, "model.safetensors"))
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    os.makedirs(os.path.join(out_dir, base), exist_ok=True)
    torch.save(sd, os.path.join(out_dir, base, "pytorch_model.bin"))
    half = collections.OrderedDict()
    for k, v in sd.items():
        v = v.half() if v.dtype == torch.float32 else v
        if k.endswith("query.weight"):
            v = v.t().contiguous().t()  # same values, column-major storage
        half[k] = v
    os.makedirs(os.path.join(out_dir, base + "-fp16"), exist_ok=True)
    torch.save(half, os.path.join(out_dir, base + "-fp16", "pytorch_model.bin"))
    print(base, len(sd), "tensors")
