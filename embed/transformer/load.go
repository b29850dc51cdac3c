// load.go builds a Model from a model folder or hub id: config, weights,
// tokenizer and sentence-transformers modules.

package transformer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/ganada/ganada/embed/hub"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/gemm"
	"github.com/ganada/ganada/pool"
)

// Load opens a sentence-transformers or Hugging Face BERT / RoBERTa /
// XLM-RoBERTa model. dirOrHubID is a local model folder (including a
// snapshot folder of the Hugging Face cache), a repository folder of the
// cache (models--org--name, read at refs/main or WithRevision, or at its
// only snapshot, without the network; see hub.OpenCacheFolder), or a hub
// id such as "sentence-transformers/all-MiniLM-L6-v2" (optionally with
// "@revision"), which is looked up in the Hugging Face cache and
// downloaded into it when missing (see package hub). ctx bounds any
// download and the reading of the files.
//
// An invalid option (see Option) is an error wrapping
// errs.ErrInvalidOption; a folder whose files are missing, malformed or
// inconsistent, errs.ErrCorrupt naming the file and field; a model this
// package cannot run, errs.ErrUnsupported.
func Load(ctx context.Context, dirOrHubID string, opts ...Option) (m *Model, err error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.batchSize == 0 {
		o.batchSize = DefaultBatchSize
	}
	if o.workers == 0 {
		o.workers = runtime.GOMAXPROCS(0)
	}
	src, err := hub.Open(dirOrHubID, o.revision, o.hubOpts...)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	m = &Model{name: src.Name(), opts: o}
	opened := m
	defer func() {
		if err != nil {
			opened.closeFiles()
			m = nil
		}
	}()
	mods, _, err := readModules(ctx, src)
	if err != nil {
		return nil, err
	}
	tdir := mods[0].Path

	// The transformer.
	cfgPath, err := need(ctx, src, join(tdir, "config.json"), "no config.json")
	if err != nil {
		return nil, err
	}
	m.files = append(m.files, cfgPath)
	cfg, err := readConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	instruction, err := cfg.selectTask(o.task)
	if err != nil {
		return nil, err
	}
	wpath, converted, err := openWeights(ctx, src, tdir, o.weightsFile)
	if err != nil {
		return nil, err
	}
	m.int8 = o.int8 && gemm.Int8Accelerated()
	w, wf, err := readWeights(wpath, cfg, m.int8)
	if converted != nil {
		os.Remove(wpath) // mapped or read by now
	}
	if err != nil {
		return nil, err
	}
	m.st = append(m.st, wf)
	if converted != nil {
		m.files = append(m.files, converted...)
	} else {
		m.files = append(m.files, weightPaths(wf)...)
	}
	m.enc = newEncoder(cfg, w)
	hidden := cfg.HiddenSize

	// sentence-transformers settings of the transformer module.
	var stc stConfig
	stcPath := join(tdir, "sentence_bert_config.json")
	if ok, err := readJSON(ctx, src, stcPath, &stc); err != nil {
		return nil, err
	} else if ok {
		stcPath, _ = src.File(ctx, stcPath)
	}
	m.lower = stc.DoLowerCase
	var tokCfg struct {
		ModelMaxLength *float64 `json:"model_max_length"`
	}
	if _, err := readJSON(ctx, src, join(tdir, "tokenizer_config.json"), &tokCfg); err != nil {
		return nil, err
	}
	limit := cfg.maxTokens()
	switch {
	case o.maxSeqLength > 0:
		m.maxSeq = o.maxSeqLength
		if m.maxSeq > limit {
			return nil, fmt.Errorf("transformer: WithMaxSeqLength(%d): exceeds the model's %d positions (%s): %w", m.maxSeq, limit, cfgPath, errs.ErrInvalidOption)
		}
	case stc.MaxSeqLength != nil:
		m.maxSeq = *stc.MaxSeqLength
		if m.maxSeq <= 0 || m.maxSeq > limit {
			return nil, fmt.Errorf("transformer: %s: max_seq_length %d outside 1..%d (the model's position embeddings): %w", stcPath, m.maxSeq, limit, errs.ErrCorrupt)
		}
	default:
		m.maxSeq = limit
		if tokCfg.ModelMaxLength != nil && *tokCfg.ModelMaxLength >= 1 && *tokCfg.ModelMaxLength < float64(limit) {
			m.maxSeq = int(*tokCfg.ModelMaxLength)
		}
	}

	// The tokenizer, with sentence-transformers' truncation and no padding.
	tokPath, err := need(ctx, src, join(tdir, "tokenizer.json"), "no tokenizer.json (only Hugging Face fast tokenizers are supported)")
	if err != nil {
		return nil, err
	}
	m.files = append(m.files, tokPath)
	tb, err := readFile(tokPath, maxTokenizerBytes)
	if err != nil {
		return nil, err
	}
	m.tok, err = tokenizer.FromBytes(tb, tokenizer.WithoutPadding(), tokenizer.WithTruncation(m.maxSeq))
	if err != nil {
		return nil, fmt.Errorf("transformer: %s: %w", tokPath, asCorrupt(err))
	}
	if err := m.checkTokenizer(tokPath); err != nil {
		return nil, err
	}

	// Pooling, Dense and Normalize modules.
	m.pool = m.overridePooling(pool.Config{Modes: pool.Mean, IncludePrompt: true})
	dim := m.pool.OutDim(hidden)
	pooled := false
	for _, mod := range mods[1:] {
		switch mod.kind() {
		case "Pooling":
			if pooled {
				return nil, fmt.Errorf("transformer: modules.json has two Pooling modules: %w", errs.ErrUnsupported)
			}
			pooled = true
			p, err := need(ctx, src, join(mod.Path, "config.json"), fmt.Sprintf("Pooling module %q has no config.json", mod.Path))
			if err != nil {
				return nil, err
			}
			m.files = append(m.files, p)
			// pool.LoadConfig reads the file with os.ReadFile: check
			// first that it is a regular file of reasonable size.
			if _, err := readFile(p, maxConfigBytes); err != nil {
				return nil, err
			}
			if m.pool, err = pool.LoadConfig(filepath.Dir(p)); err != nil {
				// Its errors name the file.
				return nil, fmt.Errorf("transformer: %w", asCorrupt(err))
			}
			if m.pool.Dim != 0 && m.pool.Dim != hidden {
				return nil, fmt.Errorf("transformer: %s: word_embedding_dimension %d, hidden_size is %d: %w", p, m.pool.Dim, hidden, errs.ErrCorrupt)
			}
			m.pool = m.overridePooling(m.pool)
			dim = m.pool.OutDim(hidden)
		case "Dense":
			if !pooled {
				return nil, fmt.Errorf("transformer: Dense module %q before Pooling: %w", mod.Path, errs.ErrUnsupported)
			}
			d, p, err := loadDense(ctx, src, mod.Path, dim)
			if err != nil {
				return nil, err
			}
			m.files = append(m.files, p)
			m.post = append(m.post, step{dense: d})
			dim = d.lin.Out
		case "Normalize":
			if o.normalize == nil || *o.normalize {
				m.post = append(m.post, step{normalize: true})
			}
		default:
			return nil, fmt.Errorf("transformer: sentence-transformers module %s (supported: Transformer, Pooling, Dense, Normalize): %w", mod.Type, errs.ErrUnsupported)
		}
	}
	if len(mods) > 1 && !pooled {
		return nil, fmt.Errorf("transformer: modules.json has no Pooling module: %w", errs.ErrUnsupported)
	}
	if o.pooler {
		if err := m.addPooler(wf); err != nil {
			return nil, err
		}
	}
	m.dim = dim
	if o.truncateDim > 0 {
		if o.truncateDim > dim {
			return nil, fmt.Errorf("transformer: WithTruncateDim(%d): exceeds the model's %d dimensions: %w", o.truncateDim, dim, errs.ErrInvalidOption)
		}
		m.dim = o.truncateDim
	}
	m.normalized = len(m.post) > 0 && m.post[len(m.post)-1].normalize
	if o.normalize != nil && *o.normalize {
		m.normalized = true
	}

	// Prompts.
	if err := m.setPrompts(ctx, src); err != nil {
		return nil, err
	}
	if instruction != "" {
		pr, err := m.newPrompt(instruction)
		if err != nil {
			return nil, err
		}
		m.prompt, m.queryPrompt, m.docPrompt = pr, pr, pr
	}
	m.commit = src.Commit()
	return m, nil
}

