#!/usr/bin/python3
"""Makes seeded tiny models and goldens for embed/transformer's remote-code
encoder families, with each family's own reference modeling code run
unmodified.

The reference implementations of these families live on the Hugging Face
Hub as trust_remote_code files that import transformers, which is not
installed here. gen.py runs them on Debian 12's python3-torch (1.13) under
the import shim in ./shim (our code: configuration objects, PreTrainedModel
with transformers' get_extended_attention_mask, output containers, ACT2FN,
logging; see shim/transformers/__init__.py). The shim holds no attention,
norm, rotary, MLP or mask code of the models: what the reference files
compute runs as they wrote it.

Reference files (NOT committed; bring them into REF, a directory outside
the repository, before running):

  REF/ref_nomic/modeling_hf_nomic_bert.py, configuration_hf_nomic_bert.py
      nomic-ai/contrastors, src/contrastors/models/huggingface/ at commit
      613ddfd (the GitHub source of the Hub's nomic-ai/nomic-bert-2048 files)
  REF/einops/  arogozhnikov/einops at ccb89f2 (pure Python; NomicBERT
      imports rearrange/repeat from it)
  REF/ref_new/modeling.py, configuration.py
      xuhaike/SparseCL, sparsecl/gte/ at commit 9e7ad03: a copy of
      Alibaba-NLP/new-impl's modeling.py and configuration.py (the Hub's
      remote code of gte-base-en-v1.5 and gte-multilingual-base). Its history
      changes one line of the model classes (gradient_checkpointing read
      with hasattr) and appends SparseCL's own classes after them, which
      gen.py does not use.
  REF/ref_jina/modeling_bert.py, configuration_bert.py
      veya2ztn/sci-bert-finetune, models/jinabert/ at commit e39c6b9: a copy
      of jinaai/jina-bert-implementation (the Hub's remote code of
      jina-embeddings-v2-*) with two additions of that repository, neither
      taken here: an alibi_scaling option (left at its default 1, which runs
      the original rebuild_alibi_tensor, here old_rebuild_alibi_tensor) and
      a flash-attn "flashV2" attention branch (attn_implementation stays
      "torch", whose scaled_dot_product_attention torch 1.13 lacks, so the
      eager path runs). emb_pooler is passed as None to the constructor
      (it only loads a tokenizer for the model's own encode()).
  REF/ref_jina3/*.py  aoncevay/jina-wrapper, xlm-roberta-flash-implementation/
      at commit d3188e6: a copy of jinaai/xlm-roberta-flash-implementation
      (jina-embeddings-v3's remote code: configuration_xlm_roberta.py,
      modeling_xlm_roberta.py, modeling_lora.py, embedding.py, mha.py,
      mlp.py, block.py, rotary.py, xlm_padding.py, stochastic_depth.py).
      Without CUDA the files take their own PyTorch paths (no flash-attn).

Families and what gen.py writes under OUT (embed/transformer/testdata):

  tiny-nomic/  NomicBertModel (nomic_bert): hidden 48, 3 heads, 2 layers,
      SwiGLU (fc11 value, fc12 gate; n_inner rounded to a multiple of 256),
      fused bias-free Wqkv, rotary base 1000, vocab 8002 padded to 8064
      (pad_vocab_size_multiple 64), seed 1301. Goldens:
      public: the 64 texts of tiny-xlmr's public golden (their token ids,
        from Hugging Face tokenizers, reused as input), batches of 16,
        right-padded, mean pooling + Normalize.
      scaled: the same weights with rotary_scaling_factor 2 and
        max_trained_positions 32 (config_scaled.json), every text run ALONE
        in a freshly built model: the reference's dynamic NTK rotary scales
        its base by the padded length of the call and keeps the scaled
        inv_freq and cos/sin cache for later calls, so one text per fresh
        model is the only batching in which each text's vectors are defined
        by that text alone (and what ganada computes for any batching).

  tiny-gte/  NewModel (new): hidden 40, 5 heads of 8, 2 layers, ffn 56
      (gated GELU: up_gate_proj's rows [up; gate], no bias), fused qkv_proj,
      rotary base 500000 with fixed NTK scaling (rope_scaling {type ntk,
      factor 2}), no token types (type_vocab_size 0), eager attention, CLS
      pooling without Normalize (gte-base-en-v1.5's modules), seed 1302.
      Golden public: batches of 16 as tiny-nomic's.

  tiny-jina/  JinaBertModel (model_type bert, position_embedding_type
      alibi): hidden 36, 6 heads of 6 (not a power of two: the slopes'
      interleaving workaround), 2 layers, ffn 40 (geglu: gated_layers' rows
      [activated; plain], no bias; wo; the MLP's own LayerNorm), symmetric
      ALiBi, token types, max_position_embeddings 512 (the real 8192 would
      make the reference build a 1.6 GB ALiBi tensor), mean pooling +
      Normalize, seed 1303. Golden public: batches of 16.

  tiny-jina3/  XLMRobertaLoRA (xlm-roberta, position_embedding_type rotary):
      hidden 32, 4 heads of 8, 2 layers, ffn 48, rotary base 20000, the five
      LoRA adaptations of jina-embeddings-v3 (rank 4, alpha 1) on every
      Linear and Embedding, pooler included, seed 1304; the LoRA matrices
      are drawn too (lora_A, lora_B ~ N(0, 1/fan)) so that each task's
      weights differ. Goldens (batches of 16, mean pooling + Normalize):
      public: no task (adapter_mask None: the plain weights);
      retrieval.query, text-matching: adapter_mask of that task for every
      text (the merged weights W + alpha/rank·B·A).

Weights: torch.manual_seed(seed), the model built from its config (its own
init), then perturbed as the shared fixtures are: LayerNorm weights
N(1, 0.1^2), LayerNorm and Linear biases N(0, 0.1^2), Linear weights
N(0, 1/fan_in), embeddings N(0, 1). Saved as float32 safetensors (written
here: header JSON + raw little-endian data, names in sorted order) under
the names of the model's state_dict().

Golden format: ganada-golden-v1 (see shared/fixtures/models/README.md):
per item last_hidden_state (real tokens only), pooled (mean over the
mask, sentence-transformers' Pooling maths) and normalized.

A rerun reproduces the weights bit for bit and the goldens within 2e-6
(PyTorch's CPU kernels are not bit-reproducible from run to run here: a
rerun of tiny-nomic moved its goldens by up to 1.9e-6, the others not at
all).

nomic-bench (not in the repository; --out names a directory outside it,
e.g. ~/.cache/ganada-bench/nomic-shape): the exact nomic-embed-text-v1.5
shape (768 hidden, 12 layers, 12 heads, SwiGLU 3072, vocabulary 30528,
rotary base 1000) with seeded weights rounded to float16-representable
values (as minilm-l6-shape's), its tokenizer files and the token ids of
minilm-l6-shape's goldens (the same bert-base-uncased WordPiece), goldens
from the reference, and model.onnx exported by torch.onnx.export (opset
14, inputs input_ids/attention_mask/token_type_ids, output
last_hidden_state, both axes dynamic) from a freshly built reference model,
for bench/encoder. Needs --minilm (the shared minilm-l6-shape folder).

mpnet-bench (not in the repository; --out names a directory outside it,
e.g. ~/.cache/ganada-bench/mpnet-shape): the all-mpnet-base-v2 shape (12
layers, hidden 768, 12 heads, FFN 3072, vocabulary 30527, 32 relative
attention buckets, 514 positions, layer_norm_eps 1e-5; tiny-mpnet's
config.json at that shape), transformers' own MPNetModel (with its
pooler, as real checkpoints carry it) run unmodified, seed 2098, weights
perturbed as above (relative_attention_bias N(0, 1) like tiny-mpnet's) and
rounded to float16-representable values, tiny-mpnet's tokenizer files,
sentence-transformers files (mean pooling + Normalize, max_seq_length
384), goldens on the token ids of tiny-mpnet's public golden (batches of
16, right-padded with <pad> = 1), and model.onnx exported by
torch.onnx.export (opset 14, inline weights, inputs input_ids and
attention_mask, output last_hidden_state, both axes dynamic) from a freshly
built model, for bench/encoder. Needs --tiny-mpnet (the shared tiny-mpnet
folder) and in REF/mpnet/ two files of huggingface/transformers, brought
with the code index's read_file (the repository is too large to fetch) and
checked by sha256 (MPNET_FILES below):
  src/transformers/models/mpnet/modeling_mpnet.py       @00099b9 (v5-era)
  src/transformers/models/mpnet/configuration_mpnet.py  @06053b8
They import their neighbours relatively, so gen.py copies the shim into a
temporary directory with the two files in transformers/models/mpnet/. Shim
names they need beyond the ones above: initialization (zeros_, copy_;
in-place, no grad), configuration_utils.PreTrainedConfig (the v5 spelling
of PretrainedConfig), activations.gelu (exact erf; the masked-LM head's,
not run), utils.auto_docstring / can_return_tuple /
output_capturing.capture_outputs (identity decorators: gen.py leaves
return_dict True and asks for no hidden states or attentions), and
PreTrainedModel._init_weights (transformers' default init, reached through
super(); redrawn by perturb).

    /usr/bin/python3 internal/goldens/encoders/gen.py --ref /tmp/bench13-ref \
        --out ~/.cache/ganada-bench/mpnet-shape \
        --tiny-mpnet ../shared/fixtures/models/tiny-mpnet mpnet-bench

Rerun (from the repository root, REF prepared as above):

    /usr/bin/python3 internal/goldens/encoders/gen.py --ref /tmp/enc13b/ref \
        --out embed/transformer/testdata nomic
"""

