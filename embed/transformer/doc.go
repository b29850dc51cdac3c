// Package transformer runs sentence-transformers models of the BERT family
// (BERT, RoBERTa, XLM-RoBERTa) in pure Go, producing the vectors
// sentence-transformers' SentenceTransformer.encode produces for them.
//
// # Loading
//
// Load takes a model folder or a Hugging Face hub id:
//
//	m, err := transformer.Load("sentence-transformers/all-MiniLM-L6-v2")
//	m, err := transformer.Load("/models/all-MiniLM-L6-v2")
//	m, err := transformer.Load("intfloat/multilingual-e5-small", transformer.WithRevision("main"))
//
// A hub id is resolved in the Hugging Face cache ($HF_HUB_CACHE, else
// $HF_HOME/hub, else ~/.cache/huggingface/hub), so models Python already
// downloaded load offline. Missing files are downloaded into that cache
// from https://huggingface.co (or $HF_ENDPOINT), resumably and with their
// checksums verified; HF_TOKEN is sent for gated or private models, and
// HF_HUB_OFFLINE=1 forbids the network. See package
// github.com/ganada/ganada/embed/hub. To prepare a machine without network
// access, copy the model folder (or the cache's models--org--name folder)
// onto it, or run once with network access.
//
// A model folder needs config.json, tokenizer.json (a Hugging Face "fast"
// tokenizer) and model.safetensors (F32, F16 or BF16; or a sharded
// model.safetensors.index.json). Models published with only
// pytorch_model.bin must first be converted to safetensors. The
// sentence-transformers files are read when present: modules.json
// (Transformer, Pooling, Dense, Normalize), sentence_bert_config.json
// (max_seq_length, do_lower_case), 1_Pooling/config.json and
// config_sentence_transformers.json (prompts). A plain Hugging Face folder
// without them gets mean pooling, as sentence-transformers gives it.
//
// # Encoding
//
// Encode returns one vector per text; EncodeTokens returns the per-token
// last hidden states. Texts are stripped of surrounding whitespace, the
// prompt is prepended, and the tokens are truncated to MaxSeqLength
// (special tokens included), exactly as sentence-transformers does; texts
// are batched by length on WithWorkers goroutines and returned in input
// order. A Model is safe for concurrent use.
//
// # Prompts: E5, BGE, nomic
//
// Asymmetric retrieval models want a prefix on queries and documents.
// multilingual-e5 models expect "query: " and "passage: ":
//
//	queries, _ := transformer.Load("intfloat/multilingual-e5-small", transformer.WithPrompt("query: "))
//	passages, _ := transformer.Load("intfloat/multilingual-e5-small", transformer.WithPrompt("passage: "))
//	q, _ := queries.Encode(ctx, []string{"how much protein should a female eat"})
//	p, _ := passages.Encode(ctx, []string{"As a general guideline, the CDC's average requirement of protein for women ages 19 to 70 is 46 grams per day."})
//	score := similarity.Cosine(q[0], p[0])
//
// (the two Models share nothing; load each once and keep it). Models whose
// config_sentence_transformers.json lists prompts can be given a prompt by
// name with WithPromptName("query"); its default_prompt_name applies
// unless WithPrompt("") disables it. BGE English models take the query
// instruction "Represent this sentence for searching relevant passages: ";
// nomic-embed takes "search_query: " and "search_document: ".
//
// all-MiniLM-L6-v2 needs no prompt, and its vectors are unit length
// (its modules end with Normalize), so a dot product is the cosine:
//
//	m, _ := transformer.Load("sentence-transformers/all-MiniLM-L6-v2")
//	v, _ := m.Encode(ctx, []string{"A man is eating food.", "A man is eating a piece of bread."})
//	score := similarity.Dot(v[0], v[1])
//
// # Differences from sentence-transformers
//
// Batches are packed without padding (attention runs per text over its own
// tokens), which is what padding with an attention mask computes; results
// match one-at-a-time encoding to float32 rounding. WithTruncateDim
// renormalises truncated vectors of normalised models, which
// sentence-transformers leaves at norm below 1 (cosines are unchanged).
// do_lower_case uses Go's strings.ToLower, which differs from Python's
// str.lower only on rare special cases (final sigma, dotted capital I).
package transformer
