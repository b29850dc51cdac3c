// This file checks LoadConfig on hand-written 1_Pooling/config.json files
// (testdata/configs) and on the shared model fixtures when present.

package pool

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/errs"
)

func TestLoadConfig(t *testing.T) {
	for _, c := range []struct {
		dir  string
		want Config
		err  error
	}{
		{"mean", Config{Modes: Mean, IncludePrompt: true, Dim: 32}, nil},
		{"cls", Config{Modes: CLS, IncludePrompt: true, Dim: 384}, nil},
		{"lasttoken-noprompt", Config{Modes: LastToken, IncludePrompt: false, Dim: 4096}, nil},
		{"multi", Config{Modes: CLS | Mean | Max, IncludePrompt: true, Dim: 768}, nil},
		// Absent keys take Pooling's defaults: mean on, include_prompt true.
		{"defaults", Config{Modes: Mean, IncludePrompt: true, Dim: 32}, nil},
		// pooling_mode overrides the flags, case-insensitively.
		{"string-mode", Config{Modes: WeightedMean, IncludePrompt: true, Dim: 1024}, nil},
		{"none", Config{}, errs.ErrCorrupt},
		{"unknown-key", Config{}, errs.ErrCorrupt},
		{"unknown-string", Config{}, errs.ErrCorrupt},
		{"bad-json", Config{}, errs.ErrCorrupt},
		{"bad-type", Config{}, errs.ErrCorrupt},
		{"missing", Config{}, fs.ErrNotExist},
	} {
		got, err := LoadConfig(filepath.Join("testdata", "configs", c.dir))
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err = %v, want %v", c.dir, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.dir, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.dir, got, c.want)
		}
	}
}

func TestLoadSharedFixtureConfigs(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "fixtures", "models")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("fixture ../shared/fixtures/models not present: %v", err)
	}
	for m, dim := range map[string]int{"tiny-bert": 32, "tiny-xlmr": 32, "minilm-l6-shape": 384} {
		c, err := LoadConfig(filepath.Join(root, m, "1_Pooling"))
		if err != nil {
			t.Errorf("%s: %v", m, err)
			continue
		}
		if want := (Config{Modes: Mean, IncludePrompt: true, Dim: dim}); c != want {
			t.Errorf("%s: %+v, want %+v", m, c, want)
		}
	}
}