// openWeights finds the transformer's safetensors weights (fetching every
// shard of a sharded checkpoint) and returns the local path of the file or
// index.
func openWeights(ctx context.Context, src hub.Source, dir, name string) (string, []string, error) {
	candidates := []string{"model.safetensors", "model.safetensors.index.json"}
	if name != "" {
		candidates = []string{name}
	}
	for _, c := range candidates {
		full := join(dir, c)
		ok, err := src.Has(ctx, full)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			continue
		}
		p, err := src.File(ctx, full)
		if err != nil {
			return "", nil, err
		}
		if filepath.Ext(c) == ".json" {
			if err := fetchShards(ctx, src, dir, p); err != nil {
				return "", nil, err
			}
		}
		return p, nil, nil
	}
	if name != "" {
		_, err := need(ctx, src, join(dir, name), "weights file "+join(dir, name)+" not found")
		return "", nil, err
	}
	for _, bin := range pytorchWeights {
		if ok, err := src.Has(ctx, join(dir, bin)); err != nil {
			return "", nil, err
		} else if ok {
			return convertPyTorch(ctx, src, dir, bin)
		}
	}
	// Has answers "absent" for files a partly cached model lacks when the
	// hub cannot be asked; File tells that apart from a model without
	// weights.
	_, err := need(ctx, src, join(dir, candidates[0]), "no model.safetensors (nor model.safetensors.index.json)")
	return "", nil, err
}

