// This file loads sentence-transformers models made of a StaticEmbedding
// module (static-retrieval-mrl-en-v1, static-similarity-mrl-multilingual-v1
// and models trained the same way), encoded as SentenceTransformer.encode
// encodes them, which differs from Model2Vec's encoding of the same files.

package static

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganada/ganada/embed/pytorch"
	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/fileio"
)

// Module types of modules.json that LoadStaticEmbedding runs.
const (
	stStaticEmbedding = "sentence_transformers.models.StaticEmbedding"
	stNormalize       = "sentence_transformers.models.Normalize"
)

// LoadStaticEmbedding loads a sentence-transformers model folder whose
// modules.json starts with a StaticEmbedding module (optionally followed
// by Normalize) and encodes as SentenceTransformer.encode does:
//
//   - the text is tokenized by the module's tokenizer.json without special
//     tokens and without padding (the file's own truncation applies, as in
//     the Rust tokenizers library), every id kept, unknown-token ids
//     included, with no length limit (StaticEmbedding's max_seq_length is
//     infinite; WithMaxTokens sets one);
//   - the sentence vector is the mean of the ids' rows of the module's
//     "embedding.weight" (or Model2Vec's "embeddings") tensor, as
//     torch.nn.EmbeddingBag(mode="mean") computes it, and a text with no
//     token gets a zero vector;
//   - it is normalised to unit length when a Normalize module follows
//     (WithNormalize overrides).
//
// The weights are read from the module's model.safetensors, or, when it
// has none, from its pytorch_model.bin (a torch.save state dict, read by
// package embed/pytorch, which executes nothing). The tensor may be F32,
// F16, BF16 or F64. Other module types in modules.json (Dense, a second
// encoder) are refused with errs.ErrUnsupported naming them; a folder that
// does not follow the layout gives errs.ErrCorrupt naming the file and
// field.
//
// LoadModel2Vec reads the same folders with Model2Vec's encoding (unknown
// tokens dropped, 512 tokens at most), which gives other vectors for texts
// with unknown or many tokens: use LoadStaticEmbedding to get the vectors
// sentence-transformers gives.
func LoadStaticEmbedding(ctx context.Context, dir string, opts ...Option) (*Model, error) {
	m, err := loadStaticEmbedding(ctx, dir, opts)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("static: StaticEmbedding folder %s: %w", dir, err)
	}
	return m, nil
}

// isStaticEmbedding reports whether dir has a modules.json that names a
// StaticEmbedding module (which LoadStaticEmbedding then checks whole).
func isStaticEmbedding(dir string) bool {
	b, err := fileio.Read(filepath.Join(dir, "modules.json"), maxConfigBytes)
	return err == nil && strings.Contains(string(b), stStaticEmbedding)
}

// stModule is one entry of modules.json.
type stModule struct {
	Idx  int    `json:"idx"`
	Path string `json:"path"`
	Type string `json:"type"`
}

