// truncation.go lets the caller see, or refuse, the texts a Model
// truncates to MaxSeqLength, which sentence-transformers does silently.

package transformer

import (
	"fmt"
	"sync"

	"github.com/ganada/ganada/embed/tokenizer"
	"github.com/ganada/ganada/errs"
)

// WithOnTruncate calls f for every text an encoding call truncates: i is
// the text's index in the call and tokens its length in tokens (special
// tokens and prompt included) before truncation to MaxSeqLength. If f
// returns an error, the call fails with an error wrapping it; return nil
// to only report. f may be called from several goroutines at once. Only
// texts that reach MaxSeqLength are tokenized a second time, in full, to
// be measured.
//
// To refuse long texts:
//
//	transformer.WithOnTruncate(func(i, tokens int) error { return errs.ErrInvalidInput })
func WithOnTruncate(f func(i, tokens int) error) Option {
	return func(o *options) error {
		if f == nil {
			return fmt.Errorf("transformer: WithOnTruncate(nil): %w", errs.ErrInvalidOption)
		}
		o.onTruncate = f
		return nil
	}
}

// untruncated returns the model's tokenizer without truncation, made once.
func (m *Model) untruncated() (*tokenizer.Tokenizer, error) {
	m.fullTokOnce.Do(func() {
		m.fullTok, m.fullTokErr = m.tok.With(tokenizer.WithoutTruncation())
	})
	return m.fullTok, m.fullTokErr
}

// checkTruncation measures text j, whose truncated encoding has n tokens,
// when it may have been truncated, and asks the WithOnTruncate function.
func (m *Model) checkTruncation(j int, text string, n int) error {
	f := m.opts.onTruncate
	if f == nil || n < m.maxSeq {
		return nil
	}
	tok, err := m.untruncated()
	if err != nil {
		return fmt.Errorf("transformer: text %d: measuring its length: %w", j, err)
	}
	full, err := tok.Encode(text, true)
	if err != nil {
		return fmt.Errorf("transformer: text %d: measuring its length: %w", j, err)
	}
	if full.Len() <= n {
		return nil
	}
	if err := f(j, full.Len()); err != nil {
		return fmt.Errorf("transformer: text %d: %d tokens, truncated to max_seq_length %d: %w", j, full.Len(), m.maxSeq, err)
	}
	return nil
}

// truncationState is the part of a Model that checkTruncation uses.
type truncationState struct {
	fullTokOnce sync.Once
	fullTok     *tokenizer.Tokenizer
	fullTokErr  error
}