import argparse
import importlib
import json
import math
import os
import struct
import sys

import torch

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))


def setup_paths(ref):
    sys.path.insert(0, os.path.join(HERE, "shim"))
    sys.path.insert(1, ref)


# ---------------------------------------------------------------- files

def write_safetensors(path, tensors):
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        b = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_st_modules(d, hidden, max_seq, normalize, prompts, pooling="mean"):
    """sentence-transformers' module files for a Transformer + Pooling
    (+ Normalize) model."""
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        mods.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
        os.makedirs(os.path.join(d, "2_Normalize"), exist_ok=True)
    write_json(os.path.join(d, "modules.json"), mods)
    pool = {"word_embedding_dimension": hidden}
    for m in ["cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken"]:
        pool["pooling_mode_" + m] = (m == {"mean": "mean_tokens", "cls": "cls_token"}[pooling])
    pool["include_prompt"] = True
    write_json(os.path.join(d, "1_Pooling", "config.json"), pool)
    write_json(os.path.join(d, "sentence_bert_config.json"), {"max_seq_length": max_seq, "do_lower_case": False})
    write_json(os.path.join(d, "config_sentence_transformers.json"), {
        "__version__": {"sentence_transformers": "3.0.1", "pytorch": torch.__version__},
        "prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"})


