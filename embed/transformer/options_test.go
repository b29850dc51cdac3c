// This file checks the issue-12 conventions of Load: each option refuses
// an unusable value with errs.ErrInvalidOption naming itself and the
// value, nil options are skipped, the context comes first and a cancelled
// one stops Load, and a closed model's calls wrap errs.ErrClosed.

package transformer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestOptionErrors(t *testing.T) {
	dir := filepath.Join("testdata", "tiny-bert")
	ctx := context.Background()
	for want, o := range map[string]Option{
		"WithMaxSeqLength(-1)":        WithMaxSeqLength(-1),
		"WithMaxSeqLength(100000)":    WithMaxSeqLength(100000),
		"WithBatchSize(-2)":           WithBatchSize(-2),
		"WithWorkers(-3)":             WithWorkers(-3),
		"WithTruncateDim(-4)":         WithTruncateDim(-4),
		"WithTruncateDim(100000)":     WithTruncateDim(100000),
		`WithWeightsFile("")`:         WithWeightsFile(""),
		`WithWeightsFile("../x")`:     WithWeightsFile("../x"),
		`WithWeightsFile("/etc/x")`:   WithWeightsFile("/etc/x"),
		`WithWeightsFile("..")`:       WithWeightsFile(".."),
		`WithWeightsFile("a\\b.bin")`: WithWeightsFile(`a\b.bin`),
	} {
		m, err := Load(ctx, dir, o)
		if err == nil {
			m.Close()
			t.Errorf("%s accepted", want)
			continue
		}
		if !errors.Is(err, errs.ErrInvalidOption) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrInvalidOption naming the option and value", want, err)
		}
	}
	m, err := Load(ctx, dir, nil, WithBatchSize(0), nil, WithWeightsFile("model.safetensors"))
	if err != nil {
		t.Fatalf("nil options and defaults: %v", err)
	}
	m.Close()
	if _, err := m.Encode(ctx, []string{"x"}); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Encode after Close: %v, want ErrClosed", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if m, err := Load(done, dir); !errors.Is(err, context.Canceled) {
		if err == nil {
			m.Close()
		}
		t.Errorf("Load with a cancelled context: %v, want context.Canceled", err)
	}
}
