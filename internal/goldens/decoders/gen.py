"""Make the tiny decoder-embedder fixtures (Qwen2, Mistral, Gemma3 text) and
their goldens with Hugging Face transformers' own modeling code.

What runs
---------
The layer math is the reference's: three modeling files of
huggingface/transformers, byte for byte, run under Debian 12's PyTorch 1.13
(/usr/bin/python3). transformers itself cannot be installed here (no PyPI), so
the files were copied with the code-search tool's read_file (the repository
is too large to fetch) and are checked by their SHA-256 below:

  models/qwen2/modeling_qwen2.py      commit 00d4b3d2142cb4ced2f51b90614b5d26bc045015
  models/mistral/modeling_mistral.py  commit 005a187ea7c5a291ef79f737d47233641ac17f24
  models/gemma3/modeling_gemma3.py    commit 0018aa647bb13801f061e2d1027c326f531b59fb

(each the version the code index holds; they are not one release. Gemma3's
is a v5-era file with use_bidirectional_attention, as EmbeddingGemma needs;
Mistral's builds its own sliding-window causal mask in
MistralModel._prepare_4d_causal_attention_mask_with_cache_position.)

The shim package beside this file (shim/transformers) stands in for the rest
of transformers and provides only the names those files import; none of it
computes a layer:

  activations.ACT2FN            "silu" -> nn.SiLU, "gelu_pytorch_tanh" ->
                                nn.functional.gelu(approximate="tanh"), as
                                transformers' activations.py maps them
  cache_utils.*Cache            class names (use_cache=False: none built)
  configuration_utils.PreTrainedConfig / PretrainedConfig
                                attribute holder with PretrainedConfig's
                                defaults for output_*, use_return_dict,
                                _attn_implementation="eager"
  models/*/configuration_*.py   Qwen2Config, MistralConfig, Gemma3TextConfig,
                                Gemma3Config on that holder; the derived
                                values the real config classes compute are
                                set by this script (configs() below)
  masking_utils.create_causal_mask, create_sliding_window_causal_mask
                                masking_utils' definitions (causal kv <= q;
                                window kv > q - sliding_window; or_mask_function
                                OR-ed, padding AND-ed) as plain tensor ops,
                                returning the eager 0 / finfo.min float mask;
                                Gemma3's own or-functions (bidirectional)
                                run unmodified inside it
  modeling_rope_utils           ROPE_INIT_FUNCTIONS {} (default rotary only),
                                dynamic_rope_update identity,
                                extract_rope_scaling_dict_from_config ->
                                {"rope_type": "default", "rope_theta":
                                config.rope_theta}
  modeling_utils                PreTrainedModel (nn.Module + config;
                                post_init no-op: weights are set below),
                                ALL_ATTENTION_FUNCTIONS {} (eager only)
  modeling_layers, modeling_outputs, modeling_flash_attention_utils,
  modeling_attn_mask_utils, processing_utils, generation, integrations,
  utils (+ generic, deprecation), models/auto
                                base classes, output dataclasses, TypedDicts,
                                identity decorators, logging, flash-attention
                                availability False, AutoModel stub

Config values the real classes derive (set in configs()):
  Qwen2Config:       use_sliding_window false -> sliding_window None and
                     layer_types all "full_attention"
  MistralConfig:     head_dim from config.json, sliding_window as given
  Gemma3TextConfig:  use_bidirectional_attention true -> sliding_window =
                     sliding_window // 2 + 1 ("due to fa we set exclusive
                     bounds", configuration/modular_gemma3.py), layer_types
                     from config.json, rope_parameters = {full_attention:
                     rope_theta, sliding_attention: rope_local_base_freq}

Inputs and pooling
------------------
Token ids are the 64 unprompted items of tiny-qwen3's public golden (HF
tokenizers' ids of the bpe-bytelevel Qwen-layout tokenizer, EOS appended),
so the models share that tokenizer (vocab_size 8064), followed by that
golden's 17 prompted texts with each model's own prompts (PROMPTED; input
text (prompt + text).strip() as sentence-transformers' Transformer module
strips it), tokenised by Hugging Face tokenizers' Rust core through
tokenize.js (npm @anush008/tokenizers 0.6.0, the shared fixtures' tool). Batches of 16 in input
order, padded left (Qwen2, Mistral: last-token pooling) or right (Gemma3:
mean pooling); the other side and single-text runs are recorded as
max_abs_diff_*. Pooling, Dense (no bias, Identity) and Normalize follow
sentence-transformers' maths (v3.x): lasttoken = the last position whose mask
is 1; mean = sum(h*mask)/clamp(sum(mask), 1e-9); Dense = x W^T;
Normalize = F.normalize(p=2, dim=1).

Rerun
-----
  /usr/bin/python3 internal/goldens/decoders/gen.py \
      --ref DIR  (holding models/{qwen2,mistral,gemma3}/modeling_*.py) \
      --qwen3-golden ../shared/fixtures/models/tiny-qwen3/goldens/public.json \
      --tokenizer ../shared/fixtures/models/tiny-qwen3/tokenizer.json \
      --out embed/transformer/testdata
(with NODE_PATH naming a node_modules holding @anush008/tokenizers, e.g.
bench/tokenizer/node_modules after `npm install` there).
Seeds: tiny-qwen2 2601, tiny-mistral 2602, tiny-gemma3 2603.
"""

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

