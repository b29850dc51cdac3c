// This file defines Model: the vocabulary, its vectors, the sentence
// settings, and the accessors for word vectors.

package static

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
)

// Model is a static embedding model: one vector per vocabulary entry, and
// the settings that turn a text into a sentence vector. It implements
// embed.Encoder and embed.Identifier. A Model is immutable and safe for
// concurrent use.
type Model struct {
	vocab   []string
	index   map[string]int32
	mat     *matrix
	digest  *lazyDigest // content hash of the words and vectors, shared by With
	cfg     config
	weights []float32 // SIF weight per row; nil when SIF is off
	tok     *m2vTokenizer
	report  LoadReport // what a vector-file reader left out
}

var (
	_ embed.Encoder    = (*Model)(nil)
	_ embed.Identifier = (*Model)(nil)
)

// New builds a Model from words (in frequency order, most frequent first)
// and their vectors, row-major: vectors[i*dim:(i+1)*dim] is words[i]'s
// vector. The vectors are copied. Words must be unique, non-empty and valid
// UTF-8, and every component finite.
func New(words []string, vectors []float32, dim int, opts ...Option) (*Model, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("static: New: dimension %d: %w", dim, errs.ErrInvalidInput)
	}
	if len(vectors) != len(words)*dim {
		return nil, fmt.Errorf("static: New: %d vector components for %d words of dimension %d: %w", len(vectors), len(words), dim, errs.ErrInvalidInput)
	}
	for i, x := range vectors {
		if !finite32(x) {
			return nil, fmt.Errorf("static: New: word %q component %d is %v: %w", words[i/dim], i%dim, x, errs.ErrInvalidInput)
		}
	}
	mat := &matrix{prec: Float32, dim: dim, rows: len(words), f32: append([]float32(nil), vectors...)}
	return build(append([]string(nil), words...), mat, "static", opts, errs.ErrInvalidInput)
}

// build indexes the vocabulary, hashes the content and applies options.
// A bad vocabulary is an error wrapping kind: errs.ErrInvalidInput for
// words the caller gave New, errs.ErrCorrupt for words read from a file.
func build(words []string, mat *matrix, defaultName string, opts []Option, kind error) (*Model, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("static: no words: %w", kind)
	}
	index := make(map[string]int32, len(words))
	for i, w := range words {
		if err := checkWord(w); err != nil {
			return nil, fmt.Errorf("static: word %d: %v: %w", i, err, kind)
		}
		if _, dup := index[w]; dup {
			return nil, fmt.Errorf("static: word %q appears twice: %w", w, kind)
		}
		index[w] = int32(i)
	}
	m := &Model{vocab: words, index: index, mat: mat, cfg: config{name: defaultName}}
	m.digest = &lazyDigest{}
	if err := m.apply(opts); err != nil {
		return nil, err
	}
	return m, nil
}

func checkWord(w string) error {
	if w == "" {
		return fmt.Errorf("empty word")
	}
	if !utf8Valid(w) {
		return fmt.Errorf("word %q is not valid UTF-8", w)
	}
	return nil
}

// lazyDigest computes the content hash on first use (Identity), keeping
// it off the load path.
type lazyDigest struct {
	once sync.Once
	hex  string
}

func (l *lazyDigest) get(words []string, mat *matrix) string {
	l.once.Do(func() { l.hex = contentDigest(words, mat) })
	return l.hex
}

// contentDigest hashes the words and the stored vector bytes.
func contentDigest(words []string, mat *matrix) string {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:4], uint32(mat.dim))
	b[4] = byte(mat.prec)
	h.Write(b[:5])
	for _, w := range words {
		binary.LittleEndian.PutUint32(b[:4], uint32(len(w)))
		h.Write(b[:4])
		h.Write([]byte(w))
	}
	switch mat.prec {
	case Float32:
		buf := make([]byte, 0, 4096)
		for _, x := range mat.f32 {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			if len(buf) == cap(buf) {
				h.Write(buf)
				buf = buf[:0]
			}
		}
		h.Write(buf)
	default:
		h.Write(mat.raw)
		h.Write(mat.scales)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// apply runs opts over a copy of the current settings and derives the
// per-word weights and the orthonormal common components.
func (m *Model) apply(opts []Option) error {
	cfg := m.cfg.clone()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return err
		}
	}
	if cfg.vocabSize != 0 && cfg.vocabSize < len(m.vocab) {
		return fmt.Errorf("static: WithVocabularySize(%d): smaller than the model's %d words: %w", cfg.vocabSize, len(m.vocab), errs.ErrInvalidOption)
	}
	comps, err := orthonormalize(cfg.components, m.mat.dim)
	if err != nil {
		return err
	}
	cfg.components = comps
	m.cfg = cfg
	m.weights = nil
	if cfg.sif && m.tok == nil {
		m.weights = sifWeights(len(m.vocab), cfg.vocabSize, cfg.sifA)
	}
	return nil
}

