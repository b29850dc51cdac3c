#!/usr/bin/python3
"""Writes a seeded model of the Qwen3-Embedding-0.6B shape for the weight
memory and speed figures of embed/transformer (bf16 kept vs float32).

Shape as Qwen/Qwen3-Embedding-0.6B's config.json: 28 layers, hidden 1024,
16 query / 8 key-value heads of head_dim 128, intermediate 3072, vocab
151669, rope_theta 1e6, tied embeddings. Weights are seeded normals
(std 0.02, norms 1 + small noise), written as safetensors by hand (the
format is an 8-byte length, a JSON header, raw little-endian data) with the
tensor names of Qwen3Model. The tokenizer and sentence-transformers files
are the tiny-qwen3 fixture's (its ids are < 8064, so most embedding rows are
never read, as with a real vocabulary and a short corpus).

Usage: /usr/bin/python3 bench/encoder/gen_qwen3_shape.py OUT_DIR [bf16|f32]
(torch 1.13 from Debian; nothing is written into the repository).
"""
import json, os, shutil, struct, sys

import torch

out = sys.argv[1]
dtype = sys.argv[2] if len(sys.argv) > 2 else "bf16"
fixture = os.environ.get("GANADA_QWEN3_FIXTURE", "/work/shared/fixtures/models/tiny-qwen3")
L, H, NQ, NKV, D, FFN, V = 28, 1024, 16, 8, 128, 3072, 151669

torch.manual_seed(14)
tensors = {}


def mat(name, *shape):
    tensors[name] = torch.randn(*shape) * 0.02


def vec(name, n):
    tensors[name] = 1 + 0.05 * torch.randn(n)


mat("embed_tokens.weight", V, H)
for i in range(L):
    p = f"layers.{i}."
    vec(p + "input_layernorm.weight", H)
    mat(p + "self_attn.q_proj.weight", NQ * D, H)
    mat(p + "self_attn.k_proj.weight", NKV * D, H)
    mat(p + "self_attn.v_proj.weight", NKV * D, H)
    mat(p + "self_attn.o_proj.weight", H, NQ * D)
    vec(p + "self_attn.q_norm.weight", D)
    vec(p + "self_attn.k_norm.weight", D)
    vec(p + "post_attention_layernorm.weight", H)
    mat(p + "mlp.gate_proj.weight", FFN, H)
    mat(p + "mlp.up_proj.weight", FFN, H)
    mat(p + "mlp.down_proj.weight", H, FFN)
vec("norm.weight", H)

os.makedirs(out, exist_ok=True)
tdt, name, size = (torch.bfloat16, "BF16", 2) if dtype == "bf16" else (torch.float32, "F32", 4)
header, off, blobs = {"__metadata__": {"format": "pt"}}, 0, []
for k in sorted(tensors):
    t = tensors[k].to(tdt).contiguous()
    raw = t.view(torch.int16).numpy().tobytes() if tdt == torch.bfloat16 else t.numpy().tobytes()
    header[k] = {"dtype": name, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
    off += len(raw)
    blobs.append(raw)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for b in blobs:
        f.write(b)

cfg = json.load(open(os.path.join(fixture, "config.json")))
cfg.update(hidden_size=H, num_hidden_layers=L, num_attention_heads=NQ, num_key_value_heads=NKV,
           head_dim=D, intermediate_size=FFN, vocab_size=V, max_window_layers=L,
           torch_dtype="bfloat16" if dtype == "bf16" else "float32")
json.dump(cfg, open(os.path.join(out, "config.json"), "w"), indent=2)
for f in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
          "sentence_bert_config.json", "config_sentence_transformers.json"]:
    shutil.copy(os.path.join(fixture, f), out)
os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
pc = json.load(open(os.path.join(fixture, "1_Pooling", "config.json")))
pc["word_embedding_dimension"] = H
json.dump(pc, open(os.path.join(out, "1_Pooling", "config.json"), "w"), indent=2)
print(out, off + len(h) + 8, "bytes")
