// config_fuzz_test.go fuzzes readConfig: any config.json bytes give a
// config whose sizes and family settings are usable, or an error wrapping
// errs.ErrCorrupt or errs.ErrUnsupported, never a panic.

package transformer

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ganada/ganada/errs"
)

func FuzzConfig(f *testing.F) {
	for _, m := range []string{"tiny-bert", "tiny-xlmr", "tiny-mpnet", "tiny-distilbert", "tiny-modernbert", "tiny-qwen3", "tiny-qwen2", "tiny-mistral", "tiny-gemma3"} {
		for _, dir := range []string{filepath.Join("testdata", m), filepath.Join(sharedModels, m)} {
			if b, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
				f.Add(b)
				break
			}
		}
	}
	f.Add([]byte(`{"model_type":"distilbert","dim":8,"n_layers":1,"n_heads":2,"hidden_dim":16,"max_position_embeddings":4,"vocab_size":5}`))
	f.Add([]byte(`{"model_type":"modernbert","hidden_size":8,"num_hidden_layers":2,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":4,"vocab_size":5,"local_attention":-3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := readConfig(p)
		if err != nil {
			if !errors.Is(err, errs.ErrCorrupt) && !errors.Is(err, errs.ErrUnsupported) {
				t.Fatalf("error %q wraps neither ErrCorrupt nor ErrUnsupported", err)
			}
			return
		}
		// Decoders size their heads by head_dim, not hidden_size/heads.
		if c.fam == nil || c.HiddenSize <= 0 || c.NumHeads <= 0 || (c.HiddenSize%c.NumHeads != 0 && !c.fam.decoder) || c.maxTokens() <= 0 || c.innerWidth() <= 0 || !(c.eps > 0) {
			t.Fatalf("accepted config with unusable sizes: %+v", c)
		}
		if c.fam.localAttention && (c.globalEvery <= 0 || c.window < 0) {
			t.Fatalf("accepted local attention settings every %d window %d", c.globalEvery, c.window)
		}
		if c.localLayers != nil && len(c.localLayers) != c.NumLayers || c.window < 0 || c.causalWindow < 0 ||
			!(c.attnScale > 0) || math.IsInf(float64(c.attnScale), 0) || c.fam.decoder && (c.headDim <= 0 || c.kvHeads <= 0 || c.NumHeads%c.kvHeads != 0) {
			t.Fatalf("accepted decoder settings: layers %v window %d causal window %d scale %g head_dim %d kv heads %d",
				c.localLayers, c.window, c.causalWindow, c.attnScale, c.headDim, c.kvHeads)
		}
	})
}