def source_items(out):
    """The texts and token ids of tiny-xlmr's public golden (Hugging Face
    tokenizers' output for the unigram-ko tokenizer, truncated at 128)."""
    with open(os.path.join(out, "tiny-xlmr", "goldens", "public.json")) as f:
        g = json.load(f)
    return g["items"], g["tokenizer_sha256"]


# ---------------------------------------------------------------- weights

def perturb(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, torch.nn.LayerNorm):
                if mod.weight is not None:
                    mod.weight.copy_(1 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                if mod.bias is not None:
                    mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))
            elif isinstance(mod, torch.nn.Linear):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) / math.sqrt(mod.in_features))
                if mod.bias is not None:
                    mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))
            elif isinstance(mod, torch.nn.Embedding):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g))


# ---------------------------------------------------------------- goldens

class Golden:
    def __init__(self, pooling="mean"):
        self.bin = bytearray()
        self.items = []
        self.pooling = pooling

    def array(self, t):
        a = t.detach().to(torch.float32).contiguous()
        off = len(self.bin)
        self.bin += a.numpy().astype("<f4").tobytes()
        return {"offset": off, "shape": list(a.shape)}

    def add(self, src, batch, hidden):
        mask = torch.ones(hidden.shape[0])
        if self.pooling == "cls":
            pooled = hidden[0]
        else:
            pooled = (hidden * mask[:, None]).sum(0) / torch.clamp(mask.sum(), min=1e-9)
        normalized = torch.nn.functional.normalize(pooled[None], p=2, dim=1)[0]
        self.items.append({
            "index": src["index"], "text": src["text"], "input_text": src["input_text"], "batch": batch,
            "num_tokens": len(src["input_ids"]), "input_ids": src["input_ids"],
            "token_type_ids": [0] * len(src["input_ids"]),
            "last_hidden_state": self.array(hidden), "pooled": self.array(pooled),
            "normalized": self.array(normalized)})

    def write(self, d, name, meta):
        os.makedirs(os.path.join(d, "goldens"), exist_ok=True)
        with open(os.path.join(d, "goldens", name + ".bin"), "wb") as f:
            f.write(bytes(self.bin))
        meta = dict(meta, format="ganada-golden-v1", set=name, binary=name + ".bin",
                    binary_dtype="float32 little-endian; offsets in bytes from the start of the binary",
                    items=self.items)
        write_json(os.path.join(d, "goldens", name + ".json"), meta)