REF_FILES = {
    "qwen2": ("modeling_qwen2.py", "00d4b3d2142cb4ced2f51b90614b5d26bc045015"),
    "mistral": ("modeling_mistral.py", "005a187ea7c5a291ef79f737d47233641ac17f24"),
    "gemma3": ("modeling_gemma3.py", "0018aa647bb13801f061e2d1027c326f531b59fb"),
}
REF_SHA256 = {}  # what build_package found
REF_SHA256_PINNED = {
    "qwen2": "bf64b77a1b49f551a9ab4c38f23294b65cac8dc06c87a2b25919cefd2f0a4c71",
    "mistral": "2b521d12d1aeceed2d218cd7709e1cd7f790cbe9b705e28b2ebd3e08b68a2ec1",
    "gemma3": "e7b633707ba818c4c622e423ad6d2fb7e4119cd0379ecdfacc459083b42ccca1",
}

VOCAB = 8064
EOS = 8000  # <|endoftext|> of the shared Qwen-layout tokenizer
PAD = 8000

# gte-Qwen2-*-instruct's query prompt (as recalled; documents get none).
QWEN2_QUERY = "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: "
# e5-mistral-7b-instruct's config_sentence_transformers.json prompts (a few,
# as recalled: the hub file could not be read here).
MISTRAL_PROMPTS = {
    "web_search_query": "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ",
    "sts_query": "Instruct: Retrieve semantically similar text.\nQuery: ",
    "summarization_query": "Instruct: Given a news summary, retrieve other semantically similar summaries\nQuery: ",
    "bitext_query": "Instruct: Retrieve parallel sentences.\nQuery: ",
}
# EmbeddingGemma-300m's config_sentence_transformers.json prompts: "query"
# and "document" as its model card gives them; the task prompts as recalled
# (the gated hub file could not be read here).
GEMMA_PROMPTS = {
    "query": "task: search result | query: ",
    "document": "title: none | text: ",
    "BitextMining": "task: search result | query: ",
    "Clustering": "task: clustering | query: ",
    "Classification": "task: classification | query: ",
    "InstructionRetrieval": "task: code retrieval | query: ",
    "MultilabelClassification": "task: classification | query: ",
    "PairClassification": "task: sentence similarity | query: ",
    "Reranking": "task: search result | query: ",
    "Retrieval": "task: search result | query: ",
    "Retrieval-query": "task: search result | query: ",
    "Retrieval-document": "title: none | text: ",
    "STS": "task: sentence similarity | query: ",
    "Summarization": "task: summarization | query: ",
}


# The prompts whose items each golden holds (the 17 prompted texts of
# tiny-qwen3's golden, with the model's own prompt).
PROMPTED = {"qwen2": ["query"], "mistral": ["web_search_query"], "gemma3": ["query", "document"]}


