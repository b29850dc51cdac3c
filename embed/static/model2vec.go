// This file loads Model2Vec folders: a safetensors embedding matrix, a
// Hugging Face tokenizer.json and a config.json, encoded the way
// Model2Vec's StaticModel.encode does.

package static

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ganada/ganada/internal/fileio"
	"math"
	"os"
	"path/filepath"
	"sort"
	"unicode/utf8"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// model2vecLayout is one of the folder layouts Model2Vec accepts.
type model2vecLayout struct {
	config, embeddings, tokenizer, tensor string
}

// The layouts Model2Vec's loader tries, in its order: its own, then
// sentence-transformers' StaticEmbedding at the top level or nested.
var model2vecLayouts = []model2vecLayout{
	{"config.json", "model.safetensors", "tokenizer.json", "embeddings"},
	{"config_sentence_transformers.json", "model.safetensors", "tokenizer.json", "embedding.weight"},
	{"config_sentence_transformers.json", "0_StaticEmbedding/model.safetensors", "0_StaticEmbedding/tokenizer.json", "embedding.weight"},
}

// DefaultModel2VecMaxTokens is the token limit Model2Vec's
// StaticModel.encode applies by default (max_length=512).
const DefaultModel2VecMaxTokens = 512

// LoadModel2Vec loads a Model2Vec model folder (as written by Model2Vec's
// save_pretrained, or a sentence-transformers StaticEmbedding folder) and
// encodes like Model2Vec's StaticModel.encode:
//
//   - the text is cut to maxTokens × (median token length) characters,
//     tokenized by the folder's tokenizer.json without special tokens
//     (package embed/tokenizer; the file's own truncation and padding
//     apply, as in the Rust tokenizers library), unknown-token ids are
//     dropped, and the first maxTokens ids kept (maxTokens: WithMaxTokens,
//     default DefaultModel2VecMaxTokens);
//   - the sentence vector is the mean of the ids' embedding rows (through
//     the optional "mapping" tensor, times the optional per-token "weights"
//     tensor, for vocabulary-quantised models), and a text with no known
//     token gets a zero vector;
//   - it is normalised to unit length when config.json says
//     "normalize": true (WithNormalize overrides).
//
// The embedding matrix may be F32, F16, BF16, F64 or I8 (Model2Vec's int8
// quantisation, whose global scale does not change cosine similarities).
// WithSIF and WithLowercase have no effect on Model2Vec models: their
// weighting is baked into the vectors and their tokenizer normalises.
// Words and Vector work on tokens.
func LoadModel2Vec(ctx context.Context, dir string, opts ...Option) (*Model, error) {
	m, err := loadModel2Vec(ctx, dir, opts)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("static: Model2Vec folder %s: %w", dir, err)
	}
	return m, nil
}

