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
	qkv          linear    // query, key and value fused: Out = (heads + 2·kv heads)·head size
	qNorm, kNorm []float32 // per-head RMSNorm weights of queries and keys (Qwen3), or nil
	attnOut      linear    // attention output projection
	attnLNW      []float32 // attention LayerNorm (nil: none, ModernBERT's layer 0)
	attnLNB      []float32 // its bias (zeros for a bias-free family)
	intermediate linear    // first MLP product (a gated MLP's input half)
	gate         linear    // a gated MLP's gate half (unset otherwise)
	output       linear    // second MLP product
	outLNW       []float32 // MLP LayerNorm (before the MLP for a pre-norm family)
	outLNB       []float32
	// attnPostW, outPostW: norms of the attention's and the MLP's outputs
	// (Gemma3), or nil.
	attnPostW, outPostW []float32
}

// weights holds all tensors of the encoder.
type weights struct {
	word, pos, typ []float32 // embeddings [vocab|positions|types, hidden]; pos, typ nil when the family has none
	embLNW         []float32
	embLNB         []float32
	layers         []layer
	relBias        []float32 // biasRelBuckets: [buckets, heads]
	finalLNW       []float32 // a pre-norm family's last LayerNorm
	finalLNB       []float32
}

// tensorReader fetches named tensors with shape and value checks, and
// remembers the first error so loading code reads straight through.
type tensorReader struct {
	f      *safetensors.File
	prefix string
	err    error
}

