// pooling.go holds the pooling options: WithPooling, which replaces the
// model's Pooling module (or the mean pooling a folder without one gets),
// and WithBERTPooler, which returns the checkpoint's pooler output
// tanh(pooler.dense(h[CLS])) as Hugging Face's BertModel computes it.

package transformer

import (
	"fmt"

	"github.com/ganada/ganada/embed/safetensors"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/pool"
)

// WithPooling sets the pooling modes (pool.CLS, pool.Mean, pool.Max, ...,
// combined with |, concatenated in sentence-transformers' order) in place
// of the model's 1_Pooling module, or of the mean pooling a folder without
// one gets. Use it for models trained with a pooling their folder does not
// record, such as SimCSE and KoSimCSE checkpoints (CLS) published as plain
// Hugging Face folders. The Pooling module's include_prompt is kept. A
// Dense module after pooling must still fit the pooled width, or Load
// fails. No mode, or an unknown mode bit, is an invalid option.
func WithPooling(modes pool.Mode) Option {
	return func(o *options) error {
		if err := (pool.Config{Modes: modes}).Validate(); err != nil {
			return fmt.Errorf("transformer: WithPooling(%v): %v: %w", modes, err, errs.ErrInvalidOption)
		}
		if o.pooler {
			return fmt.Errorf("transformer: WithPooling(%v) with WithBERTPooler, which pools with CLS: %w", modes, errs.ErrInvalidOption)
		}
		o.pooling = modes
		return nil
	}
}

// WithBERTPooler makes the sentence vector the checkpoint's pooler output,
// tanh(pooler.dense(h[CLS])) (transformers' pooler_output), before any
// Dense and Normalize modules of the folder, for models whose card says to
// use it. sentence-transformers never uses the pooler; this option is for
// models trained and published that way. Load fails with errs.ErrCorrupt
// naming the tensor when the checkpoint has no pooler.dense, and with
// errs.ErrUnsupported for families without one (DistilBERT, ModernBERT).
// It cannot be combined with WithPooling.
func WithBERTPooler() Option {
	return func(o *options) error {
		if o.pooling != 0 {
			return fmt.Errorf("transformer: WithBERTPooler with WithPooling(%v): %w", o.pooling, errs.ErrInvalidOption)
		}
		o.pooler = true
		return nil
	}
}

// poolerFamilies are the families whose checkpoints carry pooler.dense.
var poolerFamilies = map[string]bool{"bert": true, "roberta": true, "mpnet": true}

// overridePooling applies WithPooling or WithBERTPooler to the pooling
// configuration c read from the folder (or its default).
func (m *Model) overridePooling(c pool.Config) pool.Config {
	switch {
	case m.opts.pooler:
		c.Modes = pool.CLS
	case m.opts.pooling != 0:
		c.Modes = m.opts.pooling
	}
	return c
}

// addPooler reads pooler.dense from the weights f and puts tanh(dense(·))
// first among the steps after (CLS) pooling.
func (m *Model) addPooler(f *safetensors.File) error {
	c := m.enc.cfg
	if !poolerFamilies[c.fam.name] {
		return fmt.Errorf("transformer: WithBERTPooler: model_type %q has no pooler: %w", c.ModelType, errs.ErrUnsupported)
	}
	prefix, err := findPrefix(f, c.fam)
	if err != nil {
		return err
	}
	r := &tensorReader{f: f, prefix: prefix}
	h := c.HiddenSize
	l := r.linear("pooler.dense", h, h, true, false)
	if r.err != nil {
		return r.err
	}
	d := &dense{lin: packed(l, loadMode{}), act: tanhAct}
	m.post = append([]step{{dense: d}}, m.post...)
	return nil
}
