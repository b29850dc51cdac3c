// Package transformer runs sentence-transformers models of the BERT family
// (BERT, RoBERTa, XLM-RoBERTa, MPNet, DistilBERT, ModernBERT) and decoder
// embedders (Qwen3, Qwen2, Mistral, Gemma3 text) in pure Go,
// producing the vectors sentence-transformers' SentenceTransformer.encode
// produces for them.
//
// # Architectures
//
// config.json's model_type selects the architecture:
//
//   - bert: all-MiniLM-L6-v2, bge-small/base/large-en-v1.5, LaBSE, e5 (English)
//   - roberta, xlm-roberta: multilingual-e5, paraphrase-multilingual-mpnet-base-v2
//     (an XLM-R despite its name), KoSimCSE-roberta and ko-sroberta models
//   - mpnet: all-mpnet-base-v2, multi-qa-mpnet-base-dot-v1 (relative
//     position bias: T5-style buckets shared by all layers)
//   - distilbert: msmarco-distilbert-base-v4, multi-qa-distilbert-cos-v1,
//     distiluse-base-multilingual-cased (with its Dense 768→512 module)
//   - modernbert: gte-modernbert-base, modernbert-embed-base (rotary
//     positions, alternating global and sliding-window attention, GeGLU,
//     pre-norm, no biases)
//   - qwen3: Qwen3-Embedding (a decoder used as an embedder: RMSNorm,
//     rotary positions with the config's rope_theta, grouped-query causal
//     attention with per-head q/k RMSNorm, head_dim·heads ≠ hidden_size,
//     SwiGLU, no biases, last-token pooling, the "query" prompt of
//     config_sentence_transformers.json); checked on seeded weights only
//     (fixture tiny-qwen3, transformers 4.51.3's Qwen3Model: hidden states
//     within 1.3e-5, the left-padding position shift of the reference's
//     batches; embeddings cosine 1 − 1e-11).
//   - qwen2: gte-Qwen2-instruct (Qwen3's blocks without q/k norms, with
//     query, key and value biases; use_sliding_window true is refused).
//   - mistral: e5-mistral-7b-instruct (no biases; config.json's
//     sliding_window limits each token to the sliding_window most recent
//     ones, itself included, as MistralModel's mask does: e5-mistral's
//     4096 matters only for longer texts).
//   - gemma3_text: EmbeddingGemma-300m (bidirectional attention, as
//     use_bidirectional_attention asks; the layers layer_types (or
//     sliding_window_pattern) marks sliding attend to keys within
//     sliding_window/2 on either side, as Gemma3TextConfig turns the
//     window into that bound, with rope_local_base_freq as their rotary
//     base; GeGLU with gelu_pytorch_tanh; embeddings × √hidden_size;
//     (1+w) RMSNorms, also on the attention and MLP outputs; q/k norms;
//     scores scaled by query_pre_attn_scalar^-½; then mean pooling and
//     its two Dense modules). Attention soft-capping and causal Gemma3
//     configs are refused.
//
// The decoder families read the rotary settings also in the form
// transformers v5 saves them (rope_parameters, one entry or one per layer
// type); rotary scaling (rope_scaling or a rope_type other than default)
// is refused.
//
// The qwen2, mistral and gemma3_text families are checked on seeded
// weights only (testdata tiny-qwen2, tiny-mistral, tiny-gemma3: Hugging
// Face transformers' own Qwen2Model, MistralModel and Gemma3TextModel run
// by internal/goldens/decoders/gen.py): hidden states within 1.5e-5 (the
// left-padding position shift of the reference's batches, 6e-6 and 3e-6
// for Qwen2 and Gemma3), sentence embeddings cosine 1 − 1e-11 or closer.
// Gemma 3's tokenizer layout (SentencePiece-style BPE with byte fallback)
// matches Hugging Face tokenizers on a vocabulary trained for the test
// (embed/tokenizer's bpe-gemma fixture); Gemma's own vocabulary was not run.
//
// Each is matched against Hugging Face transformers' own modeling code on
// seeded-random weights in the real tensor names and shapes (the shared
// fixtures tiny-bert, minilm-l6-shape, tiny-xlmr, tiny-mpnet,
// tiny-distilbert, tiny-modernbert): last hidden states within 1e-4
// (observed 2.5e-6 or better) and sentence embeddings at cosine ≥ 0.99999
// at several batchings. The model ids above were not run here: their
// published weights could not be fetched, so mpnet, distilbert and
// modernbert are checked on seeded weights only. Other model types (nomic_bert, Alibaba
// GTE "new", JinaBERT with ALiBi) are errors wrapping errs.ErrUnsupported
// that list the supported ones.
//
// Folders that record no pooling (plain Hugging Face folders, which get
// mean pooling as in sentence-transformers) can be given one with
// WithPooling (SimCSE and KoSimCSE checkpoints use CLS); WithBERTPooler
// returns the checkpoint's pooler output, tanh(pooler.dense(h[CLS])).
//
// # Loading
//
// Load takes a model folder, a repository folder of the Hugging Face cache
// or a hub id:
//
//	m, err := transformer.Load(ctx, "sentence-transformers/all-MiniLM-L6-v2")
//	m, err := transformer.Load(ctx, "/models/all-MiniLM-L6-v2")
//	m, err := transformer.Load(ctx, "/root/.cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2")
//	m, err := transformer.Load(ctx, "intfloat/multilingual-e5-small", transformer.WithRevision("main"))
//
// A hub id is resolved in the Hugging Face cache ($HF_HUB_CACHE, else
// $HF_HOME/hub, else ~/.cache/huggingface/hub), so models Python already
// downloaded load offline. Missing files are downloaded into that cache
// from https://huggingface.co (or $HF_ENDPOINT), resumably and with their
// checksums verified; HF_TOKEN is sent for gated or private models, and
// HF_HUB_OFFLINE=1 forbids the network. Offline, or when the hub cannot
// be reached, the cached snapshot is used as transformers uses it: the
// optional files below that a download skipped count as absent (a
// transformers download has no modules.json, for instance), and a required
// file missing from the cache gives an error saying so and how to fetch
// it. See package github.com/ganada/ganada/embed/hub. To prepare a machine
// without network access, copy the model folder onto it, or the cache's
// models--org--name folder (into the cache there, to load it by hub id, or
// anywhere, to load it by its path: its refs/main, or its only snapshot,
// is used), or run once with network access.
//
// A model folder needs config.json, tokenizer.json (a Hugging Face "fast"
// tokenizer) and model.safetensors (F32, F16 or BF16; or a sharded
// model.safetensors.index.json). Models published with only
// pytorch_model.bin (or its sharded index) load too: package
// embed/pytorch reads the checkpoint without executing its pickle (any
// global but torch's tensor rebuilders is refused) and converts it into a
// temporary safetensors file, removed once loaded. The
// sentence-transformers files are read when present: modules.json
// (Transformer, Pooling, Dense, Normalize), sentence_bert_config.json
// (max_seq_length, do_lower_case), 1_Pooling/config.json and
// config_sentence_transformers.json (prompts). A plain Hugging Face folder
// without them gets mean pooling, as sentence-transformers gives it.
//
// Load checks everything it reads before it is used: every size and id of
// config.json (or DistilBERT's dim, n_layers, n_heads, hidden_dim) against
// the tensors' shapes (vocab_size, pad_token_id,
// max_position_embeddings with RoBERTa's offset, type_vocab_size,
// hidden_size and num_attention_heads, intermediate_size,
// num_hidden_layers), the tokenizer's ids against the embeddings, the
// module configs against their weights, and NaN or Inf weights. Only
// regular files are read (a FIFO or device is refused before it is
// opened), JSON files within a size limit. A broken folder is an error
// wrapping errs.ErrCorrupt (or errs.ErrUnsupported for an architecture,
// module or dtype this package does not run) that names the file and
// field, never a panic at Encode. An option's bad value is an error
// wrapping errs.ErrInvalidOption that names the option and the value; a
// call after Close, errs.ErrClosed; token ids EncodeTokenIDs cannot run,
// errs.ErrInvalidInput; an output that overflows float32,
// errs.ErrNonFinite.
//
// # Encoding
//
// Encode returns one vector per text; EncodeTokens returns the per-token
// last hidden states. Texts are stripped of surrounding whitespace, the
// prompt is prepended, and the tokens are truncated to MaxSeqLength
// (special tokens included), exactly as sentence-transformers does; texts
// are sorted by length, encoded in batches of WithBatchSize (default
// DefaultBatchSize) and returned in input order. EncodeTokenIDs takes
// token ids from a tokenizer of the caller's instead of texts. A Model is
// safe for concurrent use.
//
// Each call uses WithWorkers threads (default GOMAXPROCS) on every batch:
// a batch of enough texts is cut into spans of whole texts with equal work,
// each worker running the network over its spans without waiting for the
// others; a batch of one or a few texts has each matrix product split over
// row blocks and column panels and its attention split over (text, head)
// pairs, so a single text is encoded faster with more threads too.
//
// # Prompts: queries and documents
//
// Asymmetric retrieval models encode a search query and the documents it
// is searched against differently. A Model is an
// embed.QueryDocumentEncoder: EncodeQueries and EncodeDocuments apply the
// "query" and the "document" (or "passage", or "corpus") prompts of its
// config_sentence_transformers.json, as sentence-transformers'
// encode_query and encode_document do, and Encode applies the prompt
// default_prompt_name names, if any (Prompt). EncodePrompted takes any
// other prompt, such as one of Prompts.
//
// Models whose prompts are not in their configuration get them from
// embed.WithPrompts, which refuses a model that has prompts of its own, so
// that no prompt is applied twice. multilingual-e5 models expect "query: "
// and "passage: "; BGE's English models the query instruction "Represent
// this sentence for searching relevant passages: "; nomic-embed
// "search_query: " and "search_document: ":
//
//	m, _ := transformer.Load(ctx, "intfloat/multilingual-e5-small")
//	e5, _ := embed.WithPrompts(m, "query: ", "passage: ")
//	q, _ := e5.EncodeQueries(ctx, []string{"how much protein should a female eat"})
//	p, _ := e5.EncodeDocuments(ctx, []string{"As a general guideline, the CDC's average requirement of protein for women ages 19 to 70 is 46 grams per day."})
//	score := similarity.Cosine(q[0], p[0])
//
// all-MiniLM-L6-v2 needs no prompt, and its vectors are unit length
// (its modules end with Normalize), so a dot product is the cosine:
//
//	m, _ := transformer.Load(ctx, "sentence-transformers/all-MiniLM-L6-v2")
//	v, _ := m.Encode(ctx, []string{"A man is eating food.", "A man is eating a piece of bread."})
//	score := similarity.Dot(v[0], v[1])
//
// # Rerankers: cross-encoders
//
// LoadCrossEncoder opens a sequence-classification model as a reranker,
// from a folder or hub id like Load: BertForSequenceClassification
// (cross-encoder/ms-marco-MiniLM-L6-v2, -L12-v2) and
// XLMRobertaForSequenceClassification or RobertaForSequenceClassification
// (BAAI/bge-reranker-base, -large, -v2-m3). A CrossEncoder reads a query and
// a passage together ([CLS] A [SEP] B [SEP] with token type ids for BERT,
// <s> A </s></s> B </s> for XLM-R, truncated longest-first to
// MaxSeqLength) and applies the classification head to the first token.
// Logits returns the raw outputs, one per label of config.json's id2label;
// Predict applies sentence-transformers' CrossEncoder activation (the
// sigmoid for one label unless config.json names another); Rerank, the
// embed.Reranker interface that the Collection's WithRerank takes, scores
// passages against a query:
//
//	ce, _ := transformer.LoadCrossEncoder(ctx, "cross-encoder/ms-marco-MiniLM-L6-v2")
//	scores, _ := ce.Rerank(ctx, "how many people live in Berlin?", passages)
//
// Logits and scores match transformers' classes and CrossEncoder.predict
// within 1e-6 on the test fixtures (the tests require 1e-4), at every
// batch size.
//
// # BGE-M3: dense, sparse and multi-vector
//
// LoadM3 opens BAAI/bge-m3 with FlagEmbedding's two extra heads
// (colbert_linear and sparse_linear, as safetensors files). EncodeM3 gives,
// from one forward pass, what FlagEmbedding's BGEM3FlagModel.encode
// returns: the dense vector (the normalised first-token state), the lexical
// weights (an embed.SparseVector: ReLU(sparse_linear(h)) per token, the
// largest per token id, special tokens dropped) and the ColBERT vectors
// (normalised colbert_linear(h) of every token after the first). M3Score
// computes the three scores of a query and a passage (dot product, lexical
// matching score, similarity.MaxSim), and M3Scores.Combined weighs them as
// compute_score does; M3.Reranker makes that combination an
// embed.Reranker. An M3 is also an embed.Encoder of its dense vectors. The
// outputs match FlagEmbedding's maths within 2e-6 on the test fixture.
//
// # Differences from sentence-transformers
//
// Batching is a deliberate deviation: sentence-transformers sorts texts by
// length and pads each batch to its longest text, masking the padding in
// attention. This package sorts the same way but packs each batch's tokens
// without padding: every step but attention works token row by token row,
// and attention runs per text over its own tokens only. That is exactly
// what masked padding computes (masked keys get probability 0 and padding
// rows are discarded), so the results are identical up to float32
// rounding, and no time is spent on padding rows (2% of the work at batch
// size 32 on the STS-B sentences, more for mixed lengths). A text's
// vector does not depend on the batch it lands in. WithTruncateDim
// renormalises truncated vectors of normalised models, which
// sentence-transformers leaves at norm below 1 (cosines are unchanged).
// do_lower_case uses Go's strings.ToLower, which differs from Python's
// str.lower only on rare special cases (final sigma, dotted capital I).
//
// # Performance
//
// The forward pass is pure Go with Go assembly kernels (internal/gemm,
// internal/nn), chosen at run time for AVX-512 or AVX2+FMA (pure Go
// elsewhere, or with the build tag purego):
//
//   - the weights of every Linear layer are packed once at load into the
//     panel layout of register-blocked GEMM micro-kernels (14×32 tiles on
//     AVX-512, about 95% of the FMA peak on the shapes of a small BERT);
//     the query, key and value projections are one fused product;
//   - bias, GELU and the residual add run in the products' epilogues while
//     the output is in cache; the residual stream is updated in place;
//   - attention holds one head's scores per worker at a time, with a
//     single-pass softmax kernel; LayerNorm and GELU are AVX-512 kernels
//     (GELU with an erf accurate to 1.5e-7);
//   - activations, attention buffers and tokenizations live in pooled
//     per-call runners, so steady-state encoding allocates only its
//     results (tested with testing.AllocsPerRun);
//   - the threads hand work over by polling briefly rather than sleeping,
//     so the per-step parallelism of a single text pays off on 2 cores.
//
// The layer weights are read from the safetensors file, packed, and the
// file is unmapped; a second mapping keeps only the embedding tables (F32
// checkpoints; other dtypes are converted into memory). Load reads
// every element of those tables once to reject NaN and Inf, so after Load
// they are resident in full (the 47 MB word embeddings of
// all-MiniLM-L6-v2), but as clean pages of the mapped file rather than Go
// heap: the kernel may drop them under memory pressure and read back only
// the rows of tokens in use. Weights are
// therefore not held twice: loading all-MiniLM-L6-v2 (a 91 MB file) and
// encoding 2,758 sentences peaks at 138 MB resident for the whole process
// (102 MB with WithInt8).
//
// Throughput against ONNX Runtime, by thread count and batch size, with
// GFLOP/s, memory and the commands to reproduce it, is in
// bench/encoder/README.md. On one thread, batch sizes from 4 to 128 run
// within 3% of each other; DefaultBatchSize is 32, where batches hold
// enough texts to be split across two threads by whole texts.
//
// WithInt8 quantises the layer weights to int8 (per output channel) and
// runs AVX-512 VNNI products: faster than float32 (figures in the same
// README) with a quarter of the weight memory, and sentence embeddings at
// cosine ≥ 0.9995 to the float32 ones on the test fixtures (the tests
// require 0.995).
package transformer
