// crossencoder.go runs Hugging Face sequence-classification models of the
// BERT family as cross-encoders (rerankers): BertForSequenceClassification
// (cross-encoder/ms-marco-MiniLM-L6-v2 and its kind) and
// XLMRobertaForSequenceClassification / RobertaForSequenceClassification
// (BAAI/bge-reranker-base, -large, -v2-m3), scoring (query, passage) pairs
// as sentence-transformers' CrossEncoder.predict does.

package transformer

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// CrossEncoder is a loaded sequence-classification model that reads a
// query and a passage together and scores the pair: a reranker. It is safe
// for concurrent use by multiple goroutines; Close waits for running calls
// to finish.
//
// The model's encoder runs as Model's does (packed batches, the same
// kernels and threads); its classification head is applied to the first
// token's hidden state: for BERT, tanh(pooler.dense(h)) then classifier;
// for (XLM-)RoBERTa, tanh(classifier.dense(h)) then classifier.out_proj.
type CrossEncoder struct {
	m      *Model
	arch   string
	labels []string
	act    string // "sigmoid", "identity" or "tanh"
	types  bool   // feed the tokenizer's token type ids (BERT)

	// The head, float64 copies of the weights: dense [h×h] and out [L×h].
	denseW, denseB []float64
	outW, outB     []float64
}

var _ embed.Reranker = (*CrossEncoder)(nil)

// Activations of CrossEncoder.Predict, as sentence-transformers names them
// in config.json.
const (
	torchSigmoid  = "torch.nn.modules.activation.Sigmoid"
	torchIdentity = "torch.nn.modules.linear.Identity"
	torchTanh     = "torch.nn.modules.activation.Tanh"
)

// ceConfig holds the fields of config.json a cross-encoder needs beyond
// the encoder's.
type ceConfig struct {
	Architectures []string          `json:"architectures"`
	ID2Label      map[string]string `json:"id2label"`
	NumLabels     *int              `json:"num_labels"`
	ST            *struct {
		ActivationFn *string `json:"activation_fn"`
	} `json:"sentence_transformers"`
	SbertActivation *string `json:"sbert_ce_default_activation_function"`
}

// maxLabels bounds the labels a classifier may have (the classifier's
// tensor is checked against the count as well).
const maxLabels = 1 << 16

// LoadCrossEncoder opens a cross-encoder: a Hugging Face model folder, a
// repository folder of the Hugging Face cache or a hub id, as Load takes
// them, whose config.json names one of the architectures
// BertForSequenceClassification, XLMRobertaForSequenceClassification or
// RobertaForSequenceClassification, with the classification head's tensors
// in model.safetensors. Options are Load's: WithBatchSize (pairs per
// batch), WithWorkers, WithMaxSeqLength (default: the tokenizer's
// model_max_length, capped by the model's positions, as CrossEncoder's
// max_length=None gives), WithRevision, WithWeightsFile, WithInt8 and the
// hub options; prompt and pooling options do not apply.
//
// The labels are config.json's id2label (num_labels when id2label is
// absent; 2 when both are, as transformers defaults). Predict's activation
// is sentence-transformers' default: config.json's
// sentence_transformers.activation_fn (or the older
// sbert_ce_default_activation_function) when it names torch's Sigmoid,
// Identity or Tanh; otherwise the sigmoid for one label and the identity
// for more.
//
// Errors are Load's: a folder whose files are missing, malformed or
// inconsistent (a head tensor missing or of the wrong shape, id2label keys
// not 0..n-1) wraps errs.ErrCorrupt and names the file, field or tensor;
// an architecture or activation this package does not run,
// errs.ErrUnsupported.
func LoadCrossEncoder(ctx context.Context, dirOrHubID string, opts ...Option) (*CrossEncoder, error) {
	src, o, tdir, err := openSource(ctx, dirOrHubID, opts)
	if err != nil {
		return nil, err
	}
	cfgPath, err := need(ctx, src, join(tdir, "config.json"), "no config.json")
	if err != nil {
		return nil, err
	}
	b, err := readFile(cfgPath, maxConfigBytes)
	if err != nil {
		return nil, err
	}
	arch, labels, act, err := parseCEConfig(cfgPath, b)
	if err != nil {
		return nil, err
	}
	m, err := Load(ctx, dirOrHubID, opts...)
	if err != nil {
		return nil, err
	}
	c := &CrossEncoder{m: m, arch: arch, labels: labels, act: act}
	fam := ""
	if m.enc.cfg.fam != nil {
		fam = m.enc.cfg.fam.name
	}
	if wantRoBERTa := arch != "BertForSequenceClassification"; (fam == "bert" || fam == "roberta") && wantRoBERTa != (fam == "roberta") || fam != "bert" && fam != "roberta" {
		m.Close()
		return nil, fmt.Errorf("transformer: %s: architecture %s does not match model_type %q: %w", cfgPath, arch, m.enc.cfg.ModelType, errs.ErrCorrupt)
	}
	// BERT tokenizers give token type ids 1 to the passage and
	// BertForSequenceClassification takes them; (XLM-)RoBERTa tokenizers
	// return no token_type_ids (their model_input_names), so the model
	// sees zeros.
	c.types = fam == "bert"
	if err := c.loadHead(ctx, src, tdir, o.weightsFile); err != nil {
		m.Close()
		return nil, err
	}
	return c, nil
}