def tokenize(tokenizer, texts):
    """Ids of texts from Hugging Face tokenizers (tokenize.js, node)."""
    out = subprocess.run(["node", os.path.join(HERE, "tokenize.js"), tokenizer],
                         input=json.dumps(texts).encode(), capture_output=True, check=True)
    return json.loads(out.stdout)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def build_package(ref):
    """Copy the shim and the reference files into a temporary package root."""
    root = tempfile.mkdtemp(prefix="ganada-decoders-")
    shutil.copytree(os.path.join(HERE, "shim", "transformers"), os.path.join(root, "transformers"))
    for m, (name, _) in REF_FILES.items():
        src = os.path.join(ref, "models", m, name)
        got = sha256(src)
        REF_SHA256[m] = got
        want = REF_SHA256_PINNED[m]
        if want and got != want:
            sys.exit(f"{src}: sha256 {got}, want {want} (not the reference file this generator pins)")
        shutil.copy(src, os.path.join(root, "transformers", "models", m, name))
    sys.path.insert(0, root)
    return root


def configs():
    """config.json contents (as saved) and the config objects the models get."""
    qwen2 = {
        "architectures": ["Qwen2Model"], "model_type": "qwen2",
        "vocab_size": VOCAB, "hidden_size": 48, "intermediate_size": 96,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "hidden_act": "silu", "max_position_embeddings": 32768, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0, "rope_scaling": None, "use_sliding_window": False,
        "sliding_window": 131072, "max_window_layers": 2, "attention_dropout": 0.0,
        "tie_word_embeddings": False, "bos_token_id": EOS, "eos_token_id": EOS,
        "torch_dtype": "float32", "use_cache": False,
    }
    mistral = {
        "architectures": ["MistralModel"], "model_type": "mistral",
        "vocab_size": VOCAB, "hidden_size": 48, "intermediate_size": 96,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 16, "hidden_act": "silu", "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "sliding_window": 6,
        "attention_dropout": 0.0, "tie_word_embeddings": False,
        "bos_token_id": EOS, "eos_token_id": EOS, "pad_token_id": PAD,
        "torch_dtype": "float32", "use_cache": False,
    }
    gemma = {
        "architectures": ["Gemma3TextModel"], "model_type": "gemma3_text",
        "vocab_size": VOCAB, "hidden_size": 48, "intermediate_size": 96,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 16, "hidden_activation": "gelu_pytorch_tanh",
        "max_position_embeddings": 2048, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0, "rope_scaling": None,
        "query_pre_attn_scalar": 24, "sliding_window": 8,
        "layer_types": ["sliding_attention", "full_attention"],
        "use_bidirectional_attention": True, "attention_bias": False, "attention_dropout": 0.0,
        "attn_logit_softcapping": None, "final_logit_softcapping": None,
        "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2,
        "tie_word_embeddings": True, "torch_dtype": "float32", "use_cache": False,
    }
    from transformers.models.qwen2.configuration_qwen2 import Qwen2Config
    from transformers.models.mistral.configuration_mistral import MistralConfig
    from transformers.models.gemma3.configuration_gemma3 import Gemma3TextConfig

    qc = Qwen2Config(**qwen2)
    qc.sliding_window = None  # use_sliding_window false
    qc.layer_types = ["full_attention"] * qwen2["num_hidden_layers"]
    mc = MistralConfig(**mistral)
    gc = Gemma3TextConfig(**gemma)
    gc.sliding_window = gemma["sliding_window"] // 2 + 1  # use_bidirectional_attention
    gc.rope_parameters = {
        "full_attention": {"rope_type": "default", "rope_theta": gemma["rope_theta"]},
        "sliding_attention": {"rope_type": "default", "rope_theta": gemma["rope_local_base_freq"]},
    }
    return {"qwen2": (qwen2, qc), "mistral": (mistral, mc), "gemma3": (gemma, gc)}


