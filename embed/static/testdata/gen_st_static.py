#!/usr/bin/python3
"""Makes the sentence-transformers StaticEmbedding fixture of
TestStaticEmbedding with PyTorch (Debian 12's python3-torch 1.13.1).

    cd embed/static/testdata && /usr/bin/python3 gen_st_static.py ../../../../shared/fixtures/tokenizers

It writes st-static/, a folder laid out as SentenceTransformer.save writes
a StaticEmbedding model saved with safe_serialization=False (modules.json:
StaticEmbedding then Normalize; 0_StaticEmbedding/pytorch_model.bin, the
module's state dict {"embedding.weight": [8002, 4]}, seeded random
float32), without its tokenizer.json: the test copies the shared fixture
unigram-ko/tokenizer.json into a temporary copy of the folder.

st-static/expected.json holds the reference, by golden record id: for
every text of
unigram-ko/golden.jsonl encoded without special tokens and without
truncation, torch.nn.EmbeddingBag(mode="mean") over the token ids the
Rust tokenizers library gave (the golden's "ids", as StaticEmbedding's
tokenize gets them from encode_batch(add_special_tokens=False)), then
torch.nn.functional.normalize, as the Normalize module does (in float64;
see below).
"""

import collections
import json
import os
import sys

import torch

tok_dir = os.path.join(sys.argv[1], "unigram-ko")
with open(os.path.join(tok_dir, "tokenizer.json")) as fh:
    tj = json.load(fh)
n_tokens = len(tj["model"]["vocab"])
ids_max = max([n_tokens - 1] + [t["id"] for t in tj.get("added_tokens", [])])

g = torch.Generator().manual_seed(1302)
weight = torch.randn(ids_max + 1, 4, generator=g)

out = "st-static"
os.makedirs(os.path.join(out, "0_StaticEmbedding"), exist_ok=True)
torch.save(collections.OrderedDict([("embedding.weight", weight)]),
           os.path.join(out, "0_StaticEmbedding", "pytorch_model.bin"))
with open(os.path.join(out, "modules.json"), "w") as fh:
    json.dump([
        {"idx": 0, "name": "0", "path": "0_StaticEmbedding", "type": "sentence_transformers.models.StaticEmbedding"},
        {"idx": 1, "name": "1", "path": "1_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], fh, indent=2)
with open(os.path.join(out, "config_sentence_transformers.json"), "w") as fh:
    json.dump({"__version__": {"sentence_transformers": "3.3.1", "pytorch": torch.__version__},
               "prompts": {}, "default_prompt_name": None, "similarity_fn_name": "cosine"}, fh, indent=2)

# In float64: sentence-transformers runs it in float32, whose sums over a
# thousand tokens differ from the exact mean by a few 1e-6; the Go reader
# accumulates in float64, so the reference does too.
bag = torch.nn.EmbeddingBag.from_pretrained(weight.double(), mode="mean")
keys, ids = [], []
with open(os.path.join(tok_dir, "golden.jsonl")) as fh:
    for line in fh:
        r = json.loads(line)
        if r["add_special_tokens"] or r["truncation"] is not None or r["padding"] is not None:
            continue
        keys.append(r["id"])
        ids.append(r["ids"])
offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
flat = torch.tensor([i for x in ids for i in x], dtype=torch.long)
with torch.no_grad():
    emb = torch.nn.functional.normalize(bag(flat, offsets), p=2, dim=1)
with open(os.path.join(out, "expected.json"), "w") as fh:
    json.dump({"tokenizer": "shared/fixtures/tokenizers/unigram-ko/tokenizer.json",
               "golden": "shared/fixtures/tokenizers/unigram-ko/golden.jsonl",
               "ids": keys, "embeddings": [[round(x, 12) for x in v] for v in emb.tolist()]}, fh)
print(len(keys), "texts; weight", list(weight.shape))