// parseCEConfig reads the cross-encoder fields of config.json (the
// contents b of the file at path): the architecture, the labels and
// Predict's activation.
func parseCEConfig(path string, b []byte) (arch string, labels []string, act string, err error) {
	var cc ceConfig
	if err := json.Unmarshal(b, &cc); err != nil {
		return "", nil, "", fmt.Errorf("transformer: %s: %v: %w", path, err, errs.ErrCorrupt)
	}
	if arch, err = ceArchitecture(path, cc.Architectures); err != nil {
		return "", nil, "", err
	}
	if labels, err = ceLabels(path, &cc); err != nil {
		return "", nil, "", err
	}
	if act, err = ceActivation(path, &cc, len(labels)); err != nil {
		return "", nil, "", err
	}
	return arch, labels, act, nil
}

// openSource resolves dirOrHubID and the options as Load does, and finds
// the folder of the transformer module (modules.json's first module, the
// root without one).
func openSource(ctx context.Context, dirOrHubID string, opts []Option) (hub.Source, options, string, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, o, "", err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, o, "", err
	}
	src, err := hub.Open(dirOrHubID, o.revision, o.hubOpts...)
	if err != nil {
		return nil, o, "", fmt.Errorf("transformer: %w", err)
	}
	mods, _, err := readModules(ctx, src)
	if err != nil {
		return nil, o, "", err
	}
	return src, o, mods[0].Path, nil
}

// ceArchitecture picks the sequence-classification architecture of
// config.json's architectures.
func ceArchitecture(path string, archs []string) (string, error) {
	for _, a := range archs {
		switch a {
		case "BertForSequenceClassification", "XLMRobertaForSequenceClassification", "RobertaForSequenceClassification":
			return a, nil
		}
	}
	if len(archs) == 0 {
		return "", fmt.Errorf("transformer: %s: no architectures (a cross-encoder needs a trained classification head, such as BertForSequenceClassification): %w", path, errs.ErrUnsupported)
	}
	return "", fmt.Errorf("transformer: %s: architectures %v (supported cross-encoders: BertForSequenceClassification, XLMRobertaForSequenceClassification, RobertaForSequenceClassification): %w", path, archs, errs.ErrUnsupported)
}