// With returns a model that shares m's vectors and vocabulary with m's
// settings changed by opts. WithMaxWords has no effect here.
func (m *Model) With(opts ...Option) (*Model, error) {
	d := *m
	if err := d.apply(opts); err != nil {
		return nil, err
	}
	return &d, nil
}

// sifWeights returns a/(a+p(r)) for ranks 1..n, p(r) = 1/(r·H_N) with
// N = max(n, vocabSize).
func sifWeights(n, vocabSize int, a float64) []float32 {
	N := max(n, vocabSize)
	h := harmonic(N)
	w := make([]float32, n)
	for i := range w {
		p := 1 / (float64(i+1) * h)
		w[i] = float32(a / (a + p))
	}
	return w
}

// harmonic returns H_n = Σ_{i=1..n} 1/i, summed smallest terms first.
func harmonic(n int) float64 {
	var s float64
	for i := n; i >= 1; i-- {
		s += 1 / float64(i)
	}
	return s
}

// SIFWeight returns the SIF weight of word, or 0 and false when the word
// is not in the vocabulary or SIF is off.
func (m *Model) SIFWeight(word string) (float32, bool) {
	i, ok := m.index[word]
	if !ok || m.weights == nil {
		return 0, false
	}
	return m.weights[i], true
}

// Dim returns the length of word and sentence vectors.
func (m *Model) Dim() int { return m.mat.dim }

// Len returns the number of vocabulary entries.
func (m *Model) Len() int { return len(m.vocab) }

// Precision returns the storage type of the vectors.
func (m *Model) Precision() Precision { return m.mat.prec }

// Words returns a copy of the vocabulary in file order (most frequent
// first for word-vector files; token-id order for Model2Vec).
func (m *Model) Words() []string { return append([]string(nil), m.vocab...) }

// Vector returns a copy of the vector of word, looked up exactly as given,
// and whether it is in the vocabulary.
func (m *Model) Vector(word string) ([]float32, bool) {
	i, ok := m.index[word]
	if !ok {
		return nil, false
	}
	v := make([]float32, m.mat.dim)
	if m.tok == nil {
		m.mat.row(v, int(i))
		return v, true
	}
	row, w := m.tok.row(i, 1)
	m.mat.row(v, row)
	for j := range v {
		v[j] *= float32(w)
	}
	return v, true
}

// Identity describes the embedding space: Model is the name, Revision
// "sha256:" and the first 16 hex digits of the content hash of words and
// vectors, followed by the sentence settings that change vectors
// (";lower", ";sif=A", ";N=...", ";pc=HASH", ";maxtok=N").
func (m *Model) Identity() embed.Identity {
	var b strings.Builder
	b.WriteString("sha256:")
	b.WriteString(m.digest.get(m.vocab, m.mat)[:16])
	if m.cfg.lowercase && m.tok == nil {
		b.WriteString(";lower")
	}
	if m.cfg.sif && m.tok == nil {
		fmt.Fprintf(&b, ";sif=%g", m.cfg.sifA)
		if m.cfg.vocabSize > len(m.vocab) {
			fmt.Fprintf(&b, ";N=%d", m.cfg.vocabSize)
		}
	}
	if len(m.cfg.components) > 0 {
		h := sha256.New()
		var buf [4]byte
		for _, c := range m.cfg.components {
			for _, x := range c {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
				h.Write(buf[:])
			}
		}
		fmt.Fprintf(&b, ";pc%d=%x", len(m.cfg.components), h.Sum(nil)[:6])
	}
	if m.cfg.maxTokens > 0 {
		fmt.Fprintf(&b, ";maxtok=%d", m.cfg.maxTokens)
	}
	return embed.Identity{
		Model:      m.cfg.name,
		Revision:   b.String(),
		Dim:        m.mat.dim,
		Normalized: m.cfg.normalize,
	}
}

func finite32(x float32) bool {
	f := float64(x)
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}
