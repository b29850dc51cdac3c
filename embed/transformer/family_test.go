// family_test.go checks the per-family pieces that the golden parity tests
// (encoder_test.go, model_test.go) do not isolate: MPNet's relative
// position buckets at their boundaries, and the errors of broken MPNet,
// DistilBERT and ModernBERT folders.

package transformer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganada/ganada/errs"
)

// TestRelBucket checks relBucket against the bucket of each distance that
// transformers' MPNetEncoder.relative_position_bucket (32 buckets,
// max_distance 128) gives under Debian's torch 1.13.1, evaluated for this
// test: the float32 logarithm puts distance 16 in bucket 10, not 9.
func TestRelBucket(t *testing.T) {
	// distance n = query - key (rel = -n) → bucket; n ≥ 8 from torch.
	want := map[int]int{0: 0, 1: 1, 7: 7, 8: 8, 15: 9, 16: 10, 17: 10, 31: 11, 32: 12, 33: 12,
		63: 13, 64: 14, 65: 14, 127: 15, 128: 15, 129: 15, 255: 15, 1000: 15}
	for n, b := range want {
		if got := relBucket(-n, 32, 128); got != b {
			t.Errorf("relBucket(%d) = %d, torch gives %d", -n, got, b)
		}
		if n > 0 {
			if got := relBucket(n, 32, 128); got != b+16 {
				t.Errorf("relBucket(%d) = %d, torch gives %d", n, got, b+16)
			}
		}
	}
}

// TestBrokenFamilyModels loads broken copies of the MPNet, DistilBERT and
// ModernBERT fixtures: each error wraps the right sentinel and names the
// file and the tensor or key.
func TestBrokenFamilyModels(t *testing.T) {
	weights := func(edit func(map[string]rawTensor)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, "model.safetensors")
			ts := readTensors(t, p)
			edit(ts)
			writeTensors(t, p, ts)
		}
	}
	reshape := func(name string, shape ...int) func(t *testing.T, dir string) {
		return weights(func(ts map[string]rawTensor) {
			x := ts[name]
			x.shape = shape
			ts[name] = x
		})
	}
	cases := []struct {
		model, name string
		break_      func(t *testing.T, dir string)
		is          error
		want        []string
	}{
		{"tiny-mpnet", "no relative bias", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.relative_attention_bias.weight") }),
			errs.ErrCorrupt, []string{"encoder.relative_attention_bias.weight", "model.safetensors"}},
		{"tiny-mpnet", "buckets mismatch", setConfig("relative_attention_num_buckets", 64),
			errs.ErrCorrupt, []string{"encoder.relative_attention_bias.weight", "[32 4]", "[64 4]"}},
		{"tiny-mpnet", "too few buckets", setConfig("relative_attention_num_buckets", 16),
			errs.ErrCorrupt, []string{"relative_attention_num_buckets", "config.json"}},
		{"tiny-mpnet", "missing o", weights(func(ts map[string]rawTensor) { delete(ts, "encoder.layer.1.attention.attn.o.bias") }),
			errs.ErrCorrupt, []string{"encoder.layer.1.attention.attn.o.bias"}},
		{"tiny-mpnet", "extra layer", setConfig("num_hidden_layers", 1),
			errs.ErrCorrupt, []string{"num_hidden_layers", "encoder.layer.1.attention.attn.q.weight"}},
		{"tiny-distilbert", "wrong shape", reshape("transformer.layer.0.ffn.lin1.weight", 32, 64),
			errs.ErrCorrupt, []string{"transformer.layer.0.ffn.lin1.weight", "[32 64]", "[64 32]"}},
		{"tiny-distilbert", "dim key", setConfig("dim", 48),
			errs.ErrCorrupt, []string{"transformer.layer.0.attention.q_lin.weight", "[48 48]"}},
		{"tiny-distilbert", "unknown activation", setConfig("activation", "mish"),
			errs.ErrUnsupported, []string{"mish", "config.json"}},
		{"tiny-modernbert", "fused qkv shape", reshape("layers.1.attn.Wqkv.weight", 32, 96),
			errs.ErrCorrupt, []string{"layers.1.attn.Wqkv.weight", "[96 32]"}},
		{"tiny-modernbert", "no final norm", weights(func(ts map[string]rawTensor) { delete(ts, "final_norm.weight") }),
			errs.ErrCorrupt, []string{"final_norm.weight"}},
		{"tiny-modernbert", "no attn_norm in layer 1", weights(func(ts map[string]rawTensor) { delete(ts, "layers.1.attn_norm.weight") }),
			errs.ErrCorrupt, []string{"layers.1.attn_norm.weight"}},
		{"tiny-modernbert", "biases", setConfig("mlp_bias", true),
			errs.ErrUnsupported, []string{"mlp_bias", "config.json"}},
		{"tiny-modernbert", "zero global_attn_every_n_layers", setConfig("global_attn_every_n_layers", 0),
			errs.ErrCorrupt, []string{"global_attn_every_n_layers"}},
		{"tiny-modernbert", "odd head size", setConfig("num_attention_heads", 32),
			errs.ErrCorrupt, []string{"odd", "config.json"}},
		{"tiny-modernbert", "rope theta", setConfig("local_rope_theta", 0.5),
			errs.ErrCorrupt, []string{"local_rope_theta"}},
		{"tiny-qwen3", "no q_norm", weights(func(ts map[string]rawTensor) { delete(ts, "layers.1.self_attn.q_norm.weight") }),
			errs.ErrCorrupt, []string{"layers.1.self_attn.q_norm.weight", "model.safetensors"}},
		{"tiny-qwen3", "wrong kv heads", setConfig("num_key_value_heads", 4),
			errs.ErrCorrupt, []string{"layers.0.self_attn.k_proj.weight", "[64 64]", "[128 64]", "model.safetensors"}},
		{"tiny-qwen3", "kv heads not dividing heads", setConfig("num_key_value_heads", 3),
			errs.ErrCorrupt, []string{"num_key_value_heads 3", "config.json"}},
		{"tiny-qwen3", "wrong head_dim", setConfig("head_dim", 16),
			errs.ErrCorrupt, []string{"layers.0.self_attn.q_proj.weight", "[128 64]", "[64 64]"}},
		{"tiny-qwen3", "rope theta", setConfig("rope_theta", 0),
			errs.ErrCorrupt, []string{"rope_theta", "config.json"}},
		{"tiny-qwen3", "attention bias", setConfig("attention_bias", true),
			errs.ErrUnsupported, []string{"attention_bias", "config.json"}},
		{"tiny-qwen3", "no final norm", weights(func(ts map[string]rawTensor) { delete(ts, "norm.weight") }),
			errs.ErrCorrupt, []string{"norm.weight"}},
		{"tiny-bert", "head_dim in a bert config", setConfig("head_dim", 8),
			errs.ErrUnsupported, []string{"head_dim", "config.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.model+"/"+tc.name, func(t *testing.T) {
			dir := copyDir(t, modelDir(t, tc.model))
			tc.break_(t, dir)
			m, err := Load(context.Background(), dir)
			if err == nil {
				m.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
