// options.go holds Load's functional options.

package transformer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/pool"
)

// DefaultBatchSize is the batch size without WithBatchSize. On one thread
// batch sizes from 4 to 128 encode within 3% of each other (packed batches
// carry no padding); 32 gives several threads enough texts to split each
// batch by whole texts (see the package doc's Performance section).
const DefaultBatchSize = 32

// Option configures Load. An option whose value is unusable makes Load
// fail with an error wrapping errs.ErrInvalidOption that names the option
// and the value; Load skips nil options. (The options type is named
// options, not config, because config is config.json's.)
type Option func(*options) error

// nonNegative is the check of the options whose 0 means "the default".
func nonNegative(name string, n int) error {
	if n < 0 {
		return fmt.Errorf("transformer: %s(%d): negative: %w", name, n, errs.ErrInvalidOption)
	}
	return nil
}

type options struct {
	maxSeqLength int
	batchSize    int
	workers      int
	normalize    *bool
	truncateDim  int
	progress     func(done, total int)
	revision     string
	hubOpts      []hub.Option
	weightsFile  string
	int8         bool
	pooling      pool.Mode // WithPooling; 0: the model's
	pooler       bool      // WithBERTPooler
	onTruncate   func(i, tokens int) error
	task         string // WithTask
}

// WithMaxSeqLength sets the token limit per text, special tokens included
// (default: sentence_bert_config.json's max_seq_length, else the smaller of
// the model's positions and the tokenizer's model_max_length). Longer texts
// are truncated. It cannot exceed the model's position embeddings (Load
// fails); 0 means the default, a negative n is an invalid option.
func WithMaxSeqLength(n int) Option {
	return func(o *options) error {
		if err := nonNegative("WithMaxSeqLength", n); err != nil {
			return err
		}
		o.maxSeqLength = n
		return nil
	}
}

// WithBatchSize sets how many texts run through the network together
// (default DefaultBatchSize). Texts are sorted by length first, so batches
// hold texts of similar length; results come back in input order. 0
// means the default; a negative n is an invalid option.
func WithBatchSize(n int) Option {
	return func(o *options) error {
		if err := nonNegative("WithBatchSize", n); err != nil {
			return err
		}
		o.batchSize = n
		return nil
	}
}

// WithWorkers sets how many threads (goroutines) one Encode call uses
// (default runtime.GOMAXPROCS(0)). They share each batch: the matrix
// products are split over row blocks and column panels, attention over
// (text, head) pairs, so a single text is encoded faster too. Concurrent
// calls each use their own set. 0 means the default; a negative n is an
// invalid option.
func WithWorkers(n int) Option {
	return func(o *options) error {
		if err := nonNegative("WithWorkers", n); err != nil {
			return err
		}
		o.workers = n
		return nil
	}
}

// WithNormalize overrides normalisation. WithNormalize(true) L2-normalises
// every returned vector (after WithTruncateDim), like encode's
// normalize_embeddings=True. WithNormalize(false) skips the model's
// Normalize module, returning the unnormalised pooled (or Dense) vectors.
// Without this option the model's modules decide, as in sentence-transformers.
func WithNormalize(on bool) Option {
	return func(o *options) error { o.normalize = &on; return nil }
}

// WithTask selects the task adapters of a model that has them
// (jina-embeddings-v3: "retrieval.query", "retrieval.passage",
// "separation", "classification", "text-matching"; config.json's
// lora_adaptations): their LoRA weights are merged into the model's at
// load, as the reference's encode(task=...) applies them, and the task's
// instruction (config.json's task_instructions, e.g. "Represent the query
// for retrieving evidence documents: ") becomes the prompt of Encode,
// EncodeQueries and EncodeDocuments. One Model serves one task: load one
// per task (a retrieval index needs "retrieval.passage" for its documents
// and "retrieval.query" for its queries). Without WithTask the adapters
// are left out, as the reference does without a task. Load fails with an
// invalid option for an empty task, a task the model does not list, or a
// model without adapters.
func WithTask(task string) Option {
	return func(o *options) error {
		if task == "" {
			return fmt.Errorf("transformer: WithTask(%q): empty: %w", task, errs.ErrInvalidOption)
		}
		o.task = task
		return nil
	}
}

// WithTruncateDim keeps only the first dim components of every vector
// (Matryoshka truncation, encode's truncate_dim). Vectors of a model whose
// output is normalised are renormalised after truncation with
// matryoshka.TruncateInPlace, so that they stay unit length. 0 keeps all;
// a negative dim, or one above the model's dimension (Load fails), is an
// invalid option.
func WithTruncateDim(dim int) Option {
	return func(o *options) error {
		if err := nonNegative("WithTruncateDim", dim); err != nil {
			return err
		}
		o.truncateDim = dim
		return nil
	}
}

// WithProgress sets a function called after each batch of an encoding call
// (Encode, EncodeQueries, EncodeDocuments, EncodePrompted, EncodeTokens, EncodeTokenIDs) with
// the number of the call's texts done and its total, for long jobs: done
// increases, and the last call for an encoding call has done == total.
//
// The callbacks of concurrent encoding calls are serialised by one lock
// per Model, so f need not be safe for concurrent use (but a slow f holds
// up the other calls); their reports interleave. f runs inside the
// encoding call: it must not call the Model's Close, which waits for
// running calls and so would deadlock, nor encode with the Model, whose
// progress report would wait for the lock f's caller holds.
func WithProgress(f func(done, total int)) Option {
	return func(o *options) error { o.progress = f; return nil }
}

// WithRevision selects the hub revision (branch, tag or commit) of a hub
// id or of a cache's models--org--name folder; the default is "main". It
// is ignored for other local folders.
func WithRevision(rev string) Option {
	return func(o *options) error { o.revision = rev; return nil }
}

// WithHubOptions passes options to the hub client (endpoint, token, cache
// folder, offline mode) used for hub ids.
func WithHubOptions(opts ...hub.Option) Option {
	return func(o *options) error { o.hubOpts = append(o.hubOpts, opts...); return nil }
}

// WithWeightsFile names the weights file inside the model folder, such as
// "model.fp16.safetensors" (default model.safetensors, else the sharded
// model.safetensors.index.json). It must be a file name, without a folder.
func WithWeightsFile(name string) Option {
	return func(o *options) error {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
			return fmt.Errorf("transformer: WithWeightsFile(%q): not a file name inside the model folder: %w", name, errs.ErrInvalidOption)
		}
		o.weightsFile = name
		return nil
	}
}

// WithInt8 quantises the weights of the encoder layers to int8 at load
// (one scale per output channel; activations are quantised per token row
// at each product) and runs their products with AVX-512 VNNI dot products.
// It takes effect only on processors with AVX-512 VNNI
// (gemm.Int8Accelerated; see Model.Int8): elsewhere the int8 products would
// be slower than float32, and the model stays float32. Embeddings,
// LayerNorm, attention and Dense modules stay float32.
//
// The vectors are close to, not equal to, the float32 ones: on the
// minilm-l6-shape fixture the sentence embeddings keep a cosine above
// 0.999 to the reference (the tests require 0.995). Use it when about
// twice the speed and a quarter of the weight memory are worth that.
func WithInt8() Option {
	return func(o *options) error { o.int8 = true; return nil }
}