func loadModel2Vec(ctx context.Context, dir string, opts []Option) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var lay *model2vecLayout
	for i := range model2vecLayouts {
		l := &model2vecLayouts[i]
		if exists(filepath.Join(dir, l.config)) && exists(filepath.Join(dir, l.embeddings)) && exists(filepath.Join(dir, l.tokenizer)) {
			lay = l
			break
		}
	}
	if lay == nil {
		return nil, fmt.Errorf("no config.json + model.safetensors + tokenizer.json (nor a sentence-transformers StaticEmbedding layout): %w", errs.ErrCorrupt)
	}
	// config.json
	cpath := filepath.Join(dir, lay.config)
	cb, err := fileio.Read(cpath, maxConfigBytes)
	if err != nil {
		return nil, err
	}
	var conf struct {
		Normalize *bool `json:"normalize"`
	}
	if err := json.Unmarshal(cb, &conf); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", lay.config, err, errs.ErrCorrupt)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// tokenizer.json
	tpath := filepath.Join(dir, lay.tokenizer)
	tb, err := fileio.Read(tpath, maxTokenizerBytes)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizer.FromBytes(tb)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lay.tokenizer, asCorrupt(err))
	}
	var tj struct {
		Model struct {
			UnkToken *string `json:"unk_token"`
			UnkID    *int    `json:"unk_id"`
		} `json:"model"`
	}
	if err := json.Unmarshal(tb, &tj); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", lay.tokenizer, err, errs.ErrCorrupt)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// model.safetensors: its shapes bound the token ids before anything
	// is allocated per token.
	st, err := safetensors.Open(filepath.Join(dir, lay.embeddings))
	if err != nil {
		return nil, asCorrupt(err)
	}
	defer st.Close()
	rows, err := embeddingRows(st, lay.tensor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lay.embeddings, err)
	}
	if st.Has("mapping") {
		// Vocabulary quantisation: a row number per token.
		mt, err := st.Tensor("mapping")
		if err != nil {
			return nil, asCorrupt(err)
		}
		rows = mt.Len()
	}
	nTok := tok.MaxID() + 1
	if nTok <= 0 || nTok > rows {
		return nil, fmt.Errorf("%s produces token ids up to %d, %s has %d (embedding rows or mapping entries): %w", lay.tokenizer, nTok-1, lay.embeddings, rows, errs.ErrCorrupt)
	}
	// Every id the tokenizer can produce must have a row: its padding
	// (Encode applies the file's padding) and unknown token too.
	if p := tok.Padding(); p != nil && (p.PadID < 0 || p.PadID >= nTok) {
		return nil, fmt.Errorf("%s: padding pad_id %d outside the %d token ids: %w", lay.tokenizer, p.PadID, nTok, errs.ErrCorrupt)
	}
	unk := int32(-1)
	if tj.Model.UnkToken != nil {
		if id, ok := tok.TokenToID(*tj.Model.UnkToken); ok {
			unk = int32(id)
		}
	} else if tj.Model.UnkID != nil {
		// Unigram names its unknown token by id.
		if id := *tj.Model.UnkID; id < 0 || id >= nTok {
			return nil, fmt.Errorf("%s: unk_id %d outside the %d token ids: %w", lay.tokenizer, id, nTok, errs.ErrCorrupt)
		}
		unk = int32(*tj.Model.UnkID)
	}
	vocab := make([]string, nTok)
	lens := make([]int, nTok)
	for id := range vocab {
		t, ok := tok.IDToToken(id)
		if !ok {
			return nil, fmt.Errorf("%s: token id %d is unused (ids must be contiguous): %w", lay.tokenizer, id, errs.ErrCorrupt)
		}
		vocab[id] = t
		lens[id] = utf8.RuneCountInString(t)
	}
	mat, err := readEmbeddingMatrix(st, lay.tensor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lay.embeddings, err)
	}
	t := &m2vTokenizer{enc: tokEncoder{tok}, unk: unk, n: int32(nTok), medianLen: medianInt(lens)}
	if st.Has("mapping") {
		if t.mapping, err = readIndexTensor(st, "mapping", nTok, mat.rows); err != nil {
			return nil, fmt.Errorf("%s: %w", lay.embeddings, err)
		}
	} else if mat.rows != nTok {
		return nil, fmt.Errorf("%d embedding rows for %d tokens: %w", mat.rows, nTok, errs.ErrCorrupt)
	}
	if st.Has("weights") {
		w, err := st.Float32s("weights")
		if err != nil {
			return nil, fmt.Errorf("weights: %v: %w", err, errs.ErrCorrupt)
		}
		if len(w) != nTok {
			return nil, fmt.Errorf("%d weights for %d tokens: %w", len(w), nTok, errs.ErrCorrupt)
		}
		t.weights = make([]float32, nTok)
		for i, x := range w {
			if !finite32(x) {
				return nil, fmt.Errorf("weight of token %d: %w: %w", i, errs.ErrNonFinite, errs.ErrCorrupt)
			}
			t.weights[i] = x
		}
		// A token's weighted vector must be finite too (Vector returns
		// it, and the mean of such vectors is then finite).
		for i, x := range t.weights {
			row, _ := t.row(int32(i), 1)
			if big := float64(x) * mat.maxAbs(row); big > math.MaxFloat32 {
				return nil, fmt.Errorf("weight %g of token %d times its vector overflows float32: %w: %w", x, i, errs.ErrNonFinite, errs.ErrCorrupt)
			}
		}
	}
	pre := []Option{WithMaxTokens(DefaultModel2VecMaxTokens)}
	if conf.Normalize != nil {
		pre = append(pre, WithNormalize(*conf.Normalize))
	}
	m := &Model{vocab: vocab, mat: mat, tok: t, cfg: config{name: baseName(dir)}}
	m.index = make(map[string]int32, nTok)
	for i, w := range vocab {
		if _, dup := m.index[w]; !dup {
			m.index[w] = int32(i)
		}
	}
	m.digest = &lazyDigest{}
	if err := m.apply(append(pre, opts...)); err != nil {
		return nil, err
	}
	return m, nil
}

// tokEncoder adapts *tokenizer.Tokenizer to tokenEncoder.
type tokEncoder struct{ t *tokenizer.Tokenizer }