// ceLabels returns the label names, index by index, as transformers'
// PretrainedConfig derives them: id2label when present, else num_labels
// labels named LABEL_i (2 when neither is given).
func ceLabels(path string, cc *ceConfig) ([]string, error) {
	if cc.ID2Label != nil {
		n := len(cc.ID2Label)
		if n == 0 || n > maxLabels {
			return nil, fmt.Errorf("transformer: %s: id2label has %d labels, want 1..%d: %w", path, n, maxLabels, errs.ErrCorrupt)
		}
		labels := make([]string, n)
		seen := make([]bool, n)
		for k, v := range cc.ID2Label {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= n || seen[i] {
				return nil, fmt.Errorf("transformer: %s: id2label key %q: want the ids 0..%d, each once: %w", path, k, n-1, errs.ErrCorrupt)
			}
			seen[i] = true
			labels[i] = v
		}
		return labels, nil
	}
	n := 2
	if cc.NumLabels != nil {
		n = *cc.NumLabels
		if n < 1 || n > maxLabels {
			return nil, fmt.Errorf("transformer: %s: num_labels %d outside 1..%d: %w", path, n, maxLabels, errs.ErrCorrupt)
		}
	}
	labels := make([]string, n)
	for i := range labels {
		labels[i] = "LABEL_" + strconv.Itoa(i)
	}
	return labels, nil
}

// ceActivation resolves Predict's activation as sentence-transformers'
// CrossEncoder.get_default_activation_fn does. A path outside torch (code
// of the model's own, which sentence-transformers runs only with
// trust_remote_code) falls back to the default, as sentence-transformers
// does without trust_remote_code.
func ceActivation(path string, cc *ceConfig, labels int) (string, error) {
	var name *string
	field := "sentence_transformers.activation_fn"
	if cc.ST != nil && cc.ST.ActivationFn != nil {
		name = cc.ST.ActivationFn
	} else if cc.SbertActivation != nil {
		name, field = cc.SbertActivation, "sbert_ce_default_activation_function"
	}
	if name != nil && strings.HasPrefix(*name, "torch.") {
		switch *name {
		case torchSigmoid:
			return "sigmoid", nil
		case torchIdentity:
			return "identity", nil
		case torchTanh:
			return "tanh", nil
		}
		return "", fmt.Errorf("transformer: %s: %s %q (supported: %s, %s, %s): %w", path, field, *name, torchSigmoid, torchIdentity, torchTanh, errs.ErrUnsupported)
	}
	if labels == 1 {
		return "sigmoid", nil
	}
	return "identity", nil
}