def run_batches(items, bs, pad, forward, golden):
    """Runs items bs at a time, right-padded with pad, through forward(ids,
    mask) -> last hidden state, and records each item's real rows."""
    for b0 in range(0, len(items), bs):
        chunk = items[b0:b0 + bs]
        n = max(len(it["input_ids"]) for it in chunk)
        ids = torch.full((len(chunk), n), pad, dtype=torch.long)
        mask = torch.zeros((len(chunk), n), dtype=torch.long)
        for i, it in enumerate(chunk):
            ids[i, :len(it["input_ids"])] = torch.tensor(it["input_ids"])
            mask[i, :len(it["input_ids"])] = 1
        with torch.no_grad():
            h = forward(ids, mask)
        for i, it in enumerate(chunk):
            golden.add(it, b0 // bs, h[i, :len(it["input_ids"])])


# ---------------------------------------------------------------- nomic_bert

def gen_nomic(ref, out):
    mod = importlib.import_module("ref_nomic.modeling_hf_nomic_bert")
    cfgmod = importlib.import_module("ref_nomic.configuration_hf_nomic_bert")
    # The keys of nomic-ai/nomic-embed-text-v1.5's config.json, at a tiny
    # shape.
    cfg = {
        "activation_function": "swiglu", "architectures": ["NomicBertModel"], "attn_pdrop": 0.0,
        "auto_map": {
            "AutoConfig": "nomic-ai/nomic-bert-2048--configuration_hf_nomic_bert.NomicBertConfig",
            "AutoModel": "nomic-ai/nomic-bert-2048--modeling_hf_nomic_bert.NomicBertModel",
            "AutoModelForMaskedLM": "nomic-ai/nomic-bert-2048--modeling_hf_nomic_bert.NomicBertForPreTraining"},
        "bos_token_id": None, "causal": False, "dense_seq_output": True, "embd_pdrop": 0.0, "eos_token_id": None,
        "fused_bias_fc": True, "fused_dropout_add_ln": True, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-12, "max_trained_positions": 2048, "mlp_fc1_bias": False,
        "mlp_fc2_bias": False, "model_type": "nomic_bert", "n_embd": 48, "n_head": 3, "n_inner": None,
        "n_layer": 2, "n_positions": 8192, "pad_token_id": 1, "pad_vocab_size_multiple": 64,
        "parallel_block": False, "parallel_block_tied_norm": False, "prenorm": False,
        "qkv_proj_bias": False, "reorder_and_upcast_attn": False, "resid_pdrop": 0.0,
        "rotary_emb_base": 1000, "rotary_emb_fraction": 1.0, "rotary_emb_interleaved": False,
        "rotary_emb_scale_base": None, "rotary_scaling_factor": None, "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True, "summary_activation": None, "summary_first_dropout": 0.0,
        "summary_proj_to_labels": True, "summary_type": "cls_index", "summary_use_proj": True,
        "torch_dtype": "float32", "type_vocab_size": 2, "use_cache": True, "use_flash_attn": True,
        "use_rms_norm": False, "use_xentropy": True, "vocab_size": 8002,
    }
    d = os.path.join(out, "tiny-nomic")
    os.makedirs(d, exist_ok=True)

    def build(c):
        conf = cfgmod.NomicBertConfig(**{k: v for k, v in c.items() if k not in ("model_type", "auto_map", "architectures")})
        return mod.NomicBertModel(conf, add_pooling_layer=False).eval()

    torch.manual_seed(1301)
    model = build(cfg)
    perturb(model, 1301)
    state = model.state_dict()
    write_safetensors(os.path.join(d, "model.safetensors"), state)
    write_json(os.path.join(d, "config.json"), cfg)
    scaled = dict(cfg, rotary_scaling_factor=2, max_trained_positions=32)
    write_json(os.path.join(d, "config_scaled.json"), scaled)
    write_st_modules(d, 48, 128, True, {
        "search_query": "search_query: ", "search_document": "search_document: ",
        "classification": "classification: ", "clustering": "clustering: "})

    items, tok_sha = source_items(out)
    meta = {"model": "tiny-nomic", "model_class": "NomicBertModel (nomic-ai/contrastors modeling_hf_nomic_bert.py @613ddfd)",
            "hidden_size": 48, "max_seq_length": 128, "pooling": "mean", "normalize_module": True,
            "sentence_embedding": "normalized", "weights_file": "model.safetensors", "weights_dtype": "float32",
            "tokenizer_source": "tiny-xlmr/tokenizer.json (ids reused from tiny-xlmr's public golden)",
            "tokenizer_sha256": tok_sha,
            "reference": {"torch": torch.__version__, "shim": "internal/goldens/encoders/shim",
                          "pooling_code": "sentence_transformers.models.Pooling / Normalize (mean maths)"}}

    def fwd(m):
        return lambda ids, mask: m(ids, attention_mask=mask).last_hidden_state

    g = Golden()
    run_batches(items, 16, cfg["pad_token_id"], fwd(model), g)
    g.write(d, "public", dict(meta, batching={"batch_size": 16, "order": "input order",
                                              "padding": "right, to the longest in the batch", "pad_token_id": 1}))

    g = Golden()
    for it in items:
        m = build(scaled)
        m.load_state_dict(state)
        run_batches([it], 1, cfg["pad_token_id"], fwd(m), g)
    g.write(d, "scaled", dict(meta, config="config_scaled.json",
                              batching={"batch_size": 1, "order": "input order",
                                        "padding": "none: each text alone in a freshly built model"}))


# ---------------------------------------------------------------- new (GTE)

def gen_gte(ref, out):
    mod = importlib.import_module("ref_new.modeling")
    cfgmod = importlib.import_module("ref_new.configuration")
    # The keys of Alibaba-NLP/gte-base-en-v1.5's config.json, at a tiny shape.
    cfg = {
        "architectures": ["NewModel"], "attention_probs_dropout_prob": 0.0,
        "auto_map": {"AutoConfig": "Alibaba-NLP/new-impl--configuration.NewConfig",
                     "AutoModel": "Alibaba-NLP/new-impl--modeling.NewModel"},
        "classifier_dropout": None, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 40,
        "initializer_range": 0.02, "intermediate_size": 56, "layer_norm_eps": 1e-12,
        "layer_norm_type": "layer_norm", "logn_attention_clip1": False, "logn_attention_scale": False,
        "max_position_embeddings": 8192, "model_type": "new", "num_attention_heads": 5, "num_hidden_layers": 2,
        "pack_qkv": True, "pad_token_id": 1, "position_embedding_type": "rope",
        "rope_scaling": {"factor": 2.0, "type": "ntk"}, "rope_theta": 500000, "torch_dtype": "float32",
        "type_vocab_size": 0, "unpad_inputs": False, "use_memory_efficient_attention": False, "vocab_size": 8002,
    }
    d = os.path.join(out, "tiny-gte")
    os.makedirs(d, exist_ok=True)
    conf = cfgmod.NewConfig(**{k: v for k, v in cfg.items() if k not in ("model_type", "auto_map")})
    torch.manual_seed(1302)
    model = mod.NewModel(conf).eval()
    perturb(model, 1302)
    write_safetensors(os.path.join(d, "model.safetensors"), model.state_dict())
    write_json(os.path.join(d, "config.json"), cfg)
    write_st_modules(d, 40, 128, False, {}, pooling="cls")

    items, tok_sha = source_items(out)
    meta = {"model": "tiny-gte", "model_class": "NewModel (Alibaba-NLP/new-impl modeling.py, via xuhaike/SparseCL @9e7ad03)",
            "hidden_size": 40, "max_seq_length": 128, "pooling": "cls", "normalize_module": False,
            "sentence_embedding": "pooled", "weights_file": "model.safetensors", "weights_dtype": "float32",
            "tokenizer_source": "tiny-xlmr/tokenizer.json (ids reused from tiny-xlmr's public golden)",
            "tokenizer_sha256": tok_sha,
            "reference": {"torch": torch.__version__, "shim": "internal/goldens/encoders/shim",
                          "attention": "eager (NewAttention._attention)",
                          "pooling_code": "sentence_transformers.models.Pooling / Normalize (cls maths)"}}
    g = Golden(pooling="cls")
    run_batches(items, 16, cfg["pad_token_id"], lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state, g)
    g.write(d, "public", dict(meta, batching={"batch_size": 16, "order": "input order",
                                              "padding": "right, to the longest in the batch", "pad_token_id": 1}))


# ---------------------------------------------------------------- JinaBERT

def gen_jina(ref, out):
    mod = importlib.import_module("ref_jina.modeling_bert")
    cfgmod = importlib.import_module("ref_jina.configuration_bert")
    # The keys of jinaai/jina-embeddings-v2-small-en's config.json, at a tiny shape.
    cfg = {
        "_name_or_path": "jinaai/jina-bert-implementation", "architectures": ["JinaBertForMaskedLM"],
        "attention_probs_dropout_prob": 0.0, "attn_implementation": "torch",
        "auto_map": {"AutoConfig": "jinaai/jina-bert-implementation--configuration_bert.JinaBertConfig",
                     "AutoModel": "jinaai/jina-bert-implementation--modeling_bert.JinaBertModel",
                     "AutoModelForMaskedLM": "jinaai/jina-bert-implementation--modeling_bert.JinaBertForMaskedLM"},
        "classifier_dropout": None, "emb_pooler": "mean", "feed_forward_type": "geglu",
        "gradient_checkpointing": False, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 36,
        "initializer_range": 0.02, "intermediate_size": 40, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512, "model_max_length": 8192, "model_type": "bert", "num_attention_heads": 6,
        "num_hidden_layers": 2, "pad_token_id": 1, "position_embedding_type": "alibi", "torch_dtype": "float32",
        "type_vocab_size": 2, "use_cache": True, "vocab_size": 8002,
    }
    d = os.path.join(out, "tiny-jina")
    os.makedirs(d, exist_ok=True)
    kw = {k: v for k, v in cfg.items() if k not in ("model_type", "auto_map", "_name_or_path")}
    kw["emb_pooler"] = None
    conf = cfgmod.JinaBertConfig(**kw)
    torch.manual_seed(1303)
    model = mod.JinaBertModel(conf, add_pooling_layer=False).eval()
    perturb(model, 1303)
    write_safetensors(os.path.join(d, "model.safetensors"), model.state_dict())
    write_json(os.path.join(d, "config.json"), cfg)
    write_st_modules(d, 36, 128, True, {})

    items, tok_sha = source_items(out)
    meta = {"model": "tiny-jina", "model_class": "JinaBertModel (jina-bert-implementation modeling_bert.py, via veya2ztn/sci-bert-finetune @e39c6b9)",
            "hidden_size": 36, "max_seq_length": 128, "pooling": "mean", "normalize_module": True,
            "sentence_embedding": "normalized", "weights_file": "model.safetensors", "weights_dtype": "float32",
            "tokenizer_source": "tiny-xlmr/tokenizer.json (ids reused from tiny-xlmr's public golden)",
            "tokenizer_sha256": tok_sha,
            "reference": {"torch": torch.__version__, "shim": "internal/goldens/encoders/shim",
                          "attention": "eager (torch 1.13 has no scaled_dot_product_attention)",
                          "pooling_code": "sentence_transformers.models.Pooling / Normalize (mean maths)"}}
    g = Golden()
    run_batches(items, 16, cfg["pad_token_id"], lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state, g)
    g.write(d, "public", dict(meta, batching={"batch_size": 16, "order": "input order",
                                              "padding": "right, to the longest in the batch", "pad_token_id": 1}))


# ---------------------------------------------------------------- Jina v3

def gen_jina3(ref, out):
    mod = importlib.import_module("ref_jina3.modeling_lora")
    cfgmod = importlib.import_module("ref_jina3.configuration_xlm_roberta")
    # The keys of jinaai/jina-embeddings-v3's config.json, at a tiny shape.
    tasks = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"]
    cfg = {
        "_name_or_path": "jinaai/jina-embeddings-v3", "architectures": ["XLMRobertaModel"],
        "attention_probs_dropout_prob": 0.1,
        "auto_map": {
            "AutoConfig": "jinaai/xlm-roberta-flash-implementation--configuration_xlm_roberta.XLMRobertaFlashConfig",
            "AutoModel": "jinaai/xlm-roberta-flash-implementation--modeling_lora.XLMRobertaLoRA",
            "AutoModelForMaskedLM": "jinaai/xlm-roberta-flash-implementation--modeling_xlm_roberta.XLMRobertaForMaskedLM",
            "AutoModelForPreTraining": "jinaai/xlm-roberta-flash-implementation--modeling_xlm_roberta.XLMRobertaForPreTraining"},
        "bos_token_id": 0, "classifier_dropout": None, "emb_pooler": None, "eos_token_id": 2, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 48,
        "layer_norm_eps": 1e-05, "load_trained_adapters": True, "lora_adaptations": tasks, "lora_alpha": 1,
        "lora_dropout_p": 0.0, "lora_main_params_trainable": False, "lora_rank": 4,
        "matryoshka_dimensions": [8, 16, 32], "max_position_embeddings": 8194, "model_type": "xlm-roberta",
        "num_attention_heads": 4, "num_hidden_layers": 2, "output_past": True, "pad_token_id": 1,
        "position_embedding_type": "rotary", "rotary_emb_base": 20000.0, "torch_dtype": "float32",
        "truncate_dim": None, "type_vocab_size": 1, "use_cache": True, "use_flash_attn": True, "vocab_size": 8002,
        "task_instructions": {
            "retrieval.query": "Represent the query for retrieving evidence documents: ",
            "retrieval.passage": "Represent the document for retrieval: ",
            "separation": "", "classification": "", "text-matching": ""},
    }
    d = os.path.join(out, "tiny-jina3")
    os.makedirs(d, exist_ok=True)
    kw = {k: v for k, v in cfg.items() if k not in ("model_type", "auto_map", "_name_or_path", "torch_dtype")}
    conf = cfgmod.XLMRobertaFlashConfig(**kw)
    conf._name_or_path = cfg["_name_or_path"]
    torch.manual_seed(1304)
    model = mod.XLMRobertaLoRA(conf).eval()
    g = torch.Generator().manual_seed(1304)
    with torch.no_grad():
        for name, p in model.state_dict(keep_vars=True).items():
            if not isinstance(p, torch.nn.Parameter):
                continue
            if name.endswith("lora_A") or name.endswith("lora_B"):
                fan = p.shape[1] if "embeddings" in name and name.endswith("lora_B") else p.shape[-1]
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            elif p.dim() == 2:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
            elif ("norm" in name or "emb_ln" in name) and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
    write_safetensors(os.path.join(d, "model.safetensors"), model.state_dict())
    write_json(os.path.join(d, "config.json"), cfg)
    write_st_modules(d, 32, 128, True, cfg["task_instructions"])
    # jina-embeddings-v3's own modules.json: its custom_st.Transformer.
    write_json(os.path.join(d, "modules.json"), [
        {"idx": 0, "name": "transformer", "path": "", "type": "custom_st.Transformer", "kwargs": ["task"]},
        {"idx": 1, "name": "pooler", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "normalizer", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])

    items, tok_sha = source_items(out)
    meta = {"model": "tiny-jina3", "model_class": "XLMRobertaLoRA (xlm-roberta-flash-implementation, via aoncevay/jina-wrapper @d3188e6)",
            "hidden_size": 32, "max_seq_length": 128, "pooling": "mean", "normalize_module": True,
            "sentence_embedding": "normalized", "weights_file": "model.safetensors", "weights_dtype": "float32",
            "tokenizer_source": "tiny-xlmr/tokenizer.json (ids reused from tiny-xlmr's public golden)",
            "tokenizer_sha256": tok_sha,
            "reference": {"torch": torch.__version__, "shim": "internal/goldens/encoders/shim",
                          "attention": "the files' PyTorch path (no CUDA: use_flash_attn false)",
                          "pooling_code": "sentence_transformers.models.Pooling / Normalize (mean maths)"}}
    for task in [None, "retrieval.query", "text-matching"]:
        def fwd(ids, mask, task=task):
            kw = {}
            if task is not None:
                kw["adapter_mask"] = torch.full((ids.shape[0],), tasks.index(task), dtype=torch.int32)
            return model(ids, attention_mask=mask.bool(), **kw).last_hidden_state
        gd = Golden()
        run_batches(items, 16, cfg["pad_token_id"], fwd, gd)
        gd.write(d, task or "public", dict(meta, task=task, batching={
            "batch_size": 16, "order": "input order", "padding": "right, to the longest in the batch", "pad_token_id": 1}))


# ---------------------------------------------------------------- bench shape

def gen_nomic_bench(ref, out, minilm):
    import shutil
    mod = importlib.import_module("ref_nomic.modeling_hf_nomic_bert")
    cfgmod = importlib.import_module("ref_nomic.configuration_hf_nomic_bert")
    cfg = json.load(open(os.path.join(HERE, "..", "..", "..", "embed", "transformer", "testdata", "tiny-nomic", "config.json")))
    cfg.update({"n_embd": 768, "n_head": 12, "n_inner": 3072, "n_layer": 12, "pad_token_id": 0, "vocab_size": 30528,
                "max_trained_positions": 2048, "n_positions": 8192})
    os.makedirs(out, exist_ok=True)
    conf = cfgmod.NomicBertConfig(**{k: v for k, v in cfg.items() if k not in ("model_type", "auto_map", "architectures")})
    torch.manual_seed(1399)
    model = mod.NomicBertModel(conf, add_pooling_layer=False).eval()
    perturb(model, 1399)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    write_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())
    write_json(os.path.join(out, "config.json"), cfg)
    write_st_modules(out, 768, 256, True, {"search_query": "search_query: ", "search_document": "search_document: "})
    for n in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]:
        shutil.copy(os.path.join(minilm, n), os.path.join(out, n))
    with open(os.path.join(minilm, "goldens", "public.json")) as f:
        src = json.load(f)
    g = Golden()
    run_batches(src["items"], 16, 0, lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state, g)
    g.write(out, "public", {"model": "nomic-shape", "hidden_size": 768, "max_seq_length": 256, "pooling": "mean",
                            "normalize_module": True, "sentence_embedding": "normalized",
                            "weights_file": "model.safetensors", "tokenizer_sha256": src["tokenizer_sha256"],
                            "batching": {"batch_size": 16, "pad_token_id": 0}})

    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    fresh = mod.NomicBertModel(conf, add_pooling_layer=False).eval()
    fresh.load_state_dict(model.state_dict())
    ids = torch.tensor([src["items"][0]["input_ids"]] * 2)
    dyn = {0: "batch", 1: "sequence"}
    torch.onnx.export(Wrap(fresh), (ids, torch.ones_like(ids), torch.zeros_like(ids)), os.path.join(out, "model.onnx"),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn, "last_hidden_state": dyn},
                      opset_version=14)


