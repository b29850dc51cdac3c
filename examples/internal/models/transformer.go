// This file loads transformer models (embed/transformer) from a folder or
// a hub id, with advice when a hub model cannot be downloaded.

package models

import (
	"context"
	"errors"
	"fmt"

	"github.com/ganada/ganada/embed/transformer"
	"github.com/ganada/ganada/errs"
)

func loadTransformer(ctx context.Context, spec string, hubID bool) (*Model, error) {
	m, err := transformer.Load(ctx, spec)
	if err != nil {
		if hubID && !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
			return nil, downloadHint(spec, fmt.Errorf("model %s: %w", spec, err))
		}
		return nil, fmt.Errorf("model %s: %w", spec, err)
	}
	return &Model{Encoder: m, Name: spec, Tokenizer: m.Tokenizer(), MaxTokens: m.MaxSeqLength()}, nil
}