// need fetches a file the model cannot do without. A model that does not
// have it gives errs.ErrCorrupt with what; a file that could not be fetched
// (offline or the hub unreachable, and not in the cache) gives the hub's
// error, which says how to fetch it.
func need(ctx context.Context, src hub.Source, name, what string) (string, error) {
	p, err := src.File(ctx, name)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, errs.ErrNotFound) && !errors.As(err, new(*hub.NotCachedError)):
		return "", fmt.Errorf("transformer: %s: %w: %w", what, err, errs.ErrCorrupt)
	}
	return "", fmt.Errorf("transformer: %w", err)
}

// fetchShards makes sure every shard an index names is local (a no-op for
// local folders).
func fetchShards(ctx context.Context, src hub.Source, dir, indexPath string) error {
	// Validated as safetensors.Open will (shard names inside the folder,
	// before the hub is asked for them).
	shards, err := safetensors.IndexShards(indexPath)
	if err != nil {
		return fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	for _, s := range shards {
		if _, err := need(ctx, src, join(dir, s), fmt.Sprintf("%s names shard %s, which is missing", indexPath, s)); err != nil {
			return err
		}
	}
	return nil
}

func weightPaths(f *safetensors.File) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range f.Names() {
		t, err := f.Tensor(n)
		if err == nil && !seen[t.File] {
			seen[t.File] = true
			out = append(out, t.File)
		}
	}
	sort.Strings(out)
	return out
}

// checkTokenizer checks the ids the tokenizer can produce against the
// embedding tables: its vocabulary and added tokens, and the special
// tokens and type ids its post-processor adds (from a probe encoding of
// the empty text), so that a tokenizer that does not match the model fails
// here rather than at every Encode.
func (m *Model) checkTokenizer(path string) error {
	c := m.enc.cfg
	if max := m.tok.MaxID(); max >= c.VocabSize {
		return fmt.Errorf("transformer: %s produces token ids up to %d, the model's vocab_size is %d: %w", path, max, c.VocabSize, errs.ErrCorrupt)
	}
	enc, err := m.tok.Encode("", true)
	if err != nil {
		return fmt.Errorf("transformer: %s: %w", path, asCorrupt(err))
	}
	for i, id := range enc.IDs {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("transformer: %s: its post-processor adds token id %d, outside the model's vocab_size %d: %w", path, id, c.VocabSize, errs.ErrCorrupt)
		}
		if c.tokenTypes() && i < len(enc.TypeIDs) && (enc.TypeIDs[i] < 0 || enc.TypeIDs[i] >= c.TypeVocabSize) {
			return fmt.Errorf("transformer: %s: its post-processor gives type id %d, outside the model's type_vocab_size %d: %w", path, enc.TypeIDs[i], c.TypeVocabSize, errs.ErrCorrupt)
		}
	}
	if len(enc.IDs) > c.maxTokens() {
		return fmt.Errorf("transformer: %s: its post-processor adds %d tokens, more than the model's %d positions: %w", path, len(enc.IDs), c.maxTokens(), errs.ErrCorrupt)
	}
	return nil
}