func (e tokEncoder) encodeIDs(text string) ([]int, error) {
	enc, err := e.t.Encode(text, false)
	if err != nil {
		return nil, err
	}
	return enc.IDs, nil
}

// exists reports whether p names something other than a directory (a
// FIFO or device there is refused when it is read).
// asCorrupt makes an error of the safetensors or tokenizer package about a
// file of the folder wrap errs.ErrCorrupt, unless it already does or says
// errs.ErrUnsupported (a dtype or component this version does not read).
func asCorrupt(err error) error {
	if errors.Is(err, errs.ErrCorrupt) || errors.Is(err, errs.ErrUnsupported) {
		return err
	}
	return fmt.Errorf("%w: %w", err, errs.ErrCorrupt)
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// medianInt is int(np.median(xs)): the mean of the two middle values for an
// even count, truncated.
func medianInt(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return int(float64(s[n/2-1]+s[n/2]) / 2)
}

// embeddingRows checks the shape of the 2-d embedding tensor and returns
// its rows.
func embeddingRows(st *safetensors.File, name string) (int, error) {
	if !st.Has(name) {
		return 0, fmt.Errorf("no %q tensor: %w", name, errs.ErrCorrupt)
	}
	t, err := st.Tensor(name)
	if err != nil {
		return 0, asCorrupt(err)
	}
	if len(t.Shape) != 2 || t.Shape[0] <= 0 || t.Shape[1] <= 0 || t.Shape[1] > MaxDim {
		return 0, fmt.Errorf("%q has shape %v, want [tokens, dim]: %w", name, t.Shape, errs.ErrCorrupt)
	}
	return t.Shape[0], nil
}

// readEmbeddingMatrix reads a 2-d embedding tensor into a float32 matrix
// (I8 values are kept as their integer values).
func readEmbeddingMatrix(st *safetensors.File, name string) (*matrix, error) {
	if _, err := embeddingRows(st, name); err != nil {
		return nil, err
	}
	t, err := st.Tensor(name)
	if err != nil {
		return nil, asCorrupt(err)
	}
	rows, dim := t.Shape[0], t.Shape[1]
	var vals []float32
	if t.DType == "I8" {
		b, err := st.Bytes(name)
		if err != nil {
			return nil, asCorrupt(err)
		}
		vals = make([]float32, len(b))
		for i, q := range b {
			vals[i] = float32(int8(q))
		}
	} else {
		f, err := st.Float32s(name)
		if err != nil {
			return nil, fmt.Errorf("%q: %v: %w", name, err, errs.ErrCorrupt)
		}
		vals = f
		if t.DType == safetensors.F32 {
			vals = append([]float32(nil), f...) // f may alias the file's memory
		}
	}
	if len(vals) != rows*dim {
		return nil, fmt.Errorf("%q holds %d values for shape %v: %w", name, len(vals), t.Shape, errs.ErrCorrupt)
	}
	for i, x := range vals {
		if !finite32(x) {
			return nil, fmt.Errorf("%q row %d: %w: %w", name, i/dim, errs.ErrNonFinite, errs.ErrCorrupt)
		}
	}
	return &matrix{prec: Float32, dim: dim, rows: rows, f32: vals}, nil
}

// readIndexTensor reads the integer "mapping" tensor: n values in [0, rows).
func readIndexTensor(st *safetensors.File, name string, n, rows int) ([]int32, error) {
	t, err := st.Tensor(name)
	if err != nil {
		return nil, asCorrupt(err)
	}
	b, err := st.Bytes(name)
	if err != nil {
		return nil, asCorrupt(err)
	}
	var get func(i int) int64
	switch t.DType {
	case "I64":
		get = func(i int) int64 { return int64(binary.LittleEndian.Uint64(b[8*i:])) }
	case "I32":
		get = func(i int) int64 { return int64(int32(binary.LittleEndian.Uint32(b[4*i:]))) }
	default:
		return nil, fmt.Errorf("%q has dtype %s, want I32 or I64: %w", name, t.DType, errs.ErrCorrupt)
	}
	if t.Len() != n || len(b) != n*t.DType.Size() {
		return nil, fmt.Errorf("%q has %d values for %d tokens: %w", name, t.Len(), n, errs.ErrCorrupt)
	}
	out := make([]int32, n)
	for i := range out {
		v := get(i)
		if v < 0 || v >= int64(rows) {
			return nil, fmt.Errorf("%q[%d] = %d, not a row of the %d-row matrix: %w", name, i, v, rows, errs.ErrCorrupt)
		}
		out[i] = int32(v)
	}
	return out, nil
}
