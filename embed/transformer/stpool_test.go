// stpool_test.go checks every pooling mode against a direct float64
// transcription of sentence-transformers' Pooling.forward on a padded
// batch row (masked positions filled as torch does).

package transformer

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// refPool follows sentence-transformers v3 Pooling.forward for one row.
func refPool(modes poolMode, includePrompt bool, h [][]float64, mask []int, promptLen int) []float64 {
	n, dim := len(h), len(h[0])
	am := append([]int(nil), mask...)
	if !includePrompt {
		for i := 0; i < promptLen && i < n; i++ {
			am[i] = 0
		}
	}
	var out []float64
	if modes&poolCLS != 0 {
		out = append(out, h[0]...)
	}
	if modes&poolMax != 0 {
		for j := 0; j < dim; j++ {
			m := math.Inf(-1)
			for i := 0; i < n; i++ {
				v := h[i][j]
				if am[i] == 0 {
					v = -1e9
				}
				m = math.Max(m, v)
			}
			out = append(out, m)
		}
	}
	sum := func(w func(i int) float64) ([]float64, float64) {
		s := make([]float64, dim)
		var sm float64
		for i := 0; i < n; i++ {
			wi := w(i) * float64(am[i])
			sm += wi
			for j := range s {
				s[j] += h[i][j] * wi
			}
		}
		return s, math.Max(sm, 1e-9)
	}
	if modes&poolMean != 0 {
		s, sm := sum(func(int) float64 { return 1 })
		for j := range s {
			out = append(out, s[j]/sm)
		}
	}
	if modes&poolMeanSqrtLen != 0 {
		s, sm := sum(func(int) float64 { return 1 })
		for j := range s {
			out = append(out, s[j]/math.Sqrt(sm))
		}
	}
	if modes&poolWeightedMean != 0 {
		s, sm := sum(func(i int) float64 { return float64(i + 1) })
		for j := range s {
			out = append(out, s[j]/sm)
		}
	}
	if modes&poolLastToken != 0 {
		// values, indices = mask.flip(1).max(1); gather seq_len - indices - 1
		idx := n - 1
		for i := n - 1; i >= 0; i-- {
			if am[i] != 0 {
				idx = i
				break
			}
		}
		out = append(out, h[idx]...)
	}
	return out
}

func TestPoolModes(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const dim = 5
	for modes := poolMode(1); modes < 64; modes++ {
		for _, ip := range []bool{true, false} {
			n := 1 + r.Intn(9)
			h := make([][]float64, n)
			flat := make([]float32, 0, n*dim)
			for i := range h {
				h[i] = make([]float64, dim)
				for j := range h[i] {
					v := float32(r.NormFloat64())
					h[i][j] = float64(v)
					flat = append(flat, v)
				}
			}
			mask := make([]int, n)
			for i := range mask {
				mask[i] = 1
			}
			promptLen := r.Intn(n)
			c := poolConfig{Modes: modes, IncludePrompt: ip}
			dst := make([]float32, c.OutDim(dim))
			if err := c.Pool(dst, flat, mask, dim, promptLen); err != nil {
				t.Fatal(err)
			}
			want := refPool(modes, ip, h, mask, promptLen)
			for j := range want {
				if math.Abs(float64(dst[j])-want[j]) > 1e-6*(1+math.Abs(want[j])) {
					t.Fatalf("modes %06b include_prompt %v n %d prompt %d: [%d] = %g, want %g", modes, ip, n, promptLen, j, dst[j], want[j])
				}
			}
		}
	}
	if err := (poolConfig{Modes: poolMean}).Pool(make([]float32, 3), make([]float32, 5), []int{1}, 5, 0); err == nil {
		t.Error("wrong sizes: no error")
	}
}

func TestLoadPoolConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		os.WriteFile(filepath.Join(dir, "config.json"), []byte(s), 0o644)
	}
	write(`{"word_embedding_dimension": 384, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}`)
	c, err := loadPoolConfig(dir)
	if err != nil || c.Modes != poolCLS || !c.IncludePrompt || c.Dim != 384 {
		t.Errorf("cls config: %+v, %v", c, err)
	}
	write(`{"pooling_mode": "lasttoken", "include_prompt": false}`)
	if c, err := loadPoolConfig(dir); err != nil || c.Modes != poolLastToken || c.IncludePrompt {
		t.Errorf("pooling_mode string: %+v, %v", c, err)
	}
	for _, bad := range []string{`{}`, `{"pooling_mode": "median"}`, `{`} {
		write(bad)
		if _, err := loadPoolConfig(dir); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
