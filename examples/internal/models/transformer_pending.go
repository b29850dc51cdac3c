// This file stands in for transformer loading until embed/transformer's
// Load is committed.

package models

import (
	"context"
	"fmt"
)

func loadTransformer(ctx context.Context, spec string, hubID bool) (*Model, error) {
	return nil, fmt.Errorf("model %s: transformer models are not available in this build yet (embed/transformer is being finished); use a word-vector model", spec)
}
