// weights.go loads the encoder's tensors from a safetensors checkpoint,
// checking names, shapes and values.

package transformer

import (
	"errors"
	"fmt"
	"math"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
)

// layer holds one encoder layer's weights.
type layer struct {
	qkv          linear // query, key and value fused: Out = 3·hidden
	attnOut      linear
	attnLNW      []float32
	attnLNB      []float32
	intermediate linear
	output       linear
	outLNW       []float32
	outLNB       []float32
}

// weights holds all tensors of the encoder.
type weights struct {
	word, pos, typ []float32 // embeddings [vocab|positions|types, hidden]
	embLNW         []float32
	embLNB         []float32
	layers         []layer
}

// tensorReader fetches named tensors with shape and value checks, and
// remembers the first error so loading code reads straight through.
type tensorReader struct {
	f      *safetensors.File
	prefix string
	err    error
}

// prefixes are the name prefixes real checkpoints put before the encoder's
// tensor names (BertModel saved alone has none; BertForX has "bert.").
var prefixes = []string{"", "bert.", "roberta.", "model."}

func findPrefix(f *safetensors.File) (string, error) {
	for _, p := range prefixes {
		if f.Has(p + "embeddings.word_embeddings.weight") {
			return p, nil
		}
	}
	return "", fmt.Errorf("transformer: %s: no tensor embeddings.word_embeddings.weight (with or without a bert./roberta. prefix): %w", f.Path(), errs.ErrCorrupt)
}

func (r *tensorReader) get(name string, shape ...int) []float32 {
	if r.err != nil {
		return nil
	}
	full := r.prefix + name
	t, err := r.f.Tensor(full)
	if err != nil {
		r.err = fmt.Errorf("transformer: %w", asCorrupt(err))
		return nil
	}
	if !sameShape(t.Shape, shape) {
		r.err = fmt.Errorf("transformer: %s: tensor %q has shape %v, config.json implies %v: %w", t.File, full, t.Shape, shape, errs.ErrCorrupt)
		return nil
	}
	v, err := r.f.Float32s(full)
	if err != nil {
		if errors.Is(err, errs.ErrUnsupported) {
			r.err = fmt.Errorf("transformer: %w (want F32, F16 or BF16)", err)
		} else {
			r.err = fmt.Errorf("transformer: %w", asCorrupt(err))
		}
		return nil
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			r.err = fmt.Errorf("transformer: %s: tensor %q has a non-finite value (%g) at element %d: %w", t.File, full, x, i, errs.ErrCorrupt)
			return nil
		}
	}
	return v
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// linear reads name.weight and name.bias; the caller packs the result
// with newLinear once all reads succeeded.
func (r *tensorReader) linear(name string, out, in int) linear {
	return linear{W: r.get(name+".weight", out, in), B: r.get(name+".bias", out), In: in, Out: out}
}

// vector reads a 1-D tensor into memory of its own (not aliasing the file).
func (r *tensorReader) vector(name string, n int) []float32 {
	v := r.get(name, n)
	if v == nil {
		return nil
	}
	return append([]float32(nil), v...)
}

func packed(l linear, int8 bool) linear { return newLinear(l.W, l.B, l.In, l.Out, int8) }

// readWeights loads the encoder's tensors from the safetensors checkpoint
// at path (a file or a sharded index) in two passes, so that the file's
// bytes are never held next to their packed copies: the first pass packs
// every layer's matrices and copies its vectors, then closes (unmaps) the
// file; the second opens it again for the embedding tables, which (F32)
// stay mapped read-only for the model's lifetime: the NaN check reads them
// all, but their pages stay file-backed and reclaimable, not Go heap. The
// returned File holds them and must be closed with the model.
func readWeights(path string, c *config, int8 bool) (*weights, *safetensors.File, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	w, err := loadLayers(f, c, int8)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("transformer: %w", asCorrupt(cerr))
	}
	if err != nil {
		return nil, nil, err
	}
	if f, err = safetensors.Open(path); err != nil {
		return nil, nil, fmt.Errorf("transformer: %w", asCorrupt(err))
	}
	if err := loadEmbeddings(f, c, w); err != nil {
		f.Close()
		return nil, nil, err
	}
	return w, f, nil
}

// loadEmbeddings reads the embedding tables (aliasing f's memory for F32
// data) and the embedding LayerNorm into w.
func loadEmbeddings(f *safetensors.File, c *config, w *weights) error {
	prefix, err := findPrefix(f)
	if err != nil {
		return err
	}
	r := &tensorReader{f: f, prefix: prefix}
	h := c.HiddenSize
	w.word = r.get("embeddings.word_embeddings.weight", c.VocabSize, h)
	w.pos = r.get("embeddings.position_embeddings.weight", c.MaxPositionEmbeddings, h)
	if c.TypeVocabSize == 0 {
		// No type_vocab_size in config.json: as many types as rows.
		if t, err := f.Tensor(prefix + "embeddings.token_type_embeddings.weight"); err == nil && len(t.Shape) == 2 && t.Shape[0] > 0 {
			c.TypeVocabSize = t.Shape[0]
		} else {
			c.TypeVocabSize = 1 // for the error below
		}
	}
	w.typ = r.get("embeddings.token_type_embeddings.weight", c.TypeVocabSize, h)
	w.embLNW = r.vector("embeddings.LayerNorm.weight", h)
	w.embLNB = r.vector("embeddings.LayerNorm.bias", h)
	return r.err
}

// loadLayers reads and packs the encoder layers of f.
func loadLayers(f *safetensors.File, c *config, int8 bool) (*weights, error) {
	prefix, err := findPrefix(f)
	if err != nil {
		return nil, err
	}
	r := &tensorReader{f: f, prefix: prefix}
	h, ffn := c.HiddenSize, c.IntermediateSize
	w := &weights{}
	for i := 0; i < c.NumLayers && r.err == nil; i++ {
		p := fmt.Sprintf("encoder.layer.%d.", i)
		q := r.linear(p+"attention.self.query", h, h)
		k := r.linear(p+"attention.self.key", h, h)
		v := r.linear(p+"attention.self.value", h, h)
		l := layer{
			attnOut:      r.linear(p+"attention.output.dense", h, h),
			attnLNW:      r.vector(p+"attention.output.LayerNorm.weight", h),
			attnLNB:      r.vector(p+"attention.output.LayerNorm.bias", h),
			intermediate: r.linear(p+"intermediate.dense", ffn, h),
			output:       r.linear(p+"output.dense", h, ffn),
			outLNW:       r.vector(p+"output.LayerNorm.weight", h),
			outLNB:       r.vector(p+"output.LayerNorm.bias", h),
		}
		if r.err != nil {
			break
		}
		l.qkv = newLinear(concat(q.W, k.W, v.W), concat(q.B, k.B, v.B), h, 3*h, int8)
		l.attnOut = packed(l.attnOut, int8)
		l.intermediate = packed(l.intermediate, int8)
		l.output = packed(l.output, int8)
		w.layers = append(w.layers, l)
	}
	if r.err != nil {
		return nil, r.err
	}
	if f.Has(prefix + fmt.Sprintf("encoder.layer.%d.attention.self.query.weight", c.NumLayers)) {
		return nil, fmt.Errorf("transformer: %s has more layers than num_hidden_layers %d: %w", f.Path(), c.NumLayers, errs.ErrCorrupt)
	}
	return w, nil
}

func concat(parts ...[]float32) []float32 {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]float32, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