# ---------------------------------------------------------------- MPNet bench shape

# transformers' MPNet files run by mpnet-bench, as the code index's read_file
# returned them (commit, sha256 of the file brought into REF/mpnet/).
MPNET_FILES = {
    "modeling_mpnet.py": ("00099b9f15ad8bea330364709453fc49cbba90e5",
                          "0910152f8544d8d88e3312253799fd550f69530d04a17d99f9fee212cedd8c1a"),
    "configuration_mpnet.py": ("06053b84c14d72e9789fbf27844a75aa89b3ded7",
                               "146ced089831fd7e7239c986010132d1e7336ecd06a0c4c91deae222f85c4553"),
}


def mpnet_package(ref):
    """A temporary copy of the shim with transformers' MPNet files (checked
    by sha256) in transformers/models/mpnet/, first on sys.path: the files
    import their neighbours relatively (from ...modeling_utils import ...)."""
    import hashlib
    import shutil
    import tempfile
    root = tempfile.mkdtemp(prefix="ganada-mpnet-")
    shutil.copytree(os.path.join(HERE, "shim", "transformers"), os.path.join(root, "transformers"))
    for name, (_, want) in MPNET_FILES.items():
        src = os.path.join(ref, "mpnet", name)
        with open(src, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != want:
            sys.exit(f"{src}: sha256 {got}, want {want} (not the reference file gen.py pins)")
        shutil.copy(src, os.path.join(root, "transformers", "models", "mpnet", name))
    for m in [m for m in sys.modules if m == "transformers" or m.startswith("transformers.")]:
        del sys.modules[m]
    sys.path.insert(0, root)
    return root


def gen_mpnet_bench(ref, out, tiny_mpnet):
    import shutil
    mpnet_package(ref)
    mod = importlib.import_module("transformers.models.mpnet.modeling_mpnet")
    cfgmod = importlib.import_module("transformers.models.mpnet.configuration_mpnet")
    # tiny-mpnet's config.json (all-mpnet-base-v2's keys) at all-mpnet-base-v2's shape.
    cfg = json.load(open(os.path.join(tiny_mpnet, "config.json")))
    cfg.update({"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
                "vocab_size": 30527, "relative_attention_num_buckets": 32, "max_position_embeddings": 514})
    os.makedirs(out, exist_ok=True)
    conf = cfgmod.MPNetConfig(**{k: v for k, v in cfg.items() if k not in ("model_type", "transformers_version")})
    torch.manual_seed(2098)
    model = mod.MPNetModel(conf, add_pooling_layer=True).eval()
    perturb(model, 2098)
    with torch.no_grad():
        # relative_attention_bias N(0, 1) as tiny-mpnet's (perturb drew it
        # as an Embedding); every weight rounded to float16-representable
        # values as minilm-l6-shape's.
        for p in model.parameters():
            p.copy_(p.half().float())
    write_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())
    write_json(os.path.join(out, "config.json"), cfg)
    write_st_modules(out, 768, 384, True, {})
    for n in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]:
        shutil.copy(os.path.join(tiny_mpnet, n), os.path.join(out, n))
    with open(os.path.join(tiny_mpnet, "goldens", "public.json")) as f:
        src = json.load(f)
    g = Golden()
    run_batches(src["items"], 16, 1, lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state, g)
    g.write(out, "public", {"model": "mpnet-shape", "model_class": "MPNetModel (transformers modeling_mpnet.py @00099b9)",
                            "hidden_size": 768, "max_seq_length": 384, "pooling": "mean",
                            "normalize_module": True, "sentence_embedding": "normalized",
                            "weights_file": "model.safetensors", "tokenizer_sha256": src["tokenizer_sha256"],
                            "tokenizer_source": "tiny-mpnet/tokenizer.json (ids reused from tiny-mpnet's public golden)",
                            "batching": {"batch_size": 16, "pad_token_id": 1, "model_inputs": ["input_ids", "attention_mask"]},
                            "reference": {"torch": torch.__version__, "shim": "internal/goldens/encoders/shim",
                                          "transformers_files": {n: {"commit": c, "sha256": h} for n, (c, h) in MPNET_FILES.items()}}})

    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids, attention_mask=attention_mask).last_hidden_state

    fresh = mod.MPNetModel(conf, add_pooling_layer=True).eval()
    fresh.load_state_dict(model.state_dict())
    ids = torch.tensor([src["items"][0]["input_ids"]] * 2)
    dyn = {0: "batch", 1: "sequence"}
    torch.onnx.export(Wrap(fresh), (ids, torch.ones_like(ids)), os.path.join(out, "model.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "last_hidden_state": dyn},
                      opset_version=14)


FAMILIES = {"nomic": gen_nomic, "gte": gen_gte, "jina": gen_jina, "jina3": gen_jina3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True, help="directory holding the reference files (see the docstring)")
    ap.add_argument("--out", required=True, help="embed/transformer/testdata")
    ap.add_argument("--minilm", help="shared/fixtures/models/minilm-l6-shape (nomic-bench only)")
    ap.add_argument("--tiny-mpnet", help="shared/fixtures/models/tiny-mpnet (mpnet-bench only)")
    ap.add_argument("families", nargs="+", choices=sorted(FAMILIES) + ["nomic-bench", "mpnet-bench"])
    a = ap.parse_args()
    setup_paths(a.ref)
    torch.set_num_threads(1)
    for f in a.families:
        if f == "nomic-bench":
            gen_nomic_bench(a.ref, a.out, a.minilm)
        elif f == "mpnet-bench":
            gen_mpnet_bench(a.ref, a.out, a.tiny_mpnet)
        else:
            FAMILIES[f](a.ref, a.out)
        print("wrote", f)


if __name__ == "__main__":
    main()