def seed_weights(model, seed, gemma_norms):
    """Seeded weights: linear N(0, 1/sqrt(in)), biases N(0, 0.1), embeddings
    N(0, 0.5) (Gemma N(0, 0.1): it scales them by sqrt(hidden)), norms
    N(1, 0.1) or, for Gemma's (1 + w) norms, N(0, 0.1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("norm.weight"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1 + (0.0 if gemma_norms else 1.0))
            elif name == "embed_tokens.weight":
                p.copy_(torch.randn(p.shape, generator=g) * (0.1 if gemma_norms else 0.5))
            elif name.endswith(".bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            else:
                p.copy_(torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)


def save_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_json(path, v):
    with open(path, "w") as f:
        json.dump(v, f, indent=2, ensure_ascii=False)
        f.write("\n")


def run(model, ids_list, side):
    """Forward a padded batch; returns per-item hidden rows of the real tokens
    and the attention mask."""
    n = max(len(x) for x in ids_list)
    ids = torch.full((len(ids_list), n), PAD, dtype=torch.long)
    mask = torch.zeros((len(ids_list), n), dtype=torch.long)
    for i, x in enumerate(ids_list):
        if side == "left":
            ids[i, n - len(x):] = torch.tensor(x)
            mask[i, n - len(x):] = 1
        else:
            ids[i, : len(x)] = torch.tensor(x)
            mask[i, : len(x)] = 1
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, use_cache=False)
    h = out.last_hidden_state
    rows = []
    for i, x in enumerate(ids_list):
        rows.append(h[i, n - len(x):] if side == "left" else h[i, : len(x)])
    return h, mask, rows


def pool(h, mask, kind):
    if kind == "lasttoken":
        idx = torch.tensor([int(torch.nonzero(m).max()) for m in mask])
        return h[torch.arange(h.shape[0]), idx]
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--qwen3-golden", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokenizer", required=True, help="tiny-qwen3's tokenizer.json (for the prompted items' ids)")
    a = ap.parse_args()
    build_package(a.ref)
    torch.set_num_threads(1)
    from transformers.models.qwen2.modeling_qwen2 import Qwen2Model
    from transformers.models.mistral.modeling_mistral import MistralModel
    from transformers.models.gemma3.modeling_gemma3 import Gemma3TextModel

    src = json.load(open(a.qwen3_golden))
    plain = [it for it in src["items"] if it.get("prompt_name") is None]
    prompted_texts = [it["text"] for it in src["items"] if it.get("prompt_name") is not None]
    cfgs = configs()
    specs = [
        ("tiny-qwen2", "qwen2", Qwen2Model, 2601, "lasttoken", "left", None),
        ("tiny-mistral", "mistral", MistralModel, 2602, "lasttoken", "left", None),
        ("tiny-gemma3", "gemma3", Gemma3TextModel, 2603, "mean", "right", [192]),
    ]
    for name, key, cls, seed, pooling, side, dense in specs:
        raw, cfg = cfgs[key]
        prompts = {"qwen2": {"query": QWEN2_QUERY}, "mistral": MISTRAL_PROMPTS, "gemma3": GEMMA_PROMPTS}[key]
        items = list(plain)
        for pname in PROMPTED[key]:
            inputs = [(prompts[pname] + t).strip() for t in prompted_texts]
            for t, inp, enc in zip(prompted_texts, inputs, tokenize(a.tokenizer, inputs)):
                items.append({"index": len(items), "text": t, "prompt_name": pname, "prompt": prompts[pname],
                              "input_text": inp, "num_tokens": len(enc["ids"]), "input_ids": enc["ids"],
                              "tokens": enc["tokens"]})
        torch.manual_seed(seed)
        model = cls(cfg).eval()
        seed_weights(model, seed, key == "gemma3")
        d = os.path.join(a.out, name)
        os.makedirs(os.path.join(d, "goldens"), exist_ok=True)
        state = {k: v for k, v in model.state_dict().items()}
        save_safetensors(os.path.join(d, "model.safetensors"), state)
        write_json(os.path.join(d, "config.json"), dict(raw, transformers_reference=REF_FILES[key][1]))
        h = raw["hidden_size"]
        mods = [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        ]
        dense_layers = []
        if dense:
            g = torch.Generator().manual_seed(seed + 50)
            dims = [h] + dense + [h]
            for j in range(len(dims) - 1):
                w = torch.randn((dims[j + 1], dims[j]), generator=g) / dims[j] ** 0.5
                p = f"{j + 2}_Dense"
                os.makedirs(os.path.join(d, p), exist_ok=True)
                save_safetensors(os.path.join(d, p, "model.safetensors"), {"linear.weight": w})
                write_json(os.path.join(d, p, "config.json"), {
                    "in_features": dims[j], "out_features": dims[j + 1], "bias": False,
                    "activation_function": "torch.nn.modules.linear.Identity"})
                mods.append({"idx": len(mods), "name": str(len(mods)), "path": p, "type": "sentence_transformers.models.Dense"})
                dense_layers.append(w)
        mods.append({"idx": len(mods), "name": str(len(mods)), "path": f"{len(mods)}_Normalize", "type": "sentence_transformers.models.Normalize"})
        write_json(os.path.join(d, "modules.json"), mods)
        os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
        write_json(os.path.join(d, "1_Pooling", "config.json"), {
            "word_embedding_dimension": h, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": pooling == "lasttoken", "include_prompt": True})
        write_json(os.path.join(d, "sentence_bert_config.json"), {"max_seq_length": 512, "do_lower_case": False})
        write_json(os.path.join(d, "config_sentence_transformers.json"), {
            "prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"})

        def head(p):
            for w in dense_layers:
                p = p @ w.T
            return p, torch.nn.functional.normalize(p, p=2, dim=1)

        other = "right" if side == "left" else "left"
        bin_parts, off, out_items = [], 0, []
        diff = {"last_hidden_state_" + other: 0.0, "pooled_" + other: 0.0, "last_hidden_state_single": 0.0}
        for b0 in range(0, len(items), 16):
            batch = items[b0:b0 + 16]
            ids = [it["input_ids"] for it in batch]
            hs, mask, rows = run(model, ids, side)
            pooled, normed = head(pool(hs, mask, pooling))
            hs2, mask2, rows2 = run(model, ids, other)
            pooled2, _ = head(pool(hs2, mask2, pooling))
            diff["pooled_" + other] = max(diff["pooled_" + other], float((pooled - pooled2).abs().max()))
            for i, it in enumerate(batch):
                diff["last_hidden_state_" + other] = max(diff["last_hidden_state_" + other], float((rows[i] - rows2[i]).abs().max()))
                _, _, single = run(model, [it["input_ids"]], side)
                diff["last_hidden_state_single"] = max(diff["last_hidden_state_single"], float((rows[i] - single[0]).abs().max()))
                rec = {k: it[k] for k in ("index", "text", "prompt_name", "prompt", "input_text", "num_tokens", "input_ids", "tokens") if k in it}
                rec["batch"] = b0 // 16
                for field, arr in (("last_hidden_state", rows[i]), ("pooled", pooled[i]), ("normalized", normed[i])):
                    bts = arr.contiguous().numpy().astype("<f4").tobytes()
                    rec[field] = {"offset": off, "shape": list(arr.shape)}
                    bin_parts.append(bts)
                    off += len(bts)
                out_items.append(rec)
        with open(os.path.join(d, "goldens", "public.bin"), "wb") as f:
            for b in bin_parts:
                f.write(b)
        write_json(os.path.join(d, "goldens", "public.json"), {
            "format": "ganada-golden-v1", "set": "public", "binary": "public.bin",
            "binary_dtype": "float32 little-endian; offsets in bytes from the start of the binary",
            "hidden_size": h, "max_seq_length": 512, "pooling": pooling, "normalize_module": True,
            "sentence_embedding": "normalized",
            "dense": [list(w.shape) for w in dense_layers],
            "batching": {
                "batch_size": 16, "order": "input order", "padding_side": side, "pad_token_id": PAD,
                "padding": side.upper() + " padding to the longest in the batch; last_hidden_state rows are the real tokens only; position ids arange(batch length) as the reference computes them",
                "max_abs_diff": diff,
            },
            "reference": {
                "transformers_files": {m: {"file": f"src/transformers/models/{m}/{n}", "commit": c, "sha256": REF_SHA256[m]} for m, (n, c) in REF_FILES.items() if m == key},
                "shim": "internal/goldens/decoders/shim (names only; see gen.py)",
                "torch": torch.__version__,
                "input_ids": "tiny-qwen3's public golden: its 64 unprompted items' ids, then its 17 prompted texts with this model's prompts tokenised by HF tokenizers (tokenize.js)",
                "pooling_code": "sentence-transformers Pooling / Dense / Normalize maths (v3.x), in gen.py",
            },
            "model": name, "model_class": cls.__name__, "seed": seed,
            "weights_file": "model.safetensors", "weights_dtype": "float32",
            "items": out_items,
        })
        print(name, json.dumps(diff))
    print("reference sha256:", json.dumps(REF_SHA256))


if __name__ == "__main__":
    main()