// loadHead reads the classification head from the model's safetensors
// checkpoint, checking shapes against the config and the labels.
func (c *CrossEncoder) loadHead(ctx context.Context, src hub.Source, tdir, weightsFile string) error {
	path, converted, err := openWeights(ctx, src, tdir, weightsFile)
	if err != nil {
		return err
	}
	f, err := safetensors.Open(path)
	if converted != nil {
		os.Remove(path) // a temporary conversion of pytorch_model.bin, mapped by now
	}
	if err != nil {
		return fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	defer f.Close()
	h, n := c.m.enc.cfg.HiddenSize, len(c.labels)
	r := &tensorReader{f: f}
	var dw, db, ow, ob []float32
	if c.arch == "BertForSequenceClassification" {
		r.prefix = "bert."
		if f.Has("pooler.dense.weight") {
			r.prefix = ""
		}
		dw, db = r.get("pooler.dense.weight", h, h), r.get("pooler.dense.bias", h)
		r.prefix = ""
		ow, ob = r.get("classifier.weight", n, h), r.get("classifier.bias", n)
	} else {
		dw, db = r.get("classifier.dense.weight", h, h), r.get("classifier.dense.bias", h)
		ow, ob = r.get("classifier.out_proj.weight", n, h), r.get("classifier.out_proj.bias", n)
	}
	if r.err != nil {
		return fmt.Errorf("%w (the %s head, %d labels)", r.err, c.arch, n)
	}
	c.denseW, c.denseB, c.outW, c.outB = f64(dw), f64(db), f64(ow), f64(ob)
	return nil
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Labels returns the names of the model's outputs, in the order of
// Logits' columns (config.json's id2label).
func (c *CrossEncoder) Labels() []string { return slices.Clone(c.labels) }

// NumLabels returns the number of outputs per pair.
func (c *CrossEncoder) NumLabels() int { return len(c.labels) }

// Activation returns the function Predict applies to the logits:
// "sigmoid", "identity" or "tanh".
func (c *CrossEncoder) Activation() string { return c.act }

// Architecture returns the config.json architecture the model runs as.
func (c *CrossEncoder) Architecture() string { return c.arch }

// MaxSeqLength returns the token limit per pair, special tokens included;
// longer pairs are truncated longest-first, as the Hugging Face tokenizer
// does with truncation="longest_first".
func (c *CrossEncoder) MaxSeqLength() int { return c.m.maxSeq }

// Tokenizer returns the model's tokenizer, configured with the model's
// truncation and no padding.
func (c *CrossEncoder) Tokenizer() *tokenizer.Tokenizer { return c.m.tok }

// Close releases the model's weights. It waits for running calls; later
// calls return an error wrapping errs.ErrClosed. Close is idempotent.
func (c *CrossEncoder) Close() error { return c.m.Close() }

// Pair is a (query, passage) pair, or any two texts a cross-encoder reads
// together.
type Pair struct{ A, B string }

// Logits returns the classification head's raw outputs for each pair, in
// input order: NumLabels values per pair, what transformers'
// XForSequenceClassification returns as logits. Each text is stripped of
// surrounding whitespace (Python str.strip, as CrossEncoder.predict does),
// the two are encoded with the tokenizer's pair template ([CLS] A [SEP] B
// [SEP] for BERT, <s> A </s></s> B </s> for XLM-RoBERTa) and truncated
// longest-first to MaxSeqLength tokens. Pairs are sorted by length and run
// in batches of WithBatchSize. An empty slice returns an empty result.
//
// A cancelled context stops the work between batches and returns
// ctx.Err(); a call after Close, errs.ErrClosed; a text the tokenizer
// refuses, its error (errs.ErrInvalidInput for one too long); a logit
// that overflows float32, errs.ErrNonFinite naming the pair.
func (c *CrossEncoder) Logits(ctx context.Context, pairs []Pair) ([][]float32, error) {
	n := len(c.labels)
	flat, err := c.logits(ctx, pairs)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(pairs))
	for i := range out {
		out[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	return out, nil
}

// Predict returns, per pair, the logits with the model's activation
// applied (see Activation), as CrossEncoder.predict returns them: for a
// one-label reranker, the sigmoid of the logit in (0, 1) unless the
// model's config says otherwise.
func (c *CrossEncoder) Predict(ctx context.Context, pairs []Pair) ([][]float32, error) {
	out, err := c.Logits(ctx, pairs)
	if err != nil {
		return nil, err
	}
	for _, row := range out {
		c.activate(row)
	}
	return out, nil
}

// Rerank scores each passage against query: Predict's score of the pair
// (query, passage), in input order, higher meaning more relevant. It is
// the embed.Reranker interface. Like sentence-transformers'
// CrossEncoder.rank, it needs a model with one label; with more it
// returns an error wrapping errs.ErrUnsupported (use Predict).
func (c *CrossEncoder) Rerank(ctx context.Context, query string, passages []string) ([]float32, error) {
	if len(c.labels) != 1 {
		return nil, fmt.Errorf("transformer: Rerank needs a cross-encoder with one label, the model has %d (use Predict): %w", len(c.labels), errs.ErrUnsupported)
	}
	pairs := make([]Pair, len(passages))
	for i, p := range passages {
		pairs[i] = Pair{A: query, B: p}
	}
	flat, err := c.logits(ctx, pairs)
	if err != nil {
		return nil, err
	}
	c.activate(flat)
	return flat, nil
}

// activate applies the activation to v in place.
func (c *CrossEncoder) activate(v []float32) {
	switch c.act {
	case "sigmoid":
		sigmoid(v)
	case "tanh":
		tanhAct(v)
	}
}

// logits runs the pairs and returns their logits, NumLabels per pair, one
// pair after another.
func (c *CrossEncoder) logits(ctx context.Context, pairs []Pair) ([]float32, error) {
	m := c.m
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, errClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nl := len(c.labels)
	out := make([]float32, len(pairs)*nl)
	if len(pairs) == 0 {
		return out, nil
	}
	r := m.getRunner()
	defer m.putRunner(r)
	order := r.order[:0]
	for i := range pairs {
		order = append(order, i)
	}
	r.order = order
	// Longest first, so that batches hold pairs of similar length.
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(len(pairs[b].A)+len(pairs[b].B), len(pairs[a].A)+len(pairs[a].B))
	})
	h := m.enc.cfg.HiddenSize
	hid := make([]float64, h)
	bs := m.opts.batchSize
	for lo := 0; lo < len(pairs); lo += bs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		idx := order[lo:min(lo+bs, len(pairs))]
		if err := c.tokenizePairs(r, pairs, idx); err != nil {
			return nil, err
		}
		x, err := m.enc.forward(r, r.seqs)
		if err != nil {
			return nil, err
		}
		row := 0
		for i, j := range idx {
			dst := out[j*nl : (j+1)*nl]
			c.head(hid, x[row*h:(row+1)*h], dst)
			if err := checkFinite(dst, j); err != nil {
				return nil, err
			}
			row += len(r.seqs[i].ids)
		}
		if m.opts.progress != nil {
			m.progressMu.Lock()
			m.opts.progress(lo+len(idx), len(pairs))
			m.progressMu.Unlock()
		}
	}
	return out, ctx.Err()
}

