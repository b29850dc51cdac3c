# Generates st_quant.json, the golden codes of TestSentenceTransformersCodes,
# by running sentence-transformers' own quantize_embeddings unmodified.
#
# Usage (Debian's python3 with python3-torch and python3-numpy):
#   /usr/bin/python3 gen_st_quant.py PATH/sentence_transformers/quantization.py
# The file is loaded on its own (it needs only numpy and torch), so the rest
# of sentence-transformers need not be installed. Golden made from commit
# 85ec64559f4414aa536eca4bf53538291e0a333f of UKPLab/sentence-transformers.
import importlib.util
import json
import sys

import numpy as np

spec = importlib.util.spec_from_file_location("st_quantization", sys.argv[1])
st = importlib.util.module_from_spec(spec)
spec.loader.exec_module(st)

rng = np.random.RandomState(16)
n, dim = 64, 72  # ubinary packs the flattened bits: dim must be a multiple of 8
# Components of different scales and offsets, like embedding dimensions.
emb = (rng.randn(n, dim) * rng.uniform(0.01, 0.3, dim) + rng.uniform(-0.1, 0.1, dim)).astype(np.float32)

int8 = st.quantize_embeddings(emb, precision="int8")
ubinary = st.quantize_embeddings(emb, precision="ubinary")

json.dump(
    {
        "dim": dim,
        "embeddings": [[float(x) for x in row] for row in emb],
        "int8": [[int(x) for x in row] for row in int8],
        "ubinary": [[int(x) for x in row] for row in ubinary],
    },
    open("st_quant.json", "w"),
)