func loadStaticEmbedding(ctx context.Context, dir string, opts []Option) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mb, err := fileio.Read(filepath.Join(dir, "modules.json"), maxConfigBytes)
	if err != nil {
		return nil, err
	}
	var mods []stModule
	if err := json.Unmarshal(mb, &mods); err != nil {
		return nil, fmt.Errorf("modules.json: %v: %w", err, errs.ErrCorrupt)
	}
	sort.SliceStable(mods, func(i, j int) bool { return mods[i].Idx < mods[j].Idx })
	if len(mods) == 0 || mods[0].Type != stStaticEmbedding {
		first := "no module"
		if len(mods) > 0 {
			first = fmt.Sprintf("%q", mods[0].Type)
		}
		return nil, fmt.Errorf("modules.json: first module is %s, want %s: %w", first, stStaticEmbedding, errs.ErrCorrupt)
	}
	normalize := false
	for _, md := range mods[1:] {
		if md.Type != stNormalize {
			return nil, fmt.Errorf("modules.json: module %q after StaticEmbedding: only Normalize is run: %w", md.Type, errs.ErrUnsupported)
		}
		normalize = true
	}
	sub := mods[0].Path
	if sub != "" && (!filepath.IsLocal(sub) || strings.Contains(sub, "\\")) {
		return nil, fmt.Errorf("modules.json: StaticEmbedding path %q is not a folder inside the model: %w", sub, errs.ErrCorrupt)
	}
	mdir := filepath.Join(dir, sub)

	// tokenizer.json, without padding as StaticEmbedding sets it.
	tname := filepath.Join(sub, "tokenizer.json")
	tb, err := fileio.Read(filepath.Join(dir, tname), maxTokenizerBytes)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizer.FromBytes(tb)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tname, asCorrupt(err))
	}
	if tok, err = tok.With(tokenizer.WithoutPadding()); err != nil {
		return nil, fmt.Errorf("%s: %w", tname, asCorrupt(err))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// The embedding matrix.
	mat, wname, err := readStaticWeights(ctx, mdir, sub)
	if err != nil {
		return nil, err
	}
	nTok := tok.MaxID() + 1
	if nTok <= 0 || nTok > mat.rows {
		return nil, fmt.Errorf("%s produces token ids up to %d, %s has %d rows: %w", tname, nTok-1, wname, mat.rows, errs.ErrCorrupt)
	}
	// Ids the tokenizer cannot produce keep their rows (EmbeddingBag
	// never reads them); the vocabulary names the ids it has.
	vocab := make([]string, mat.rows)
	for id := 0; id < mat.rows; id++ {
		if t, ok := tok.IDToToken(id); ok && id < nTok {
			vocab[id] = t
		} else {
			vocab[id] = fmt.Sprintf("[unused id %d]", id)
		}
	}
	t := &m2vTokenizer{enc: tokEncoder{tok}, unk: -1, n: int32(nTok)}
	m := &Model{vocab: vocab, mat: mat, tok: t, cfg: config{name: baseName(dir)}}
	m.index = make(map[string]int32, len(vocab))
	for i, w := range vocab {
		if _, dup := m.index[w]; !dup {
			m.index[w] = int32(i)
		}
	}
	m.digest = &lazyDigest{}
	if err := m.apply(append([]Option{WithNormalize(normalize)}, opts...)); err != nil {
		return nil, err
	}
	return m, nil
}

// readStaticWeights reads the StaticEmbedding module's embedding matrix
// from model.safetensors or, failing that, pytorch_model.bin, and returns
// it with the name of the file it came from (relative to the model).
func readStaticWeights(ctx context.Context, mdir, sub string) (*matrix, string, error) {
	st := filepath.Join(mdir, "model.safetensors")
	if exists(st) {
		name := filepath.Join(sub, "model.safetensors")
		f, err := safetensors.Open(st)
		if err != nil {
			return nil, name, asCorrupt(err)
		}
		defer f.Close()
		tensor := "embedding.weight"
		if !f.Has(tensor) && f.Has("embeddings") {
			tensor = "embeddings"
		}
		if t, err := f.Tensor(tensor); err == nil && t.DType == "I8" {
			return nil, name, fmt.Errorf("%s: %q is I8, which StaticEmbedding does not read: %w", name, tensor, errs.ErrUnsupported)
		}
		mat, err := readEmbeddingMatrix(f, tensor)
		if err != nil {
			return nil, name, fmt.Errorf("%s: %w", name, err)
		}
		return mat, name, nil
	}
	name := filepath.Join(sub, "pytorch_model.bin")
	f, err := pytorch.Open(ctx, filepath.Join(mdir, "pytorch_model.bin"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, name, fmt.Errorf("%s: no model.safetensors nor pytorch_model.bin: %w", sub, errs.ErrCorrupt)
		}
		return nil, name, asCorrupt(err)
	}
	defer f.Close()
	tensor := "embedding.weight"
	if !f.Has(tensor) && f.Has("embeddings") {
		tensor = "embeddings"
	}
	t, err := f.Tensor(tensor)
	if err != nil {
		return nil, name, fmt.Errorf("%s: no %q tensor: %w", name, "embedding.weight", errs.ErrCorrupt)
	}
	if len(t.Shape) != 2 || t.Shape[0] <= 0 || t.Shape[1] <= 0 || t.Shape[1] > MaxDim {
		return nil, name, fmt.Errorf("%s: %q has shape %v, want [tokens, dim]: %w", name, tensor, t.Shape, errs.ErrCorrupt)
	}
	v, err := f.Float32s(tensor)
	if err != nil {
		return nil, name, asCorrupt(err)
	}
	vals := append([]float32(nil), v...) // v may alias the file's memory
	dim := t.Shape[1]
	for i, x := range vals {
		if !finite32(x) {
			return nil, name, fmt.Errorf("%s: %q row %d: %w: %w", name, tensor, i/dim, errs.ErrNonFinite, errs.ErrCorrupt)
		}
	}
	return &matrix{prec: Float32, dim: dim, rows: t.Shape[0], f32: vals}, name, nil
}
