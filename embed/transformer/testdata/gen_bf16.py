#!/usr/bin/python3
"""Writes MODEL_DIR/model.bf16.safetensors: MODEL_DIR/model.safetensors with
every F32 tensor converted by torch's own Tensor.to(torch.bfloat16) (round
to nearest, ties to even), for the tests of bf16 checkpoints
(bf16_test.go): the rounding is torch's, not ours, so the tests also check
gemm.RoundBF16 against it.

Usage: /usr/bin/python3 embed/transformer/testdata/gen_bf16.py embed/transformer/testdata/tiny-bert
(Debian's python3-torch 1.13; the file is written by hand in the
safetensors layout: 8-byte header length, JSON header padded with spaces
to a multiple of 8, raw little-endian data in name order.)
"""
import json, os, struct, sys

import numpy as np
import torch

d = sys.argv[1]
raw = open(os.path.join(d, "model.safetensors"), "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
hdr = json.loads(raw[8:8 + n])
data = raw[8 + n:]
out_hdr, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for name in sorted(k for k in hdr if k != "__metadata__"):
    t = hdr[name]
    b, e = t["data_offsets"]
    if t["dtype"] == "F32":
        x = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").copy()).reshape(t["shape"])
        blob = x.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
        dt = "BF16"
    else:
        blob, dt = data[b:e], t["dtype"]
    out_hdr[name] = {"dtype": dt, "shape": t["shape"], "data_offsets": [off, off + len(blob)]}
    blobs.append(blob)
    off += len(blob)
h = json.dumps(out_hdr, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(d, "model.bf16.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