// head computes the logits of one pair from its first token's hidden
// state x: out = W₂·tanh(W₁·x + b₁) + b₂, in float64. tmp holds h values.
func (c *CrossEncoder) head(tmp []float64, x []float32, out []float32) {
	h := len(tmp)
	for o := 0; o < h; o++ {
		w := c.denseW[o*h : (o+1)*h]
		s := c.denseB[o]
		for i, v := range x[:h] {
			s += w[i] * float64(v)
		}
		tmp[o] = math.Tanh(s)
	}
	for o := range out {
		w := c.outW[o*h : (o+1)*h]
		s := c.outB[o]
		for i, v := range tmp {
			s += w[i] * v
		}
		out[o] = float32(s)
	}
}

// tokenizePairs encodes the pairs of a batch into r.seqs, on the runner's
// workers.
func (c *CrossEncoder) tokenizePairs(r *runner, pairs []Pair, idx []int) error {
	n := len(idx)
	if len(r.encs) < n {
		r.encs = append(r.encs, make([]tokenizer.Encoding, n-len(r.encs))...)
	}
	if len(r.errs) < n {
		r.errs = make([]error, n)
	}
	r.seqs = slices.Grow(r.seqs[:0], n)[:n]
	one := func(_, i int) {
		j := idx[i]
		enc := &r.encs[i]
		if err := c.m.tok.EncodePairInto(enc, pyStrip(pairs[j].A), pyStrip(pairs[j].B), true); err != nil {
			r.errs[i] = fmt.Errorf("transformer: pair %d: %w", j, err)
			return
		}
		s := sequence{ids: enc.IDs}
		if c.types {
			s.typeIDs = enc.TypeIDs
		}
		r.seqs[i] = s
	}
	if r.nw == 1 || n == 1 {
		for i := range idx {
			one(0, i)
		}
	} else {
		r.gw.For(n, one)
	}
	for _, err := range r.errs[:n] {
		if err != nil {
			clear(r.errs)
			return err
		}
	}
	return nil
}