// findPrefix finds which of the family's name prefixes the checkpoint
// puts before the encoder's tensor names (BertModel saved alone has none;
// BertForX has "bert.") by its word embeddings.
func findPrefix(f *safetensors.File, fam *family) (string, error) {
	word := fam.names.word + ".weight"
	for _, p := range fam.prefixes {
		if f.Has(p + word) {
			return p, nil
		}
	}
	return "", fmt.Errorf("transformer: %s: no tensor %s (with any of the prefixes %q of %s checkpoints): %w", f.Path(), word, fam.prefixes, fam.name, errs.ErrCorrupt)
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

// linear reads name.weight and, when bias, name.bias; the caller packs
// the result with newLinear once all reads succeeded.
func (r *tensorReader) linear(name string, out, in int, bias bool) linear {
	l := linear{W: r.get(name+".weight", out, in), In: in, Out: out}
	if bias {
		l.B = r.get(name+".bias", out)
	}
	return l
}

// norm reads a LayerNorm's name.weight and name.bias (zeros when the
// family's norms have no bias).
func (r *tensorReader) norm(name string, n int, bias bool) (w, b []float32) {
	w = r.vector(name+".weight", n)
	if bias {
		return w, r.vector(name+".bias", n)
	}
	return w, make([]float32, n)
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
	fam := c.fam
	prefix, err := findPrefix(f, fam)
	if err != nil {
		return err
	}
	r := &tensorReader{f: f, prefix: prefix}
	h, n := c.HiddenSize, fam.names
	w.word = r.get(n.word+".weight", c.VocabSize, h)
	if fam.positions != posRotary {
		w.pos = r.get(n.pos+".weight", c.MaxPositionEmbeddings, h)
	}
	if fam.tokenTypes {
		if c.TypeVocabSize == 0 {
			// No type_vocab_size in config.json: as many types as rows.
			if t, err := f.Tensor(prefix + n.typ + ".weight"); err == nil && len(t.Shape) == 2 && t.Shape[0] > 0 {
				c.TypeVocabSize = t.Shape[0]
			} else {
				c.TypeVocabSize = 1 // for the error below
			}
		}
		w.typ = r.get(n.typ+".weight", c.TypeVocabSize, h)
	}
	if n.embNorm != "" {
		w.embLNW, w.embLNB = r.norm(n.embNorm, h, fam.biases)
	}
	return r.err
}

// loadLayers reads and packs the encoder layers of f, and the family's
// tensors outside the layers (relative position biases, final norm).
func loadLayers(f *safetensors.File, c *config, int8 bool) (*weights, error) {
	fam := c.fam
	prefix, err := findPrefix(f, fam)
	if err != nil {
		return nil, err
	}
	r := &tensorReader{f: f, prefix: prefix}
	h, ffn, n, b := c.HiddenSize, c.IntermediateSize, fam.names, fam.biases
	w := &weights{}
	for i := 0; i < c.NumLayers && r.err == nil; i++ {
		name := func(pattern string) string { return fmt.Sprintf(pattern, i) }
		var qkv linear
		aw, kw := c.attnWidth(), c.kvHeads*c.headDim
		if n.qkv != "" {
			qkv = r.linear(name(n.qkv), c.qkvWidth(), h, b)
		} else {
			q := r.linear(name(n.q), aw, h, b)
			k := r.linear(name(n.k), kw, h, b)
			v := r.linear(name(n.v), kw, h, b)
			qkv = linear{W: concat(q.W, k.W, v.W), In: h, Out: c.qkvWidth()}
			if b {
				qkv.B = concat(q.B, k.B, v.B)
			}
		}
		var l layer
		if n.qNorm != "" {
			l.qNorm = r.vector(name(n.qNorm)+".weight", c.headDim)
			l.kNorm = r.vector(name(n.kNorm)+".weight", c.headDim)
		}
		// Read in the order of the forward pass, so that the first
		// mismatch reported is the first tensor that config.json misstates.
		l.attnOut = r.linear(name(n.attnOut), h, aw, b && !fam.decoder)
		if !n.noFirstAttnNorm || i > 0 {
			l.attnLNW, l.attnLNB = r.norm(name(n.attnNorm), h, b && !fam.decoder)
		}
		var in, up linear
		if n.mlpUp != "" {
			in = r.linear(name(n.mlpIn), ffn, h, b && !fam.decoder)
			up = r.linear(name(n.mlpUp), ffn, h, b && !fam.decoder)
		} else {
			in = r.linear(name(n.mlpIn), c.innerWidth(), h, b)
		}
		l.output = r.linear(name(n.mlpOut), h, ffn, b && !fam.decoder)
		l.outLNW, l.outLNB = r.norm(name(n.mlpNorm), h, b && !fam.decoder)
		if n.attnPostNorm != "" {
			l.attnPostW = r.vector(name(n.attnPostNorm)+".weight", h)
			l.outPostW = r.vector(name(n.mlpPostNorm)+".weight", h)
		}
		if r.err != nil {
			break
		}
		if fam.normPlusOne {
			plusOne(l.qNorm, l.kNorm, l.attnLNW, l.outLNW, l.attnPostW, l.outPostW)
		}
		l.qkv = packed(qkv, int8)
		l.attnOut = packed(l.attnOut, int8)
		if n.mlpUp != "" {
			l.intermediate = packed(in, int8)
			l.gate = packed(up, int8)
		} else if fam.gatedMLP {
			// Wi's rows are [input; gate] (torch's chunk(2, dim=-1)).
			l.intermediate = newLinear(in.W[:ffn*h], half(in.B, 0, ffn), h, ffn, int8)
			l.gate = newLinear(in.W[ffn*h:], half(in.B, ffn, 2*ffn), h, ffn, int8)
		} else {
			l.intermediate = packed(in, int8)
		}
		l.output = packed(l.output, int8)
		w.layers = append(w.layers, l)
	}
	if fam.attnBias == biasRelBuckets {
		if t := r.get(n.relBias+".weight", c.relBuckets, c.NumHeads); t != nil {
			w.relBias = append([]float32(nil), t...)
		}
	}
	if n.finalNorm != "" {
		w.finalLNW, w.finalLNB = r.norm(n.finalNorm, h, b && !fam.decoder)
		if fam.normPlusOne && w.finalLNW != nil {
			plusOne(w.finalLNW)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	next := n.qkv
	if next == "" {
		next = n.q
	}
	if next = prefix + fmt.Sprintf(next, c.NumLayers) + ".weight"; f.Has(next) {
		return nil, fmt.Errorf("transformer: %s has more layers than num_hidden_layers %d (it has %s): %w", f.Path(), c.NumLayers, next, errs.ErrCorrupt)
	}
	return w, nil
}

// half returns b[lo:hi], or nil for no bias.
func half(b []float32, lo, hi int) []float32 {
	if b == nil {
		return nil
	}
	return b[lo:hi]
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

// plusOne turns the weights w of a Gemma RMSNorm, which scales by (1 + w),
// into the factors the shared RMSNorm multiplies by: 1 + w, added in
// float32 as the reference's 1.0 + weight.float() is (nil slices are
// skipped).
func plusOne(ws ...[]float32) {
	for _, w := range ws {
		for i := range w {
			w[i] = 1 + w[i]
		}
	}
}
